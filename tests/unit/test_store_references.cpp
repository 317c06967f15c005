#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "planner/store_references.h"

using nixcc::plan::NamedPath;
using nixcc::plan::PlannedUnit;
using nixcc::plan::Project;
using nixcc::plan::Target;
using nixcc::plan::TargetKind;
using nixcc::plan::Unit;
namespace fs = std::filesystem;
using Strings = std::vector<std::string>;

namespace {

// Store paths as Nix writes them: 32 characters of its base-32 (no e, o, u, t), '-', a name.
const std::string kHash = "0123456789abcdfghijklmnpqrsvwxyz";
const std::string kZlibDev = "/nix/store/" + kHash + "-zlib-1.3-dev";
const std::string kZlib = "/nix/store/" + std::string(32, 'a') + "-zlib-1.3";
const std::string kGcc = "/nix/store/" + std::string(32, 'b') + "-gcc-wrapper-12.3.0";
const std::string kGlibc = "/nix/store/" + std::string(32, 'c') + "-glibc-2.38-dev";
const std::string kBinutils = "/nix/store/" + std::string(32, 'd') + "-binutils-wrapper-2.40";

std::set<std::string> store_paths_in(std::string_view text) {
  std::set<std::string> paths;
  nixcc::plan::add_store_paths(text, paths);
  return paths;
}

Strings paths_of(const std::vector<NamedPath>& named) {
  Strings out;
  for (const auto& n : named) out.push_back(n.path);
  return out;
}

Strings flags_of(const std::vector<NamedPath>& named) {
  Strings out;
  for (const auto& n : named) out.push_back(n.flag);
  return out;
}

const std::vector<fs::path> kProject{"/home/u/proj", "/home/u/proj/build"};

// A unit of target `app` compiling src/main.cpp with `compiler` and `arguments` (frame form).
struct UnitFixture {
  Unit unit;
  PlannedUnit planned;
  UnitFixture(const std::string& compiler, Strings arguments) {
    unit.source = "/home/u/proj/src/main.cpp";
    unit.target = "app";
    planned.unit = &unit;
    planned.key = "app/s/src/main.cpp";
    planned.compiler = compiler;
    planned.arguments = std::move(arguments);
  }
};

}  // namespace

TEST_CASE("store references: the store path a path lies in", "[store_references]") {
  using nixcc::plan::store_path_of;
  CHECK(store_path_of(kZlibDev) == kZlibDev);
  CHECK(store_path_of(kZlibDev + "/include/zlib.h") == kZlibDev);
  CHECK(store_path_of(kGcc + "/bin/g++") == kGcc);
  CHECK(store_path_of("/usr/include/zlib.h").empty());
  CHECK(store_path_of("/nix/store").empty());
  CHECK(store_path_of("/nix/store/").empty());
  CHECK(store_path_of("/nix/store/tooshort-zlib").empty());
  CHECK(store_path_of("/nix/store/" + std::string(32, 'e') + "-zlib").empty());  // 'e' is not in Nix's base-32
  CHECK(store_path_of("/nix/store/" + kHash + "zlib").empty());                 // no '-' after the hash
  CHECK(store_path_of("/nix/store/" + kHash + "-").empty());                    // no name
  CHECK(store_path_of("/nix/store/" + kHash + "-a b/x").empty());               // a space ends no name
  CHECK(store_path_of("/opt" + kZlibDev).empty());
}

TEST_CASE("store references: every store path a flag names, wherever it sits", "[store_references]") {
  CHECK(store_paths_in("-I" + kZlibDev + "/include") == std::set<std::string>{kZlibDev});
  CHECK(store_paths_in("-isystem") == std::set<std::string>{});
  CHECK(store_paths_in(kZlib + "/lib/libz.so") == std::set<std::string>{kZlib});
  CHECK(store_paths_in("-Wl,-rpath," + kZlib + "/lib:" + kGlibc + "/lib:/home/u/proj/build") ==
        std::set<std::string>{kZlib, kGlibc});
  CHECK(store_paths_in("-DDATA=\"" + kZlibDev + "/share\"") == std::set<std::string>{kZlibDev});
  CHECK(store_paths_in("-fmacro-prefix-map=" + kZlib + "=/x") == std::set<std::string>{kZlib});
  // Not the store: a folder of that name inside another path, or no valid hash after it.
  CHECK(store_paths_in("-I/opt" + kZlibDev + "/include").empty());
  CHECK(store_paths_in("-I/nix/store/not-a-hash/include").empty());
  CHECK(store_paths_in("-O2").empty());
}

