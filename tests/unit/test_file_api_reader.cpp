#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "planner/file_api_reader.h"
#include "temp_dir.h"

using nixcc::plan::FileApiMissing;
using nixcc::plan::Project;
using nixcc::plan::read_file_api;
using nixcc::plan::TargetKind;
using nixcc::test::TempDir;
using nixcc::test::write_file;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// A build directory <tmp>/build of a project in <tmp>/src, with a File API reply written by hand:
// a static library `core` (one source) and an executable `app` linking it.
class FakeReply {
 public:
  FakeReply() {
    write_file(source_dir() / "core.cpp", "int core() { return 1; }\n");
    write_file(source_dir() / "main.cpp", "int main() {}\n");
    client_ = {{"codemodel-v2", {{"jsonFile", "codemodel-v2-1.json"}}},
               {"cache-v2", {{"jsonFile", "cache-v2-1.json"}}},
               {"toolchains-v1", {{"jsonFile", "toolchains-v1-1.json"}}}};
    codemodel_ = {{"paths", {{"source", source_dir().string()}, {"build", build_dir().string()}}},
                  {"configurations", {{{"targets", {{{"jsonFile", "target-core.json"}}, {{"jsonFile", "target-app.json"}}}}}}}};
    cache_ = {{"entries", {{{"name", "CMAKE_AR"}, {"value", "/usr/bin/gcc-ar"}},
                           {{"name", "CMAKE_C_COMPILER"}, {"value", "/usr/bin/cc"}},
                           {{"name", "CMAKE_PROJECT_NAME"}, {"value", "fake"}}}}};
    toolchains_ = {{"toolchains", {{{"language", "CXX"}, {"compiler", {{"path", "/usr/bin/c++"}}}}}}};
    const json group = {{"language", "CXX"},
                        {"defines", {{{"define", "CORE=1"}}}},
                        {"includes", {{{"path", "include"}}, {{"path", "/opt/sys"}, {"isSystem", true}}}},
                        {"compileCommandFragments", {{{"fragment", "-O2 -g"}}, {{"fragment", "-std=gnu++20"}}}}};
    targets_["target-core.json"] = {
        {"name", "core"}, {"id", "core::@1"}, {"type", "STATIC_LIBRARY"}, {"nameOnDisk", "libcore.a"},
        {"artifacts", {{{"path", "libcore.a"}}}}, {"paths", {{"source", "."}, {"build", "."}}},
        {"compileGroups", {group}},
        {"sources", {{{"path", "core.cpp"}, {"compileGroupIndex", 0}}, {{"path", "include/core.h"}}}}};
    targets_["target-app.json"] = {
        {"name", "app"}, {"id", "app::@1"}, {"type", "EXECUTABLE"}, {"nameOnDisk", "app"},
        {"artifacts", {{{"path", "app"}}}}, {"paths", {{"source", "."}, {"build", "."}}},
        {"dependencies", {{{"id", "core::@1"}}}},
        {"link", {{"language", "CXX"},
                  {"commandFragments", {{{"fragment", "-rdynamic"}, {"role", "flags"}},
                                        {{"fragment", "libcore.a"}, {"role", "libraries"}}}}}},
        {"compileGroups", {{{"language", "CXX"}}}},
        {"sources", {{{"path", "main.cpp"}, {"compileGroupIndex", 0}}}}};
  }

  fs::path source_dir() const { return dir_ / "src"; }
  fs::path build_dir() const { return dir_ / "build"; }
  fs::path reply_dir() const { return build_dir() / ".cmake" / "api" / "v1" / "reply"; }
  fs::path index_file() const { return reply_dir() / "index-2024-01-01T00-00-00-0000.json"; }

  json client_, codemodel_, cache_, toolchains_;
  std::map<std::string, json> targets_;

  void write() const {
    write_file(index_file(), json{{"reply", {{"client-nixcc", client_}}}}.dump());
    write_file(reply_dir() / "codemodel-v2-1.json", codemodel_.dump());
    write_file(reply_dir() / "cache-v2-1.json", cache_.dump());
    write_file(reply_dir() / "toolchains-v1-1.json", toolchains_.dump());
    for (const auto& [name, doc] : targets_) write_file(reply_dir() / name, doc.dump());
  }

  Project read() const {
    write();
    return read_file_api(build_dir());
  }

  // The message of the runtime_error reading throws; it must name `file`.
  std::string error_naming(const fs::path& file) const {
    write();
    try {
      read_file_api(build_dir());
    } catch (const std::runtime_error& e) {
      const std::string message = e.what();
      CHECK_THAT(message, Catch::Contains(file.string()));
      return message;
    }
    FAIL("read_file_api accepted the reply");
    return "";
  }

 private:
  TempDir dir_;
};

const nixcc::plan::Target& target(const Project& project, const std::string& name) {
  const auto it = std::find_if(project.targets.begin(), project.targets.end(), [&](const auto& t) { return t.name == name; });
  REQUIRE(it != project.targets.end());
  return *it;
}

}  // namespace

