#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "core/frame.h"
#include "core/input_hash.h"
#include "util/paths.h"
#include "temp_dir.h"

namespace fs = std::filesystem;
using nixcc::Frame;
using nixcc::frame_name;

namespace {

void write(const fs::path& file, const std::string& text = "x\n") {
  fs::create_directories(file.parent_path());
  std::ofstream(file) << text;
}

// A project (src/ with build/ inside it, as CMake users often have) and a plan frame whose s and b
// are links to them.
struct PlannedProject {
  nixcc::test::TempDir tmp;
  fs::path src = tmp.path() / "project";
  fs::path build = src / "build";
  fs::path root = tmp.path() / "plan" / ".root";
  PlannedProject() {
    write(src / "src/util/regexp.h");
    write(src / "include/lib.h");
    write(build / "config.h");
    fs::create_directories(root);
    fs::create_directory_symlink(src, root / "s");
    fs::create_directory_symlink(build, root / "b");
  }
  Frame frame() const { return Frame(root, src, build); }
};

}  // namespace

TEST_CASE("the lexical rule: build directory first, then source directory, else outside", "[frame]") {
  const fs::path src = "/p", build = "/p/build";
  CHECK(frame_name("/p/src/a.h", src, build) == "s/src/a.h");
  CHECK(frame_name("/p/build/gen/a.h", src, build) == "b/gen/a.h");
  CHECK(frame_name("/p2/a.h", src, build).empty());  // a longer name is not inside
  CHECK(frame_name("/usr/include/stdio.h", src, build).empty());
  CHECK(frame_name("/p", src, build).empty());  // the folder itself names no file
}

TEST_CASE("include paths (-I, -iquote) through the frame's links are named by the frame", "[frame]") {
  PlannedProject p;
  const Frame f = p.frame();
  CHECK(f.name_of(p.root / "s/include/lib.h") == "s/include/lib.h");
  CHECK(f.name_of(p.root / "b/config.h") == "b/config.h");
}

TEST_CASE("a system directory (-isystem) into the tree: GCC's canonical spelling is still inside the frame", "[frame]") {
  PlannedProject p;
  const Frame f = p.frame();
  // GCC resolves "dir/.." in a system directory to the real path: the project's own folder.
  CHECK(f.name_of(p.src / "src/util/regexp.h") == "s/src/util/regexp.h");
  CHECK(f.name_of(p.build / "config.h") == "b/config.h");
  CHECK(f.name_of("/usr/include/regexp.h").empty());
}

TEST_CASE("directories relative to the working directory and absolute includes normalise to the same name", "[frame]") {
  PlannedProject p;
  const Frame f = p.frame();
  const fs::path cwd = p.root / "b/sub";
  CHECK(f.name_of(nixcc::absolute_from(cwd, "../../s/include/lib.h")) == "s/include/lib.h");
  CHECK(f.name_of(nixcc::absolute_from(cwd, "../config.h")) == "b/config.h");
  CHECK(f.name_of((p.src / "include/../include/lib.h").lexically_normal()) == "s/include/lib.h");
}

TEST_CASE("a path reaching the tree through a link outside it is named by where it lands", "[frame]") {
  PlannedProject p;
  fs::create_directory_symlink(p.src / "include", p.tmp.path() / "elsewhere");
  CHECK(p.frame().name_of(p.tmp.path() / "elsewhere/lib.h") == "s/include/lib.h");
}

TEST_CASE("a link inside the tree names its target too", "[frame]") {
  PlannedProject p;
  fs::create_symlink("../src/util/regexp.h", p.src / "include/alias.h");
  fs::create_directory_symlink(p.src / "src/util", p.src / "util-link");
  const Frame f = p.frame();
  CHECK(f.name_of(p.root / "s/include/alias.h") == "s/include/alias.h");  // the name the compiler used
  CHECK(f.link_target_name("s/include/alias.h") == "s/src/util/regexp.h");
  CHECK(f.link_target_name("s/util-link/regexp.h") == "s/src/util/regexp.h");
  CHECK(f.link_target_name("s/include/lib.h").empty());  // no link: nothing more to copy
}

TEST_CASE("a batch's tree of copies is named relative to its root", "[frame]") {
  nixcc::test::TempDir tmp;
  write(tmp.path() / "s/a.h");
  write(tmp.path() / "b/gen.h");
  const Frame f(tmp.path());
  CHECK(f.name_of(tmp.path() / "s/a.h") == "s/a.h");
  CHECK(f.name_of(tmp.path() / "b/gen.h") == "b/gen.h");
  CHECK(f.name_of(tmp.path() / "other.h") == "other.h");  // a hand-written manifest's plain names
  CHECK(f.name_of("/usr/include/stdio.h").empty());
}

TEST_CASE("the input cache records frame names and flags host files", "[frame]") {
  PlannedProject p;
  const Frame f = p.frame();
  nixcc::InputFileCache cache(f);
  const auto& in = cache.get((p.src / "src/util/regexp.h").string());
  CHECK(in.recorded == "s/src/util/regexp.h");
  CHECK(in.in_frame);
  const auto& by_name = cache.get("b/config.h");
  CHECK(by_name.recorded == "b/config.h");
  CHECK(*by_name.hash);
  const auto& host = cache.get("/usr/include/stdio.h");
  CHECK(host.recorded == "/usr/include/stdio.h");
  CHECK_FALSE(host.in_frame);
}
