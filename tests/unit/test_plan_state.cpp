#include <catch2/catch.hpp>

#include <string>

#include "core/hash.h"
#include "planner/plan_state.h"
#include "temp_dir.h"

using nixcc::plan::BatchState;
using nixcc::plan::kStateFile;
using nixcc::plan::Partition;
using nixcc::plan::PlanState;
using nixcc::plan::read_plan_state;
using nixcc::plan::write_plan_state;
using nixcc::test::TempDir;
using nixcc::test::write_file;

namespace {

PlanState sample_state() {
  PlanState state;
  state.mode = "batches";
  state.batch_count = 2;
  state.batches["b0"] = BatchState{{"app/s/main.cpp", "lib/s/a \"q\" é.cpp"}, "fp0", "mh0", "/nix/store/abc-batch-b0"};
  state.batches["b1"] = BatchState{{"lib/s/b.cpp"}, "fp1", "mh1", ""};
  return state;
}

// The error read_plan_state throws for the state file holding `text`.
std::string error_for(const std::string& text) {
  TempDir dir;
  write_file(dir / kStateFile, text);
  try {
    read_plan_state(dir.path());
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    CHECK(message.find((dir / kStateFile).string()) != std::string::npos);
    return message;
  }
  FAIL("read_plan_state accepted: " << text);
  return "";
}

}  // namespace

TEST_CASE("plan state: what is written is read back") {
  TempDir dir;
  PlanState state = sample_state();
  state.nixcc_in_store = {"/bin/nixcc:123:456", {"/nix/store/abc-nixcc"}};
  state.host_tools = {"k", {"/bin", "/usr/bin/g++"}};
  write_plan_state(dir.path(), state);
  const auto back = read_plan_state(dir.path());
  REQUIRE(back);
  CHECK(back->mode == state.mode);
  CHECK(back->batch_count == state.batch_count);
  REQUIRE(back->batches.size() == 2);
  for (const auto& [name, batch] : state.batches) {
    const BatchState& read = back->batches.at(name);
    CHECK(read.units == batch.units);
    CHECK(read.fingerprint == batch.fingerprint);
    CHECK(read.manifest_hash == batch.manifest_hash);
    CHECK(read.previous == batch.previous);
  }
  CHECK(back->partition() == Partition{{"b0", {"app/s/main.cpp", "lib/s/a \"q\" é.cpp"}}, {"b1", {"lib/s/b.cpp"}}});
  CHECK(back->nixcc_in_store.key == "/bin/nixcc:123:456");
  CHECK(back->nixcc_in_store.values == std::vector<std::string>{"/nix/store/abc-nixcc"});
  CHECK(back->host_tools.values == std::vector<std::string>{"/bin", "/usr/bin/g++"});
}

TEST_CASE("plan state: a version-2 file has no cached answers, and asks again") {
  TempDir dir;
  write_file(dir / kStateFile, R"({"format": "nixcc-plan-state", "version": 2, "mode": "batches", "batch_count": 1,
    "batches": {"b0": {"units": ["a"], "fingerprint": "f", "manifest_hash": "h", "previous": ""}}})");
  const auto back = read_plan_state(dir.path());
  REQUIRE(back);
  CHECK(back->nixcc_in_store.key.empty());
  CHECK(back->host_tools.values.empty());
}

TEST_CASE("plan state: none yet is not an error") {
  TempDir dir;
  CHECK_FALSE(read_plan_state(dir.path()));
}

TEST_CASE("plan state: a version-1 file's manifest text stands for its hash") {
  TempDir dir;
  write_file(dir / kStateFile, R"({"format": "nixcc-plan-state", "version": 1, "mode": "per-file", "batch_count": 1,
    "batches": {"f-1": {"units": ["a.cpp"], "fingerprint": "fp", "manifest": "{\"m\": 1}\n", "previous": ""}}})");
  const auto state = read_plan_state(dir.path());
  REQUIRE(state);
  CHECK(state->mode == "per-file");
  CHECK(state->batches.at("f-1").manifest_hash == nixcc::hash_string("{\"m\": 1}\n"));
}

TEST_CASE("plan state: a malformed file is refused, naming it, and left as it is") {
  CHECK_THAT(error_for(R"({"format": "nixcc-plan-state", "vers)"), Catch::Contains("unreadable plan state"));
  CHECK_THAT(error_for("[]"), Catch::Contains("unreadable plan state"));
  CHECK_THAT(error_for(R"({"format": "something-else", "version": 2})"), Catch::Contains("version 1 to 3"));
  CHECK_THAT(error_for(R"({"format": "nixcc-plan-state", "version": 99, "mode": "batches", "batch_count": 1, "batches": {}})"),
             Catch::Contains("version 1 to 3"));
  CHECK_THAT(error_for(R"({"format": "nixcc-plan-state", "version": 2, "mode": "batches", "batch_count": "three", "batches": {}})"),
             Catch::Contains("unreadable plan state"));
  CHECK_THAT(error_for(R"({"format": "nixcc-plan-state", "version": 2, "mode": "batches", "batch_count": 1,
    "batches": {"b0": {"units": ["a"], "fingerprint": "f", "previous": ""}}})"),
             Catch::Contains("manifest_hash"));
  CHECK_THAT(error_for(R"({"format": "nixcc-plan-state", "version": 2, "mode": "batches", "batch_count": 1,
    "batches": {"b0": {"units": [1], "fingerprint": "f", "manifest_hash": "h", "previous": ""}}})"),
             Catch::Contains("unreadable plan state"));

  TempDir dir;
  const std::string corrupt = "{\"format\": \"nixcc-plan-state\", \"vers";
  write_file(dir / kStateFile, corrupt);
  CHECK_THROWS(read_plan_state(dir.path()));
  CHECK(nixcc::test::read_file(dir / kStateFile) == corrupt);
}

TEST_CASE("plan state: writing replaces the file whole") {
  TempDir dir;
  write_file(dir / kStateFile, "not json at all, and longer than what replaces it ......................................");
  PlanState small;
  small.mode = "batches";
  small.batch_count = 1;
  write_plan_state(dir.path(), small);
  const auto back = read_plan_state(dir.path());
  REQUIRE(back);
  CHECK(back->batches.empty());
  CHECK_FALSE(std::filesystem::exists(dir / (std::string(kStateFile) + ".tmp")));
}
