#include <catch2/catch.hpp>

#include <filesystem>

#include "planner/host_paths.h"
#include "temp_dir.h"

using nixcc::plan::PlannedUnit;
using nixcc::plan::Project;
using nixcc::plan::Target;
namespace fs = std::filesystem;
using Strings = std::vector<std::string>;

TEST_CASE("host paths: the sandbox line names each path, leaving out what nix.conf cannot", "[host_paths]") {
  const Strings paths{"/bin", "/opt/my tools/g++", "/opt/a=b", "/usr/include"};
  CHECK(nixcc::plan::unnameable_in_nix_conf(paths) == Strings{"/opt/my tools/g++", "/opt/a=b"});
  CHECK(nixcc::plan::sandbox_paths_line(paths) == "extra-sandbox-paths = /bin /usr/include");
  CHECK(nixcc::plan::sandbox_paths_line({}) == "extra-sandbox-paths =");
}

TEST_CASE("host paths: builders' tools, compilers, the archiver", "[host_paths]") {
  Project project;
  project.archiver = "/usr/bin/ar";
  project.ranlib = "/usr/bin/ranlib";
  Target& t = project.targets.emplace_back();
  t.link_compiler = "/usr/bin/c++";
  std::vector<PlannedUnit> units(2);
  units[0].compiler = "/usr/bin/g++";
  units[1].compiler = "/usr/bin/gcc";
  const auto tools = nixcc::plan::host_tools_of(project, units);
  CHECK(tools.compilers == std::set<std::string>{"/usr/bin/c++", "/usr/bin/g++", "/usr/bin/gcc"});
  for (const char* p : {"/bin/sh", "cp", "mkdir", "chmod", "ln", "/usr/bin/ar", "/usr/bin/ranlib"}) CHECK(tools.programs.count(p));
  CHECK(nixcc::plan::host_tools_identity(tools) == nixcc::plan::host_tools_identity(tools));
  auto other = tools;
  other.compilers.erase("/usr/bin/gcc");
  CHECK(nixcc::plan::host_tools_identity(other) != nixcc::plan::host_tools_identity(tools));
}

TEST_CASE("host paths: absolute headers and libraries outside the project, not those inside it", "[host_paths]") {
  const nixcc::test::TempDir temp;
  const fs::path root = fs::canonical(temp.path());
  for (const char* f : {"src/a.h", "build/gen.h", "opt/inc/x.h", "opt/inc/y.h", "opt/lib/libz.so", "opt/L/libq.so"}) {
    nixcc::test::write_file(root / f, "");
  }
  fs::create_directory_symlink(root / "opt", root / "optlink");
  Project project;
  project.source_dir = root / "src";
  project.build_dir = root / "build";
  Target& t = project.targets.emplace_back();
  t.link_flags = {"-L" + (root / "opt/L").string(), "-Wl,--as-needed"};
  t.link_libraries = {(root / "opt/lib/libz.so").string(), (root / "build/libown.a").string(), "-lm"};
  std::vector<PlannedUnit> units(1);
  units[0].source_name = "s/a.cpp";
  units[0].headers = {{"s/a.h", ""}, {(root / "optlink/inc/x.h").string(), ""}, {(root / "opt/inc/y.h").string(), ""}};
  const auto paths = nixcc::plan::declared_host_paths({"/bin"}, project, units);
  CHECK(paths == Strings{"/bin", (root / "opt/L").string(), (root / "opt/inc/x.h").string(), (root / "opt/inc/y.h").string(),
                         (root / "opt/lib/libz.so").string(), (root / "optlink").string()});
}

TEST_CASE("host paths: the toolchain identity follows the programs' files", "[host_paths]") {
  const nixcc::test::TempDir temp;
  nixcc::test::write_file(temp.path() / "cc1plus", "one");
  nixcc::test::write_file(temp.path() / "as", "two");
  fs::create_symlink("as", temp.path() / "x86_64-as");
  const std::vector<std::string> programs{(temp.path() / "cc1plus").string(), (temp.path() / "x86_64-as").string()};
  const auto before = nixcc::plan::toolchain_identity(programs);
  CHECK(nixcc::plan::toolchain_identity(programs) == before);
  nixcc::test::write_file(temp.path() / "as", "upgraded");  // what the symlink names changed
  CHECK(nixcc::plan::toolchain_identity(programs) != before);
}