TEST_CASE("File API: targets, units and their arguments") {
  FakeReply fake;
  const Project project = fake.read();
  CHECK(project.source_dir == fake.source_dir());
  CHECK(project.build_dir == fake.build_dir());
  CHECK(project.archiver == "/usr/bin/gcc-ar");
  CHECK(project.ranlib == "ranlib");
  CHECK(project.cache.at("CMAKE_PROJECT_NAME") == "fake");
  REQUIRE(project.units.size() == 2);
  const auto& core = project.units[0];
  CHECK(core.key == "core/s/core.cpp");
  CHECK(core.target == "core");
  CHECK(core.source == fake.source_dir() / "core.cpp");
  CHECK(core.compiler == "/usr/bin/c++");
  CHECK(core.directory == fake.build_dir() / ".");
  CHECK(core.arguments == std::vector<std::string>{"-DCORE=1", "-I" + (fake.source_dir() / "include").string(), "-isystem",
                                                   "/opt/sys", "-O2", "-g", "-std=gnu++20"});
  CHECK(project.units[1].key == "app/s/main.cpp");

  const auto& lib = target(project, "core");
  CHECK(lib.kind == TargetKind::StaticLibrary);
  CHECK(lib.units == std::vector<std::string>{"core/s/core.cpp"});
  CHECK(lib.artifact == "libcore.a");
  const auto& app = target(project, "app");
  CHECK(app.kind == TargetKind::Executable);
  CHECK(app.dependencies == std::vector<std::string>{"core"});
  CHECK(app.link_compiler == "/usr/bin/c++");
  CHECK(app.link_flags == std::vector<std::string>{"-rdynamic"});
  CHECK(app.link_libraries == std::vector<std::string>{"libcore.a"});
}

TEST_CASE("File API: a language without a toolchain entry takes the cache's compiler, else fails naming the target") {
  FakeReply fake;
  fake.targets_["target-core.json"]["compileGroups"][0]["language"] = "C";
  CHECK(fake.read().units[0].compiler == "/usr/bin/cc");
  fake.targets_["target-core.json"]["compileGroups"][0]["language"] = "Fortran";
  CHECK_THAT(fake.error_naming(fake.reply_dir() / "target-core.json"), Catch::Contains("no Fortran compiler"));
}

TEST_CASE("File API: an OBJECT library's objects linked elsewhere become that target's units") {
  FakeReply fake;
  auto& core = fake.targets_["target-core.json"];
  core["type"] = "OBJECT_LIBRARY";
  const std::string object = (fake.build_dir() / "CMakeFiles" / "core.dir" / "core.cpp.o").string();
  fake.targets_["target-app.json"]["sources"].push_back({{"path", object}});
  const Project project = fake.read();
  CHECK(target(project, "app").units == std::vector<std::string>{"app/s/main.cpp", "core/s/core.cpp"});
  // An object no OBJECT library makes is an error naming it.
  fake.targets_["target-app.json"]["sources"].push_back({{"path", (fake.build_dir() / "stray.o").string()}});
  CHECK_THAT(fake.error_naming(fake.build_dir() / "stray.o"), Catch::Contains("no OBJECT library"));
}

TEST_CASE("File API: the newest reply index is read") {
  FakeReply fake;
  fake.write();
  // An older index answering another client only.
  write_file(fake.reply_dir() / "index-2000-01-01T00-00-00-0000.json", R"({"reply": {"client-other": {}}})");
  CHECK(read_file_api(fake.build_dir()).units.size() == 2);
}

TEST_CASE("File API: no reply, or none for nixcc-plan, is FileApiMissing") {
  TempDir dir;
  CHECK_THROWS_AS(read_file_api(dir.path()), FileApiMissing);
  FakeReply fake;
  fake.write();
  write_file(fake.index_file(), R"({"reply": {"client-other": {}}})");
  CHECK_THROWS_AS(read_file_api(fake.build_dir()), FileApiMissing);
  write_file(fake.index_file(), R"({"reply": {"client-nixcc": {"codemodel-v2": {"error": "unknown request kind"}}}})");
  CHECK_THROWS_AS(read_file_api(fake.build_dir()), FileApiMissing);
}

TEST_CASE("File API: malformed reply files are refused, naming the file") {
  SECTION("an index that is not JSON") {
    FakeReply fake;
    fake.write();
    write_file(fake.index_file(), "{\"reply\": ");
    CHECK_THROWS_WITH(read_file_api(fake.build_dir()), Catch::Contains(fake.index_file().string()) && Catch::Contains("not valid JSON"));
  }
  SECTION("an index whose jsonFile is not a string") {
    FakeReply fake;
    fake.client_["codemodel-v2"]["jsonFile"] = 7;
    CHECK_THAT(fake.error_naming(fake.index_file()), Catch::Contains("jsonFile"));
  }
  SECTION("a codemodel without paths") {
    FakeReply fake;
    fake.codemodel_.erase("paths");
    CHECK_THAT(fake.error_naming(fake.reply_dir() / "codemodel-v2-1.json"), Catch::Contains("\"paths\""));
  }
  SECTION("a codemodel without configurations") {
    FakeReply fake;
    fake.codemodel_["configurations"] = json::array();
    CHECK_THAT(fake.error_naming(fake.reply_dir() / "codemodel-v2-1.json"), Catch::Contains("no configurations"));
  }
  SECTION("a target file that is missing") {
    FakeReply fake;
    fake.write();
    fs::remove(fake.reply_dir() / "target-app.json");
    CHECK_THROWS_WITH(read_file_api(fake.build_dir()), Catch::Contains((fake.reply_dir() / "target-app.json").string()));
  }
  SECTION("a target without a name") {
    FakeReply fake;
    fake.targets_["target-app.json"].erase("name");
    CHECK_THAT(fake.error_naming(fake.reply_dir() / "target-app.json"), Catch::Contains("\"name\""));
  }
  SECTION("a source whose compile group does not exist") {
    FakeReply fake;
    fake.targets_["target-app.json"]["sources"][0]["compileGroupIndex"] = 3;
    CHECK_THAT(fake.error_naming(fake.reply_dir() / "target-app.json"), Catch::Contains("compileGroupIndex 3"));
  }
  SECTION("a compiled source outside the source and build directories") {
    FakeReply fake;
    fake.targets_["target-app.json"]["sources"][0]["path"] = "/elsewhere/x.cpp";
    CHECK_THAT(fake.error_naming(fake.reply_dir() / "target-app.json"), Catch::Contains("outside"));
  }
}
