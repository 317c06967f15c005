#include <catch2/catch.hpp>

#include <filesystem>

#include "planner/plan_frame.h"
#include "temp_dir.h"

namespace fs = std::filesystem;
using Args = std::vector<std::string>;

namespace {

struct Fixture {
  nixcc::test::TempDir tmp;
  nixcc::plan::Project project;
  nixcc::plan::Unit unit;
  Fixture() {
    project.source_dir = tmp / "src";
    project.build_dir = tmp / "src/build";
    fs::create_directories(project.build_dir / "sub");
    fs::create_directories(project.source_dir / "include");
    unit.directory = project.build_dir / "sub";
  }
};

}  // namespace

TEST_CASE("arguments name the source and build directories through the placeholder", "[plan_frame]") {
  Fixture f;
  const nixcc::plan::PlanFrame frame(f.project, f.tmp / "plan/.root");
  const std::string s = f.project.source_dir.string(), b = f.project.build_dir.string();
  f.unit.arguments = {"-I" + s + "/include", "-isystem", s + "/include/..", "-fmacro-prefix-map=" + b + "=.",
                      "-I" + s + "2/x", "-O2"};
  CHECK(frame.rewrite_arguments(f.unit) == Args{"-I@SOURCE_ROOT@/s/include", "-isystem", "@SOURCE_ROOT@/s/include/..",
                                                "-fmacro-prefix-map=@SOURCE_ROOT@/b=.", "-I" + s + "2/x", "-O2"});
}

TEST_CASE("macro definitions keep the project's real paths: they are the program's values", "[plan_frame]") {
  Fixture f;
  const nixcc::plan::PlanFrame frame(f.project, f.tmp / "plan/.root");
  const std::string s = f.project.source_dir.string();
  f.unit.arguments = {"-DFIXTURES=\"" + s + "/tests/\"", "-D", "DATA=" + s, "-U" + s};
  CHECK(frame.rewrite_arguments(f.unit) == f.unit.arguments);
}

TEST_CASE("path options relative to the working directory become absolute in the frame", "[plan_frame]") {
  Fixture f;
  const nixcc::plan::PlanFrame frame(f.project, f.tmp / "plan/.root");
  f.unit.arguments = {"-I../../include", "-iquote", "..", "-include", "../../include/forced.h", "-imacros", "m.h",
                      "--include=../../x.h", "-idirafter", "../../../outside", "-I/usr/include/foo"};
  CHECK(frame.rewrite_arguments(f.unit) ==
        Args{"-I@SOURCE_ROOT@/s/include", "-iquote", "@SOURCE_ROOT@/b", "-include", "@SOURCE_ROOT@/s/include/forced.h",
             "-imacros", "@SOURCE_ROOT@/b/sub/m.h", "--include=@SOURCE_ROOT@/s/x.h",
             "-idirafter", "../../../outside",  // outside the frame: left as written
             "-I/usr/include/foo"});
}

TEST_CASE("a project reached through a link is recognised by its real path too", "[plan_frame]") {
  Fixture f;
  fs::create_directory_symlink(f.project.source_dir, f.tmp / "link");
  nixcc::plan::Project via_link = f.project;
  via_link.source_dir = f.tmp / "link";
  via_link.build_dir = f.tmp / "link/build";
  const nixcc::plan::PlanFrame frame(via_link, f.tmp / "plan/.root");
  f.unit.directory = via_link.build_dir;
  f.unit.arguments = {"-I" + (f.project.source_dir / "include").string(), "-I" + (f.tmp / "link/include").string()};
  CHECK(frame.rewrite_arguments(f.unit) == Args{"-I@SOURCE_ROOT@/s/include", "-I@SOURCE_ROOT@/s/include"});
  CHECK(frame.directory_of(f.unit) == "b");
  f.unit.directory = via_link.build_dir / ".";  // how CMake writes the top build folder
  CHECK(frame.directory_of(f.unit) == "b");
}

TEST_CASE("host_roots lists every spelling, build directory first", "[plan_frame]") {
  Fixture f;
  const nixcc::plan::PlanFrame frame(f.project, f.tmp / "plan/.root");
  const auto roots = frame.host_roots();
  REQUIRE(roots.size() >= 2);
  CHECK(roots.front() == std::pair<std::string, std::string>{f.project.build_dir.string(), "b"});
  CHECK(std::find(roots.begin(), roots.end(), std::pair<std::string, std::string>{f.project.source_dir.string(), "s"}) != roots.end());
}