TEST_CASE("store references: the absolute paths arguments name as inputs", "[store_references]") {
  using nixcc::plan::named_paths;
  const Strings compile{"-DX=/usr/share/x", "-D", "Y=/usr/y", "-I/usr/include/foo", "-isystem", "/opt/inc",
                        "-iquote", "@SOURCE_ROOT@/s/include", "-include", "/opt/pre.h", "--sysroot=/opt/sysroot",
                        "-isysroot", "/opt/sdk", "-fplugin=/opt/plugin.so", "-specs=/opt/x.specs", "-O2",
                        "-o", "/tmp/out.o", "-MF", "/tmp/out.d", "-Irelative/dir", "-B/opt/gcc/bin"};
  const auto named = named_paths(compile);
  CHECK(paths_of(named) == Strings{"/usr/include/foo", "/opt/inc", "/opt/pre.h", "/opt/sysroot", "/opt/sdk",
                                   "/opt/plugin.so", "/opt/x.specs", "/opt/gcc/bin"});
  CHECK(flags_of(named) == Strings{"-I/usr/include/foo", "-isystem /opt/inc", "-include /opt/pre.h", "--sysroot=/opt/sysroot",
                                   "-isysroot /opt/sdk", "-fplugin=/opt/plugin.so", "-specs=/opt/x.specs", "-B/opt/gcc/bin"});

  const Strings link{"-rdynamic", "/usr/lib/x86_64-linux-gnu/libz.so", "-L/opt/lib", "-L", "/opt/lib2", "-lm",
                     "-Wl,--as-needed", "-Wl,-rpath,/opt/r1:/opt/r2", "-Wl,-L/opt/lib3", "-Xlinker", "/opt/script.ld",
                     "-fuse-ld=/opt/ld.lld", "libown.a"};
  CHECK(paths_of(named_paths(link)) == Strings{"/usr/lib/x86_64-linux-gnu/libz.so", "/opt/lib", "/opt/lib2", "/opt/r1",
                                               "/opt/r2", "/opt/lib3", "/opt/script.ld", "/opt/ld.lld"});
  CHECK(flags_of(named_paths(Strings{"-L", "/opt/lib2", "-Wl,-rpath,/opt/r1"})) ==
        Strings{"-L /opt/lib2", "-Wl,-rpath,/opt/r1"});
}

TEST_CASE("store references: host paths are absolute, outside the store and outside the project", "[store_references]") {
  using nixcc::plan::is_host_path;
  CHECK(is_host_path("/usr/include/foo", kProject));
  CHECK(is_host_path("/home/u/project2/x.h", kProject));  // a sibling, not the project
  CHECK_FALSE(is_host_path(kZlibDev + "/include", kProject));
  CHECK_FALSE(is_host_path("/home/u/proj/include", kProject));
  CHECK_FALSE(is_host_path("/home/u/proj/build/../src/x.h", kProject));
  CHECK_FALSE(is_host_path("@SOURCE_ROOT@/s/include", kProject));
  CHECK_FALSE(is_host_path("c++", kProject));
}

TEST_CASE("store references: a unit's store paths come from its compiler, arguments and headers", "[store_references]") {
  UnitFixture f(kGcc + "/bin/g++", {"-I" + kZlibDev + "/include", "-I@SOURCE_ROOT@/s/include", "-O2"});
  f.planned.headers = {{"s/include/a.h", ""}, {kZlibDev + "/include/zlib.h", ""}, {kGlibc + "/include/stdio.h", ""}};
  f.planned.inputs = {"s/include/a.h", kZlibDev + "/include/zlib.h"};  // the compiler's own headers left out
  CHECK(nixcc::plan::unit_store_paths(f.planned, kProject) == Strings{kZlibDev, kGcc, kGlibc});  // sorted
}

