#include <catch2/catch.hpp>

#include "query/breakdown.h"
#include "temp_dir.h"
#include "timing_rows.h"

using nixcc::GroupBy;
using nixcc::PathRoot;
using nixcc::TimingDb;
using nixcc::test::batch_build;
using nixcc::test::compile_of;
using nixcc::test::launcher_build;
using nixcc::test::reused_of;

TEST_CASE("a target is CMake's X.dir, else the first folder of a planned object", "[breakdown]") {
  CHECK(nixcc::target_of("app/CMakeFiles/app.dir/src/main.cpp.o") == "app");
  CHECK(nixcc::target_of("CMakeFiles/my.lib.dir/a.cpp.o") == "my.lib");
  CHECK(nixcc::target_of("core/s/core/src/util.cpp.o") == "core");
  CHECK(nixcc::target_of("a.o") == "(none)");
  CHECK(nixcc::target_of("/a.o") == "(none)");
}

TEST_CASE("breakdowns sum compile time, a reused object with the compile that made it", "[breakdown]") {
  nixcc::test::TempDir dir;
  TimingDb db(dir / "db.sqlite");
  auto a = compile_of("core/src/a.cpp", "core/s/core/src/a.cpp.o", 10, 2.0, PathRoot::Output);
  a.headers = {{{PathRoot::Source, "core/include/core.h"}, "h"}, {{PathRoot::None, "/usr/include/stdio.h"}, "h"}};
  auto b = reused_of(compile_of("core/src/b.cpp", "core/s/core/src/b.cpp.o", 11, 0), 3.0);
  b.object.root = PathRoot::Output;
  b.headers = {{{PathRoot::Source, "core/include/core.h"}, "h"}};
  auto gen = compile_of("gen/v.cpp", "app/b/gen/v.cpp.o", 12, 0.5, PathRoot::Output);
  gen.source.root = PathRoot::Build;
  gen.headers = {{{PathRoot::Build, "gen/v.h"}, "h"}};
  db.record_compiles(batch_build("batch-b0", "b0", 10), std::vector<nixcc::CompileRecord>{a, b});
  db.record_compile(batch_build("batch-b1", "b1", 12), gen);

  const auto by_target = nixcc::breakdown(db, std::nullopt, GroupBy::Target, 10);
  REQUIRE(by_target.size() == 2);
  CHECK(by_target[0].key == "core");
  CHECK(by_target[0].compiles == 2);
  CHECK(by_target[0].wall_s == Approx(5.0));  // 2 s compiled + 3 s of the reused object's compile
  CHECK(by_target[1].key == "app");

  const auto by_batch = nixcc::breakdown(db, std::nullopt, GroupBy::Batch, 10);
  REQUIRE(by_batch.size() == 2);
  CHECK(by_batch[0].key == "b0");
  CHECK(by_batch[1].key == "b1");

  // Folders are shown as queries show paths: the build directory's apart from the sources'.
  const auto by_dir = nixcc::breakdown(db, std::nullopt, GroupBy::Dir, 10);
  REQUIRE(by_dir.size() == 2);
  CHECK(by_dir[0].key == "core/src");
  CHECK(by_dir[1].key == "<build>/gen");

  const auto by_header = nixcc::breakdown(db, std::nullopt, GroupBy::Header, 10);
  REQUIRE(by_header.size() == 2);  // no system header unless asked for
  CHECK(by_header[0].key == "core/include/core.h");
  CHECK(by_header[0].compiles == 2);
  CHECK(by_header[0].wall_s == Approx(5.0));
  CHECK(by_header[1].key == "<build>/gen/v.h");
  const auto with_system = nixcc::breakdown(db, std::nullopt, GroupBy::Header, 10, true);
  REQUIRE(with_system.size() == 3);
  CHECK(with_system[1].key == "/usr/include/stdio.h");

  // A selection and a limit.
  const auto one = nixcc::breakdown(db, std::vector<std::string>{"batch-b1"}, GroupBy::Target, 10);
  REQUIRE(one.size() == 1);
  CHECK(one[0].key == "app");
  CHECK(nixcc::breakdown(db, std::nullopt, GroupBy::Target, 1).size() == 1);
}

TEST_CASE("a launcher's objects group by CMake's target folders", "[breakdown]") {
  nixcc::test::TempDir dir;
  TimingDb db(dir / "db.sqlite");
  db.record_compile(launcher_build("l", 1), compile_of("lib/a.cpp", "lib/CMakeFiles/demo.dir/a.cpp.o", 1, 1));
  db.record_compile(launcher_build("l", 1), compile_of("app/main.cpp", "app/CMakeFiles/app.dir/main.cpp.o", 2, 3));
  const auto groups = nixcc::breakdown(db, std::nullopt, GroupBy::Target, -1);
  REQUIRE(groups.size() == 2);
  CHECK(groups[0].key == "app");
  CHECK(groups[1].key == "demo");
  CHECK(nixcc::breakdown(db, std::nullopt, GroupBy::Batch, -1).at(0).key == "l");  // no batch name: the build id
}
