#include <catch2/catch.hpp>

#include <filesystem>

#include "core/batch_manifest.h"
#include "planner/unit_inputs.h"
#include "temp_dir.h"

namespace fs = std::filesystem;

TEST_CASE("the planner's argument hash is the one the batch computes from the manifest", "[unit_inputs]") {
  nixcc::test::TempDir tmp;
  nixcc::plan::Project project;
  project.source_dir = tmp / "src";
  project.build_dir = tmp / "src/build";
  fs::create_directories(project.build_dir / "app");
  nixcc::test::write_file(project.source_dir / "a.cpp", "int a;\n");
  nixcc::plan::Unit unit;
  unit.key = "app/a.cpp";
  unit.source = project.source_dir / "a.cpp";
  unit.language = "CXX";
  unit.compiler = "sh";  // any executable: the hash only needs its identity
  unit.directory = project.build_dir / "app";
  unit.arguments = {"-I" + project.source_dir.string() + "/include", "-I../gen", "-DX=1"};
  const nixcc::plan::PlanFrame frame(project, tmp / "plan/.root");
  nixcc::CompilerLookup compilers;
  const auto planned = nixcc::plan::plan_unit(unit, project, frame, compilers);

  // What the batch sees: the manifest's arguments, read back from the file nixcc-plan writes.
  nixcc::BatchManifest m;
  m.name = "b";
  m.source_root = ".";
  auto& u = m.units.emplace_back();
  u.source = planned.source_name;
  u.object = planned.object;
  u.compiler = "sh";
  u.arguments = planned.arguments;
  nixcc::test::write_file(tmp / "m.json", nixcc::batch_manifest_text(m));
  const auto read = nixcc::read_batch_manifest(tmp / "m.json");
  CHECK(nixcc::unit_arguments_hash(read.units.at(0).arguments) == planned.args_hash);
  CHECK(planned.arguments == std::vector<std::string>{"-I@SOURCE_ROOT@/s/include", "-I@SOURCE_ROOT@/b/gen", "-DX=1"});
}

TEST_CASE("costs come from launcher and batch databases alike, also above CMake's source directory", "[unit_inputs]") {
  // lz4's layout: CMakeLists.txt in build/cmake/, sources in lib/; the frame's s/ is the folder above both.
  nixcc::test::TempDir tmp;
  nixcc::plan::Project project;
  project.source_dir = tmp / "lz4";
  project.cmake_source_dir = tmp / "lz4/build/cmake";
  project.build_dir = tmp / "out";
  fs::create_directories(project.build_dir);
  for (const auto* name : {"lib/lz4.c", "build/cmake/main.c", "lib/untimed.c"}) {
    nixcc::test::write_file(project.source_dir / name, "int x;\n");
  }
  const nixcc::plan::PlanFrame frame(project, tmp / "plan/.root");
  CHECK(frame.layout().record("s/build/cmake/main.c") == nixcc::RecordedPath{nixcc::PathRoot::Source, "main.c"});

  std::vector<nixcc::plan::Unit> units(3);
  std::vector<nixcc::plan::PlannedUnit> planned(3);
  const char* names[] = {"s/lib/lz4.c", "s/build/cmake/main.c", "s/lib/untimed.c"};
  for (std::size_t i = 0; i < 3; ++i) {
    units[i].source = tmp / "lz4" / std::string(names[i]).substr(2);
    planned[i].unit = &units[i];
    planned[i].source_name = names[i];
  }

  nixcc::TimingDb launcher(tmp / "launcher.sqlite"), batch(tmp / "batch.sqlite");
  nixcc::BuildRecord build;
  build.id = "l";
  build.kind = "launcher";
  nixcc::CompileRecord c;
  c.source = {nixcc::PathRoot::Source, "main.c"};  // under CMake's source directory
  c.wall_s = 2.5;
  launcher.record_compile(build, c);
  c.source = {nixcc::PathRoot::None, (tmp / "lz4/lib/lz4.c").string()};  // the launcher cannot place it
  c.wall_s = 1.5;
  launcher.record_compile(build, c);
  build.id = "b";
  build.kind = "batch";
  c.source = {nixcc::PathRoot::Source, "../../lib/lz4.c"};  // a batch names it from CMake's source directory
  c.wall_s = 4.0;
  c.started_at = 10;  // later: this sample wins
  batch.record_compile(build, c);

  nixcc::plan::InputStats stats;
  nixcc::plan::estimate_costs(planned, project, frame, {&launcher}, stats);
  CHECK(planned[0].cost == Approx(1.5));
  CHECK(planned[1].cost == Approx(2.5));
  CHECK_FALSE(planned[2].measured);
  CHECK(stats.measured == 2);

  nixcc::plan::InputStats again;
  nixcc::plan::estimate_costs(planned, project, frame, {&launcher, &batch}, again);
  CHECK(planned[0].cost == Approx(4.0));
  CHECK(planned[1].cost == Approx(2.5));
}