TEST_CASE("store references: a host path in a unit is one line naming the unit and the flag", "[store_references]") {
  const auto message = [](const PlannedUnit& unit) {
    try {
      nixcc::plan::unit_store_paths(unit, kProject);
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  {
    UnitFixture f(kGcc + "/bin/g++", {"-O2", "-I/usr/include/foo"});
    const std::string m = message(f.planned);
    CHECK(m.starts_with("/home/u/proj/src/main.cpp (target app): -I/usr/include/foo names /usr/include/foo, a host path "
                        "outside /nix/store"));
    CHECK(m.find("nix-shell") != std::string::npos);
    CHECK(m.find('\n') == std::string::npos);
  }
  {
    UnitFixture f("/usr/bin/c++", {"-O2"});
    CHECK(message(f.planned).starts_with("/home/u/proj/src/main.cpp (target app): compiler /usr/bin/c++ is a host path "
                                         "outside /nix/store"));
  }
  {
    UnitFixture f(kGcc + "/bin/g++", {"-O2"});
    f.planned.inputs = {"/usr/local/include/regexp.h"};  // found through CPATH, say
    CHECK(message(f.planned).starts_with("/home/u/proj/src/main.cpp (target app): reads /usr/local/include/regexp.h, "
                                         "outside the compiler's own include directories and a host path"));
  }
  {  // the project's own folders are mapped by the plan
    UnitFixture f(kGcc + "/bin/g++", {"-I/home/u/proj/build/gen", "-DROOT=\"/usr/share\""});
    CHECK(message(f.planned) == "no error");
  }
}

TEST_CASE("store references: a target's link or archive step", "[store_references]") {
  Project project;
  project.source_dir = "/home/u/proj";
  project.build_dir = "/home/u/proj/build";
  project.archiver = kBinutils + "/bin/ar";
  project.ranlib = kBinutils + "/bin/ranlib";
  Target app;
  app.name = "app";
  app.kind = TargetKind::Executable;
  app.link_compiler = kGcc + "/bin/g++";
  app.link_flags = {"-rdynamic", "-L" + kGlibc + "/lib"};
  // CMake's build-tree rpath is replaced by the plan: a host directory in it leaks nothing.
  app.link_libraries = {"/home/u/proj/build/libcore.a", kZlib + "/lib/libz.so", "-Wl,-rpath,/usr/lib:/home/u/proj/build", "-lm"};
  CHECK(nixcc::plan::target_store_paths(app, project, kProject) == Strings{kZlib, kGcc, kGlibc});  // sorted

  Target core;
  core.name = "core";
  core.kind = TargetKind::StaticLibrary;
  CHECK(nixcc::plan::target_store_paths(core, project, kProject) == Strings{kBinutils});
  project.archiver = "ar";  // a bare name: nixpkgs' own, from the builders' PATH
  project.ranlib = "ranlib";
  CHECK(nixcc::plan::target_store_paths(core, project, kProject).empty());
  project.archiver = "/usr/bin/ar";
  CHECK_THROWS_WITH(nixcc::plan::target_store_paths(core, project, kProject),
                    Catch::StartsWith("target core: the archiver (CMAKE_AR) /usr/bin/ar is a host path outside /nix/store"));

  app.link_libraries.push_back("/usr/lib/x86_64-linux-gnu/libz.so");
  CHECK_THROWS_WITH(nixcc::plan::target_store_paths(app, project, kProject),
                    Catch::StartsWith("target app: link fragment /usr/lib/x86_64-linux-gnu/libz.so names "
                                      "/usr/lib/x86_64-linux-gnu/libz.so, a host path outside /nix/store"));
  app.link_libraries.pop_back();
  app.link_compiler = "/usr/bin/c++";
  CHECK_THROWS_WITH(nixcc::plan::target_store_paths(app, project, kProject),
                    Catch::StartsWith("target app: link compiler /usr/bin/c++ is a host path outside /nix/store"));
}
