#include <catch2/catch.hpp>

#include <filesystem>

#include "core/compiler_dirs.h"

namespace fs = std::filesystem;
using Paths = std::vector<fs::path>;
using Args = std::vector<std::string>;

TEST_CASE("GCC's -v search list, between the markers, normalised", "[compiler_dirs]") {
  const std::string gcc =
      "ignoring nonexistent directory \"/usr/local/include/x86_64-linux-gnu\"\n"
      "#include \"...\" search starts here:\n"
      " /home/u/proj/quoted\n"
      "#include <...> search starts here:\n"
      " /usr/include/c++/12\n"
      " /usr/lib/gcc/x86_64-linux-gnu/12/include\n"
      " /usr/include\n"
      "End of search list.\n"
      " /not/a/dir\n";
  CHECK(nixcc::parse_include_search_dirs(gcc) ==
        Paths{"/usr/include/c++/12", "/usr/lib/gcc/x86_64-linux-gnu/12/include", "/usr/include"});
}

TEST_CASE("Clang's -v search list: '..' folded, framework marks dropped", "[compiler_dirs]") {
  const std::string clang =
      "#include <...> search starts here:\r\n"
      " /usr/bin/../lib/gcc/x86_64-linux-gnu/12/../../../../include/c++/12\r\n"
      " /Library/Frameworks (framework directory)\r\n"
      "End of search list.\r\n";
  CHECK(nixcc::parse_include_search_dirs(clang) == Paths{"/usr/include/c++/12", "/Library/Frameworks"});
  CHECK(nixcc::parse_include_search_dirs("no list here\n").empty());
}

TEST_CASE("GCC's install directory from -print-search-dirs", "[compiler_dirs]") {
  CHECK(nixcc::parse_install_dir("install: /usr/lib/gcc/x86_64-linux-gnu/12/\nprograms: =/a:/b\n") ==
        fs::path("/usr/lib/gcc/x86_64-linux-gnu/12/"));
  CHECK(nixcc::parse_install_dir("programs: =/a\nlibraries: =/b\n").empty());
}

TEST_CASE("only the options that move the compiler's own directories key the cache", "[compiler_dirs]") {
  CHECK(nixcc::search_affecting_args({"-O2", "-I/x", "--sysroot=/sys", "-DX", "-nostdinc++", "-stdlib=libc++"}) ==
        Args{"--sysroot=/sys", "-nostdinc++", "-stdlib=libc++"});
  CHECK(nixcc::search_affecting_args({"-isysroot", "/sdk", "-target", "aarch64-linux-gnu", "-m32", "-c"}) ==
        Args{"-isysroot", "/sdk", "-target", "aarch64-linux-gnu", "-m32"});
  CHECK(nixcc::search_affecting_args({"-O2", "-Wall"}).empty());
}

TEST_CASE("a file is the compiler's own when it lies under one of its directories", "[compiler_dirs]") {
  nixcc::CompilerDirs dirs{{"/usr/include", "/usr/lib/gcc/x86_64-linux-gnu/12"}};
  CHECK(dirs.contains("/usr/include/stdio.h"));
  CHECK(dirs.contains("/usr/lib/gcc/x86_64-linux-gnu/12/include-fixed/limits.h"));
  CHECK_FALSE(dirs.contains("/usr/include2/stdio.h"));
  CHECK_FALSE(dirs.contains("/opt/lib/include/x.h"));
}

TEST_CASE("the real compiler lists the C library's folder", "[compiler_dirs]") {
  nixcc::CompilerDirsCache cache;
  const auto& c = cache.get("/usr/bin/gcc", "c", {"-O2"});
  CHECK(c.contains("/usr/include/stdio.h"));
  CHECK_FALSE(c.contains("/home/nobody/regexp.h"));
  CHECK(&cache.get("/usr/bin/gcc", "c", {"-O0", "-g"}) == &c);  // asked once
  CHECK_THROWS_WITH(cache.get("/bin/false", "c", {}), Catch::Contains("/bin/false") && Catch::Contains("include directories"));
}

TEST_CASE("the answers are kept between runs, keyed by the compiler's identity", "[compiler_dirs]") {
  nixcc::CompilerDirsCache first;
  const auto& asked = first.get("/usr/bin/gcc", "c", {});
  const std::string saved = first.save();
  CHECK(saved.find("/usr/include") != std::string::npos);

  nixcc::CompilerDirsCache second;
  second.load(saved);
  CHECK(second.get("/usr/bin/gcc", "c", {}).dirs == asked.dirs);  // read back, not asked
  CHECK(second.save() == saved);

  // A saved answer for another compiler identity is never used for this one.
  nixcc::CompilerDirsCache forged;
  forged.load("not-the-identity /usr/bin/gcc c\t/nowhere\n");
  CHECK_FALSE(forged.get("/usr/bin/gcc", "c", {}).contains("/nowhere/x.h"));
  forged.load("garbage without a tab\n\n");  // ignored
}
