#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "core/host_toolchain.h"
#include "temp_dir.h"

namespace fs = std::filesystem;
using Paths = std::vector<fs::path>;

TEST_CASE("ldd's report gives the libraries and the loader, not the vDSO", "[host_toolchain]") {
  const std::string report =
      "\tlinux-vdso.so.1 (0x00007ffd)\n"
      "\tlibz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x00007f01)\n"
      "\tlibstdc++.so.6 => /usr/lib/x86_64-linux-gnu/libstdc++.so.6 (0x00007f02)\n"
      "\tlibmissing.so => not found\n"
      "\t/lib64/ld-linux-x86-64.so.2 (0x00007f03)\n";
  CHECK(nixcc::parse_ldd_output(report) == Paths{"/lib/x86_64-linux-gnu/libz.so.1",
                                                 "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
                                                 "/lib64/ld-linux-x86-64.so.2"});
  CHECK(nixcc::parse_ldd_output("\tnot a dynamic executable\n").empty());
}

TEST_CASE("a -print-search-dirs line becomes normalised folders", "[host_toolchain]") {
  const std::string out =
      "install: /usr/lib/gcc/x86_64-linux-gnu/12/\n"
      "programs: =/usr/lib/gcc/x86_64-linux-gnu/12/:/usr/lib/gcc/x86_64-linux-gnu/12/../../../../x86_64-linux-gnu/bin/\n"
      "libraries: =/usr/lib/gcc/x86_64-linux-gnu/12/:/lib/x86_64-linux-gnu/:/lib/../lib/:/usr/lib/\n";
  CHECK(nixcc::parse_search_dirs_line(out, "programs") ==
        Paths{"/usr/lib/gcc/x86_64-linux-gnu/12", "/usr/x86_64-linux-gnu/bin"});
  CHECK(nixcc::parse_search_dirs_line(out, "libraries") ==
        Paths{"/usr/lib/gcc/x86_64-linux-gnu/12", "/lib/x86_64-linux-gnu", "/lib", "/usr/lib"});
  CHECK(nixcc::parse_search_dirs_line(out, "install").empty());  // not a '=' list
}

TEST_CASE("paths inside another listed folder are left out", "[host_toolchain]") {
  CHECK(nixcc::without_nested({"/usr/lib/gcc", "/usr/lib/gcc/x86_64-linux-gnu/12/cc1plus", "/usr/lib/gccgo", "/bin/sh",
                               "/usr/include", "/usr/include/c++/12"}) ==
        std::vector<std::string>{"/bin/sh", "/usr/include", "/usr/lib/gcc", "/usr/lib/gccgo"});
}

TEST_CASE("asking g++ names its driver, cc1plus, as, ld, the libraries they load and its library folders",
          "[host_toolchain]") {
  nixcc::HostToolchain host;
  host.add_compiler("/usr/bin/g++");
  host.add_program("/bin/sh");
  const auto paths = host.paths();
  const auto covered = [&](const std::string& file) {
    return std::any_of(paths.begin(), paths.end(), [&](const std::string& p) {
      return file == p || file.starts_with(p + "/");
    });
  };
  INFO(fmt::format("{}", fmt::join(paths, " ")));
  CHECK(covered("/usr/bin/g++"));
  CHECK(covered(fs::canonical("/usr/bin/g++").string()));
  for (const char* program : {"cc1plus", "collect2"}) {
    std::string found;
    FILE* pipe = ::popen(fmt::format("g++ -print-prog-name={}", program).c_str(), "r");
    char line[4096] = {};
    if (pipe && std::fgets(line, sizeof line, pipe)) found = line;
    if (pipe) ::pclose(pipe);
    found = found.substr(0, found.find('\n'));
    CHECK(covered(found));
  }
  CHECK(covered(fs::canonical("/usr/bin/as").string()));
  CHECK(covered("/lib64/ld-linux-x86-64.so.2"));
  CHECK(covered("/usr/lib/x86_64-linux-gnu/libc.so.6"));
  CHECK(covered("/bin/sh"));
}

TEST_CASE("a path's sandbox entries are the symlinks met on the way and what they resolve to", "[host_toolchain]") {
  const nixcc::test::TempDir temp;
  const fs::path dir = fs::canonical(temp.path());
  fs::create_directories(dir / "real" / "sub");
  { std::FILE* f = std::fopen((dir / "real" / "sub" / "tool").c_str(), "w"); std::fclose(f); }
  fs::create_directory_symlink("real", dir / "rel");               // relative: resolved beside it
  fs::create_directory_symlink(dir / "real" / "sub", dir / "abs");  // absolute
  fs::create_symlink("../rel/sub/tool", dir / "real" / "alias");    // through another symlink
  fs::create_symlink("loop", dir / "loop");
  const auto s = [&](const fs::path& p) { return p.string(); };

  CHECK(nixcc::sandbox_entries_of(dir / "real" / "sub" / "tool") == std::vector{s(dir / "real/sub/tool")});
  CHECK(nixcc::sandbox_entries_of(dir / "rel" / "sub" / "tool") == std::vector{s(dir / "rel"), s(dir / "real/sub/tool")});
  CHECK(nixcc::sandbox_entries_of(dir / "abs" / "tool") == std::vector{s(dir / "abs"), s(dir / "real/sub/tool")});
  CHECK(nixcc::sandbox_entries_of(dir / "real" / "alias") ==
        std::vector{s(dir / "real/alias"), s(dir / "rel"), s(dir / "real/sub/tool")});
  CHECK(nixcc::sandbox_entries_of(dir / "real" / "sub" / "") == std::vector{s(dir / "real/sub")});
  CHECK(nixcc::sandbox_entries_of(dir / "missing").empty());
  CHECK(nixcc::sandbox_entries_of(dir / "loop").empty());
}

TEST_CASE("Debian's /bin/sh is the /bin symlink, the sh symlink and dash", "[host_toolchain]") {
  if (!fs::is_symlink("/bin") || !fs::is_symlink("/usr/bin/sh")) {
    WARN("not a merged-/usr system with sh as a symlink: nothing to check");
    return;
  }
  const auto entries = nixcc::sandbox_entries_of("/bin/sh");
  REQUIRE(entries.size() == 3);
  CHECK(entries[0] == "/bin");
  CHECK(entries[1] == "/usr/bin/sh");
  CHECK(entries[2] == fs::canonical("/bin/sh").string());
}

TEST_CASE("an executable's interpreter: the loader of a dynamic ELF, a script's #! program, none when static",
          "[host_toolchain]") {
  const nixcc::test::TempDir temp;
  nixcc::test::write_file(temp.path() / "script", "#!  /bin/sh -e\necho hi\n");
  nixcc::test::write_file(temp.path() / "bare", "#!\n");
  nixcc::test::write_file(temp.path() / "text", "hello\n");
  CHECK(nixcc::interpreter_of(temp.path() / "script") == fs::path("/bin/sh"));
  CHECK(!nixcc::interpreter_of(temp.path() / "bare"));
  CHECK(!nixcc::interpreter_of(temp.path() / "text"));
  CHECK(!nixcc::interpreter_of(temp.path() / "missing"));
  CHECK(!nixcc::is_elf(temp.path() / "script"));
  const auto loader = nixcc::interpreter_of(fs::canonical("/usr/bin/g++"));
  REQUIRE(loader);
  CHECK(loader->string().find("ld-linux") != std::string::npos);
  CHECK(nixcc::is_elf(*loader));
  CHECK(!nixcc::interpreter_of(*loader));  // the loader itself is static
}
