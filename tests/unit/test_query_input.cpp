#include <catch2/catch.hpp>

#include <cstdlib>

#include "query/query_input.h"

using nixcc::BuildRow;
using nixcc::choose_build;

namespace {

BuildRow batch(const std::string& id, const std::string& name, double started_at, const std::string& invocation) {
  BuildRow b;
  b.id = id;
  b.kind = "batch";
  b.name = name;
  b.started_at = started_at;
  b.invocation = invocation;
  return b;
}

BuildRow launcher(const std::string& id, double started_at) {
  BuildRow b;
  b.id = id;
  b.kind = "launcher";
  b.started_at = started_at;
  return b;
}

}  // namespace

TEST_CASE("latest is the build that started last, for a launcher's database", "[query_input]") {
  const std::vector<BuildRow> builds = {launcher("one", 1), launcher("two", 2)};
  const auto chosen = choose_build(builds, "latest", "db");
  CHECK(chosen.selection == std::vector<std::string>{"two"});
  CHECK(chosen.label == "two");
  CHECK_FALSE(chosen.latest_run);
  CHECK(chosen.ran_last("two"));
}

TEST_CASE("latest of a result is every batch of it, the latest nix-build's ones marked", "[query_input]") {
  // The first nix-build made b0, b1, b2; the second rebuilt b1; a third rebuilt b2 and b0.
  const std::vector<BuildRow> builds = {
      batch("b0-1", "b0", 1, "nix-1"), batch("b1-1", "b1", 2, "nix-1"), batch("b2-1", "b2", 3, "nix-1"),
      batch("b1-2", "b1", 10, "nix-2"), batch("b2-3", "b2", 20, "nix-3"), batch("b0-3", "b0", 21, "nix-3"),
  };
  auto chosen = choose_build(builds, "latest", "db");
  REQUIRE(chosen.selection);
  CHECK(*chosen.selection == std::vector<std::string>{"b1-2", "b2-3", "b0-3"});
  REQUIRE(chosen.latest_run);
  CHECK(*chosen.latest_run == std::set<std::string>{"b2-3", "b0-3"});
  CHECK(chosen.ran_last("b0-3"));
  CHECK_FALSE(chosen.ran_last("b1-2"));
  CHECK(chosen.label == "latest result: 3 batches, 2 run by the latest nix-build");

  // An incremental build of one batch.
  chosen = choose_build({builds.begin(), builds.begin() + 4}, "latest", "db");
  CHECK(*chosen.selection == std::vector<std::string>{"b0-1", "b2-1", "b1-2"});
  CHECK(*chosen.latest_run == std::set<std::string>{"b1-2"});
}

TEST_CASE("batches whose nix-build is unknown all count as run", "[query_input]") {
  const std::vector<BuildRow> builds = {batch("b0", "b0", 1, ""), batch("b1", "b1", 2, "")};
  const auto chosen = choose_build(builds, "latest", "db");
  CHECK(chosen.selection->size() == 2);
  CHECK_FALSE(chosen.latest_run);
  CHECK(chosen.ran_last("b0"));
  CHECK(chosen.label == "latest result: 2 batches");
}

TEST_CASE("a result's merge names the latest plan's batches even when a later-started batch has no mark",
          "[query_input]") {
  // Sandboxed batches know no nix-build; the merge marked b1 and b2. b0 started later (it was built by an
  // earlier nix-build whose plan changed it, and that plan did not touch b1 again) but is unmarked.
  const std::vector<BuildRow> builds = {batch("b1", "b1", 1, "latest plan"), batch("b2", "b2", 2, "latest plan"),
                                        batch("b0", "b0", 3, "")};
  const auto chosen = choose_build(builds, "latest", "db");
  REQUIRE(chosen.latest_run);
  CHECK(*chosen.latest_run == std::set<std::string>{"b1", "b2"});
  CHECK(chosen.label == "latest result: 3 batches, 2 run by the latest nix-build");
}

TEST_CASE("all, an id, and what is not there", "[query_input]") {
  const std::vector<BuildRow> builds = {launcher("one", 1), batch("b", "b0", 2, "nix")};
  const auto all = choose_build(builds, "all", "db");
  CHECK_FALSE(all.selection);
  CHECK_FALSE(all.latest_run);
  CHECK_FALSE(all.empty);
  const auto one = choose_build(builds, "one", "db");
  CHECK(one.selection == std::vector<std::string>{"one"});
  CHECK_THROWS_WITH(choose_build(builds, "nope", "my.sqlite"), "my.sqlite: no build 'nope'");
  CHECK(choose_build({}, "latest", "db").empty);
  CHECK(choose_build({}, "all", "db").empty);
}

TEST_CASE("without --db, queries read the default database", "[query_input]") {
  CHECK(nixcc::query_databases({"a.sqlite", "b.sqlite"}) == std::vector<std::string>{"a.sqlite", "b.sqlite"});
  const char* before = std::getenv("NIXCC_DB");
  const std::string saved = before ? before : "";
  ::setenv("NIXCC_DB", "/tmp/chosen.sqlite", 1);
  CHECK(nixcc::query_databases({}) == std::vector<std::string>{"/tmp/chosen.sqlite"});
  if (before) {
    ::setenv("NIXCC_DB", saved.c_str(), 1);
  } else {
    ::unsetenv("NIXCC_DB");
  }
  CHECK(nixcc::describe({"a.sqlite", "b.sqlite"}) == "a.sqlite + b.sqlite");
}
