#include <catch2/catch.hpp>

#include <stdexcept>

#include "core/recorded_path.h"

using nixcc::PathRoot;
using nixcc::RecordedPath;
using nixcc::TreeLayout;

TEST_CASE("roots are spelled as the database spells them, and back", "[recorded_path]") {
  for (const auto root : {PathRoot::None, PathRoot::Source, PathRoot::Build, PathRoot::Output}) {
    CHECK(nixcc::parse_root(nixcc::root_name(root)) == root);
  }
  CHECK(nixcc::root_name(PathRoot::None).empty());
  CHECK(nixcc::root_name(PathRoot::Source) == "source");
  CHECK_THROWS_WITH(nixcc::parse_root("src"), Catch::Contains("'src'"));
}

TEST_CASE("queries show build-directory paths apart from sources of the same name", "[recorded_path]") {
  CHECK(nixcc::display_path({PathRoot::Source, "src/a.cpp"}) == "src/a.cpp");
  CHECK(nixcc::display_path({PathRoot::Build, "src/a.cpp"}) == "<build>/src/a.cpp");
  CHECK(nixcc::display_path({PathRoot::Build, "."}) == "<build>");
  CHECK(nixcc::display_path({PathRoot::None, "/usr/include/stdio.h"}) == "/usr/include/stdio.h");
  CHECK(nixcc::display_path({PathRoot::Output, "app/s/a.cpp.o"}) == "app/s/a.cpp.o");
}

TEST_CASE("the launcher records host paths relative to the build directory first", "[recorded_path]") {
  const std::string src = "/home/u/proj", build = "/home/u/proj/build";
  CHECK(nixcc::record_host_path("/home/u/proj/src/a.cpp", src, build) == RecordedPath{PathRoot::Source, "src/a.cpp"});
  CHECK(nixcc::record_host_path("/home/u/proj/build/gen/v.h", src, build) == RecordedPath{PathRoot::Build, "gen/v.h"});
  CHECK(nixcc::record_host_path("/home/u/proj/build", src, build) == RecordedPath{PathRoot::Build, "."});
  CHECK(nixcc::record_host_path("/usr/include/stdio.h", src, build) == RecordedPath{PathRoot::None, "/usr/include/stdio.h"});
  // A sibling whose name starts like the folder is not in it.
  CHECK(nixcc::record_host_path("/home/u/proj2/a.cpp", src, build) == RecordedPath{PathRoot::None, "/home/u/proj2/a.cpp"});
  // Unknown folders (a build without CMake) match nothing.
  CHECK(nixcc::record_host_path("/home/u/proj/a.o", "", "") == RecordedPath{PathRoot::None, "/home/u/proj/a.o"});
}

TEST_CASE("a planned batch's tree names files as the launcher does", "[recorded_path]") {
  const TreeLayout layout("s", "b");
  CHECK(layout.record("s/src/a.cpp") == RecordedPath{PathRoot::Source, "src/a.cpp"});
  CHECK(layout.record("b/gen/v.h") == RecordedPath{PathRoot::Build, "gen/v.h"});
  CHECK(layout.record("b") == RecordedPath{PathRoot::Build, "."});
  CHECK(layout.record("s") == RecordedPath{PathRoot::Source, "."});
  CHECK(layout.record("/usr/include/stdio.h") == RecordedPath{PathRoot::None, "/usr/include/stdio.h"});
  // A folder whose name starts with the build directory's is not in it.
  CHECK(layout.record("s/bin/x.cpp") == RecordedPath{PathRoot::Source, "bin/x.cpp"});
  for (const std::string name : {"s/src/a.cpp", "b/gen/v.h", "b", "s", "/usr/include/stdio.h"}) {
    CHECK(layout.name_of(layout.record(name)) == name);
  }
  CHECK(layout.name_of({PathRoot::Output, "app/s/a.cpp.o"}) == "app/s/a.cpp.o");
}

TEST_CASE("sources above CMake's source directory are named with ../ from it", "[recorded_path]") {
  // lz4: CMakeLists.txt in build/cmake/, sources in lib/; the frame's s/ is the folder holding both.
  const TreeLayout layout("s/build/cmake", "b");
  CHECK(layout.record("s/lib/lz4.c") == RecordedPath{PathRoot::Source, "../../lib/lz4.c"});
  CHECK(layout.record("s/build/cmake/x.c") == RecordedPath{PathRoot::Source, "x.c"});
  CHECK(layout.name_of({PathRoot::Source, "../../lib/lz4.c"}) == "s/lib/lz4.c");
  CHECK(layout.name_of({PathRoot::Source, "."}) == "s/build/cmake");
}

TEST_CASE("a hand-written manifest's tree is the source directory itself", "[recorded_path]") {
  const TreeLayout layout(".", "");
  CHECK(layout.record("a/util.cpp") == RecordedPath{PathRoot::Source, "a/util.cpp"});
  CHECK(layout.record("b/util.cpp") == RecordedPath{PathRoot::Source, "b/util.cpp"});
  CHECK(layout.record("") == RecordedPath{PathRoot::Source, "."});
  CHECK(layout.name_of({PathRoot::Source, "a/util.cpp"}) == "a/util.cpp");
  CHECK(layout.name_of({PathRoot::Source, "."}).empty());
}
