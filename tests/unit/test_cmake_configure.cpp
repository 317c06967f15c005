#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include <fmt/format.h>

#include "planner/cmake_configure.h"
#include "planner/file_api_query.h"
#include "temp_dir.h"

using nixcc::plan::FileApiMissing;
using nixcc::plan::find_file_api_reply;
using nixcc::plan::input_newer_than;
using nixcc::plan::prepare_file_api_reply;
using nixcc::test::TempDir;
using nixcc::test::write_file;
namespace fs = std::filesystem;

namespace {

// A build directory whose CMakeCache.txt names a fake cmake: a shell script that records each run
// and, as cmake does, answers the File API query it finds with a reply.
class FakeBuild {
 public:
  explicit FakeBuild(const std::string& cmake_body = kAnswers) {
    write_file(cmake(), "#!/bin/sh\n" + cmake_body);
    fs::permissions(cmake(), fs::perms::owner_all);
    write_file(source() / "CMakeLists.txt", "project(fake)\n");
    write_file(build() / "CMakeCache.txt", fmt::format("# This is the CMakeCache file.\nCMAKE_COMMAND:INTERNAL={}\n", cmake().string()));
  }

  fs::path source() const { return dir_ / "src"; }
  fs::path build() const { return dir_ / "build"; }
  fs::path cmake() const { return dir_ / "bin" / "cmake"; }
  fs::path runs() const { return dir_ / "runs"; }  // one line per run: the argument it got
  std::string runs_text() const { return nixcc::test::read_file(runs()); }

  static constexpr const char* kAnswers = R"(echo "$1" >>"$(dirname "$0")/../runs"
query="$1/.cmake/api/v1/query/client-nixcc"
[ -f "$query/codemodel-v2" ] && [ -f "$query/cmakeFiles-v1" ] || { echo "no query" >&2; exit 9; }
reply="$1/.cmake/api/v1/reply"
mkdir -p "$reply"
src=$(cd "$(dirname "$0")/../src" && pwd)
printf '{"paths": {"source": "%s", "build": "%s"}, "inputs": [{"path": "CMakeLists.txt"}, {"path": "/usr/share/cmake/Modules/X.cmake", "isCMake": true, "isExternal": true}]}' "$src" "$1" >"$reply/cmakeFiles-v1-1.json"
printf '{"reply": {"client-nixcc": {"codemodel-v2": {"jsonFile": "codemodel-v2-1.json"}, "cmakeFiles-v1": {"jsonFile": "cmakeFiles-v1-1.json"}}}}' >"$reply/index-2024-01-01T00-00-00-0000.json"
)";

 private:
  TempDir dir_;
};

void age(const fs::path& file, std::chrono::seconds by) { fs::last_write_time(file, fs::last_write_time(file) - by); }

}  // namespace

TEST_CASE("configure: a build directory without a reply is configured with the cmake that made it") {
  FakeBuild fake;
  prepare_file_api_reply(fake.build(), true);
  CHECK(fake.runs_text() == fake.build().string() + "\n");
  CHECK(find_file_api_reply(fake.build()));
  // Now current: nothing runs again.
  prepare_file_api_reply(fake.build(), true);
  CHECK(fake.runs_text() == fake.build().string() + "\n");
}

TEST_CASE("configure: a reply older than a CMakeLists.txt or the cache is configured again") {
  FakeBuild fake;
  prepare_file_api_reply(fake.build(), true);
  const auto reply = find_file_api_reply(fake.build());
  REQUIRE(reply);
  age(reply->index_file, std::chrono::seconds(10));
  age(fake.build() / "CMakeCache.txt", std::chrono::seconds(20));
  CHECK(input_newer_than(*reply, fake.build()) == fake.source() / "CMakeLists.txt");
  age(fake.source() / "CMakeLists.txt", std::chrono::seconds(30));
  CHECK_FALSE(input_newer_than(*reply, fake.build()));  // CMake's own modules do not count
  write_file(fake.build() / "CMakeCache.txt", nixcc::test::read_file(fake.build() / "CMakeCache.txt"));
  CHECK(input_newer_than(*reply, fake.build()) == fake.build() / "CMakeCache.txt");
  prepare_file_api_reply(fake.build(), true);
  CHECK(fake.runs_text() == fmt::format("{0}\n{0}\n", fake.build().string()));
}

TEST_CASE("configure: with may_configure off, a missing or stale reply is FileApiMissing naming the cmake to run") {
  FakeBuild fake;
  try {
    prepare_file_api_reply(fake.build(), false);
    FAIL("no FileApiMissing");
  } catch (const FileApiMissing& e) {
    CHECK_THAT(e.what(), Catch::Contains("no CMake File API reply") && Catch::Contains("now re-run: cmake " + fake.build().string()));
  }
  CHECK(fake.runs_text().empty());
  for (const char* kind : {"codemodel-v2", "cache-v2", "toolchains-v1", "cmakeFiles-v1"}) {
    CHECK(fs::exists(fake.build() / ".cmake/api/v1/query/client-nixcc" / kind));
  }
  prepare_file_api_reply(fake.build(), true);
  age(find_file_api_reply(fake.build())->index_file, std::chrono::seconds(10));
  CHECK_THROWS_AS(prepare_file_api_reply(fake.build(), false), FileApiMissing);
  CHECK_THROWS_WITH(prepare_file_api_reply(fake.build(), false), Catch::Contains("older than"));
}

TEST_CASE("configure: a folder that is not a CMake build directory is refused and left untouched") {
  TempDir dir;
  CHECK_THROWS_WITH(prepare_file_api_reply(dir / "absent", true), Catch::Contains("no such build directory"));
  CHECK_FALSE(fs::exists(dir / "absent"));
  CHECK_THROWS_WITH(prepare_file_api_reply(dir.path(), true),
                    Catch::Contains(dir.path().string() + ": not a CMake build directory (no CMakeCache.txt) and no compile_commands.json"));
  CHECK(fs::is_empty(dir.path()));
  write_file(dir / "compile_commands.json", "[]");
  CHECK_THROWS_WITH(prepare_file_api_reply(dir.path(), false), Catch::Contains("--compile-commands " + (dir / "compile_commands.json").string()));
  CHECK_FALSE(fs::exists(dir / ".cmake"));
}

TEST_CASE("configure: a failing cmake, or one that answers nothing, is an error naming the build directory") {
  FakeBuild failing("echo 'fake cmake: failing on purpose' >&2\nexit 3\n");
  CHECK_THROWS_WITH(prepare_file_api_reply(failing.build(), true),
                    Catch::StartsWith(failing.build().string()) && Catch::Contains("failed with exit status 3"));
  FakeBuild silent("exit 0\n");
  CHECK_THROWS_WITH(prepare_file_api_reply(silent.build(), true), Catch::Contains("wrote no reply"));
}
