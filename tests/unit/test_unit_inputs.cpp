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
