#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "planner/compile_commands_reader.h"
#include "temp_dir.h"

using nixcc::plan::read_compile_commands;
using nixcc::test::TempDir;
using nixcc::test::write_file;
namespace fs = std::filesystem;

namespace {

// The message read_compile_commands throws for compile_commands.json holding `text`; it must name the file.
std::string error_for(const std::string& text, const fs::path& source_dir = {}) {
  TempDir dir;
  const fs::path file = dir / "build" / "compile_commands.json";
  write_file(file, text);
  try {
    read_compile_commands(file, source_dir);
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    CHECK_THAT(message, Catch::StartsWith(file.string() + ":"));
    return message;
  }
  FAIL("read_compile_commands accepted: " << text);
  return "";
}

}  // namespace

TEST_CASE("compile_commands.json: units from \"arguments\" and from \"command\"") {
  TempDir dir;
  const fs::path build = dir / "build";
  const std::string src = (dir / "src").string();
  const nlohmann::json commands = {
      {{"directory", build.string()},
       {"arguments", {"/no/such/c++", "-DX=1", "-I../src/include", "-c", src + "/a.cpp", "-o", "a.o", "-MD", "-MF", "a.d"}},
       {"file", src + "/a.cpp"}},
      {{"directory", build.string()}, {"command", fmt::format("/no/such/cc -O2 -c '{}/sub dir/b.c' -o b.o", src)}},
      // The same source again: the first entry wins.
      {{"directory", build.string()}, {"command", fmt::format("/no/such/c++ -O3 -c {}/a.cpp -o other.o", src)}},
  };
  write_file(build / "compile_commands.json", commands.dump());
  const auto project = read_compile_commands(build / "compile_commands.json", {});
  CHECK(project.build_dir == build);
  CHECK(project.source_dir == dir / "src");  // the deepest folder holding every source
  CHECK(project.targets.empty());
  REQUIRE(project.units.size() == 2);
  const auto& a = project.units[0];
  CHECK(a.key == "s/a.cpp");
  CHECK(a.source == dir / "src" / "a.cpp");
  CHECK(a.language == "CXX");
  CHECK(a.compiler == "/no/such/c++");  // kept as written when it cannot be found
  CHECK(a.directory == build);
  // Output and depfile options and the source itself are the batch's business.
  CHECK(a.arguments == std::vector<std::string>{"-DX=1", "-I../src/include"});
  const auto& b = project.units[1];
  CHECK(b.key == "s/sub dir/b.c");
  CHECK(b.language == "C");
  CHECK(b.arguments == std::vector<std::string>{"-O2"});
}

TEST_CASE("compile_commands.json: --source-dir decides what s/ is") {
  TempDir dir;
  const fs::path build = dir / "project" / "build";
  const nlohmann::json commands = {
      {{"directory", build.string()}, {"command", fmt::format("c++ -c {}/project/lib/x.cpp", dir.path().string())}},
  };
  write_file(build / "compile_commands.json", commands.dump());
  const auto project = read_compile_commands(build / "compile_commands.json", dir / "project");
  REQUIRE(project.units.size() == 1);
  CHECK(project.source_dir == dir / "project");
  CHECK(project.units[0].key == "s/lib/x.cpp");
}

TEST_CASE("compile_commands.json: malformed files are refused with the file and entry named") {
  CHECK_THAT(error_for(R"([{"directory": "/tmp", "command": "c++ -c a.cpp")"), Catch::Contains("not valid JSON"));
  CHECK_THAT(error_for(R"({"directory": "/tmp"})"), Catch::Contains("must be a JSON array"));
  CHECK_THAT(error_for(R"([{"command": "c++ -c a.cpp"}])"), Catch::Contains("entry 0: needs a \"directory\" string"));
  CHECK_THAT(error_for(R"([{"directory": "/tmp", "command": "c++ -c /tmp/a.cpp"}, {"directory": "/tmp"}])"),
             Catch::Contains("entry 1: needs \"arguments\" or \"command\""));
  CHECK_THAT(error_for(R"([{"directory": "/tmp", "arguments": ["c++", 3]}])"), Catch::Contains("entry 0: \"arguments\" must hold strings"));
  CHECK_THAT(error_for(R"([{"directory": "/tmp", "command": ""}])"), Catch::Contains("entry 0: empty command"));
  CHECK_THAT(error_for(R"([{"directory": "/tmp", "command": "c++ /tmp/a.cpp -o a"}])"),
             Catch::Contains("entry 0: not a single compile (compiles and links (no -c))"));
  CHECK_THAT(error_for(R"([{"directory": "/tmp", "command": "c++ -c /tmp/a.cpp /tmp/b.cpp"}])"),
             Catch::Contains("entry 0: not a single compile"));
  CHECK_THAT(error_for(R"([{"directory": "/elsewhere", "command": "c++ -c /elsewhere/a.cpp"}])", "/nowhere/project"),
             Catch::Contains("/elsewhere/a.cpp is outside the source directory /nowhere/project"));
}

TEST_CASE("compile_commands.json: a missing file is named") {
  TempDir dir;
  CHECK_THROWS_WITH(read_compile_commands(dir / "absent.json", {}), Catch::Contains((dir / "absent.json").string()));
}
