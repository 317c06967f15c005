#include <catch2/catch.hpp>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "planner/nix_expression.h"
#include "planner/nix_support_files.h"
#include "temp_dir.h"

using nixcc::plan::EmittedBatch;
using nixcc::plan::manifest_compiler;
using nixcc::plan::NixPlan;
using nixcc::plan::PlannedUnit;
using nixcc::plan::Project;
using nixcc::plan::render_default_nix;
using nixcc::plan::Target;
using nixcc::plan::TargetKind;
using nixcc::plan::Toolchain;
using nixcc::plan::Unit;
using nixcc::test::TempDir;
using nixcc::test::write_file;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Stands in for nix/lib.nix: each builder returns what it was given (paths as strings, so printing
// copies nothing into the store) and the lib's own arguments; interpolated, it gives a made-up path.
constexpr const char* kStubLib = R"({ shell, path, nixcc, hostPaths ? null, toolchain ? null, system ? "host-system" }:
let
  out = kind: args: args // {
    inherit kind shell path nixcc hostPaths toolchain system;
    __toString = self: "/out/${kind}/${args.name or "timings"}";
  };
  strings = args: builtins.mapAttrs (n: v: if builtins.isPath v then toString v else v) args;
in {
  batch = args: out "batch" (strings args);
  link = out "link";
  archive = out "archive";
  merge = { batches, latest }: out "merge" { batches = map (b: b.name) batches; inherit latest; };
  collect = out "collect";
}
)";

// A project whose folders and names hold a space, '"', "${", '\' and a non-ASCII letter: a static
// library, a shared library with a space in its name, and an executable linking both, in two batches.
class Fixture {
 public:
  explicit Fixture(Toolchain toolchain) {
    project_.source_dir = "/src/odd \"dir\" ${x} \\ é";
    project_.build_dir = project_.source_dir / "build";
    project_.cache["CMAKE_PROJECT_NAME"] = "my project";
    project_.archiver = "/usr/bin/ar";
    add_unit("core/s/core.cpp");
    add_unit("my lib/s/lib ${y}.cpp");
    add_unit("app/s/main.cpp");
    project_.targets.push_back(target("core", TargetKind::StaticLibrary, "libcore.a", {"core/s/core.cpp"}));
    Target& lib = project_.targets.emplace_back(target("my lib", TargetKind::SharedLibrary, "libmy lib.so", {"my lib/s/lib ${y}.cpp"}));
    lib.link_compiler = "/usr/bin/c++";
    Target& app = project_.targets.emplace_back(target("app", TargetKind::Executable, "app", {"app/s/main.cpp"}));
    app.link_compiler = "/usr/bin/c++";
    app.link_flags = {"-rdynamic"};
    app.dependencies = {"core", "my lib"};
    app.link_libraries = {"libmy lib.so", "-Wl,-rpath,/src/build", "libcore.a", "-lm"};

    plan_.project = &project_;
    plan_.toolchain = toolchain;
    plan_.nixcc = stand_in_nixcc();
    plan_.host_paths = {"/bin", "/usr/lib/gcc", "/opt/tools \"q\" ${x}/g++"};
    plan_.toolchain_identity = "tc-1";
    plan_.nixcc_source = "/opt/nixcc ${src}";
    plan_.host_path = "/usr/bin:/bin";
    for (auto& u : planned_) plan_.units[u.key] = &u;
    plan_.batch_of_unit = {{"core/s/core.cpp", "b0"}, {"my lib/s/lib ${y}.cpp", "b1"}, {"app/s/main.cpp", "b0"}};
    plan_.batches.push_back(batch("b0", {"core.cpp", "main.cpp", "a \"b\" ${c}.h"}, {}, ""));
    plan_.batches.push_back(batch("b1", {"lib ${y}.cpp"}, {"gen", "gen/v.h"}, "/nix/store/abc-nixcc-batch-b1"));
    plan_.latest_batches = {"b1"};
  }

  // The plan rendered into `dir` beside the stub lib, evaluated with `arguments` (a Nix attribute set)
  // and printed as JSON.
  json evaluate(const std::string& arguments = "{ }") const {
    TempDir dir;
    write_file(dir / "default.nix", render_default_nix(plan_));
    for (const auto& file : nixcc::nix_support_files()) write_file(dir / "nixcc" / file.path, file.text);
    write_file(dir / "nixcc" / "lib.nix", kStubLib);
    const std::string expression = "let p = import " + (dir / "default.nix").string() + " " + arguments + R"(;
      data = v: builtins.removeAttrs v [ "__toString" ];
    in {
      batches = builtins.mapAttrs (n: data) p.batches;
      targets = builtins.mapAttrs (n: data) p.targets;
      timings = data p.timings;
      default = builtins.removeAttrs p [ "batches" "targets" "timings" "__toString" ];
    })";
    write_file(dir / "e.nix", expression);
    const std::string command = "nix-instantiate --option substituters '' --eval --strict --json '" + (dir / "e.nix").string() + "' 2>&1";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    REQUIRE(pipe);
    std::string out;
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe.get())) out.append(buffer, n);
    INFO(render_default_nix(plan_));
    INFO(out);
    REQUIRE(json::accept(out));
    return json::parse(out);
  }

  NixPlan plan_;
  Project project_;

  // builtins.storePath insists on a path that is in the store: a small file added once.
  static const std::string& stand_in_nixcc() {
    static const std::string path = [] {
      TempDir dir;
      write_file(dir / "nixcc", "a stand-in for nixcc\n");
      const std::string command = "nix-store --add '" + (dir / "nixcc").string() + "' 2>&1";
      std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
      char line[4096] = {};
      std::string out = pipe && std::fgets(line, sizeof line, pipe.get()) ? line : "";
      return out.substr(0, out.find('\n'));
    }();
    return path;
  }

 private:
  void add_unit(const std::string& key) {
    PlannedUnit& planned = planned_.emplace_back();
    planned.key = key;
    planned.object = key + ".o";
  }

  static Target target(const std::string& name, TargetKind kind, const std::string& file, std::vector<std::string> units) {
    Target t;
    t.name = name;
    t.kind = kind;
    t.name_on_disk = file;
    t.artifact = file;
    t.units = std::move(units);
    return t;
  }

  static EmittedBatch batch(const std::string& name, std::vector<std::string> sources, std::vector<std::string> generated,
                            const std::string& previous) {
    EmittedBatch b;
    b.name = name;
    b.manifest_file = "batches/" + name + ".json";
    b.source_files = std::move(sources);
    b.build_files = std::move(generated);
    b.previous = previous;
    b.fingerprint = "fp-" + name;
    return b;
  }

  std::vector<PlannedUnit> planned_;  // plan_.units points into it once all are added
};

}  // namespace

TEST_CASE("default.nix: batches get their files, manifest, previous output and fingerprint") {
  const Fixture fixture(Toolchain::Host);
  const json plan = fixture.evaluate();
  const json& b0 = plan["batches"]["b0"];
  CHECK(b0["kind"] == "batch");
  CHECK(b0["name"] == "b0");
  CHECK(b0["sourceDir"] == fixture.project_.source_dir.string());
  CHECK(b0["buildDir"] == fixture.project_.build_dir.string());
  CHECK(b0["sourceFiles"] == json{{"core.cpp", true}, {"main.cpp", true}, {"a \"b\" ${c}.h", true}});
  CHECK(b0["buildFiles"] == json::object());
  CHECK(b0["previous"] == nullptr);
  CHECK(b0["fingerprint"] == "fp-b0");
  CHECK(b0["manifest"].get<std::string>().ends_with("/batches/b0.json"));
  const json& b1 = plan["batches"]["b1"];
  CHECK(b1["previous"] == "/nix/store/abc-nixcc-batch-b1");
  CHECK(b1["buildFiles"] == json{{"gen", true}, {"gen/v.h", true}});
  // Host mode: the host's shell and PATH, nixcc from the store, and the host paths builders check for.
  CHECK(b0["shell"] == "/bin/sh");
  CHECK(b0["path"] == "/usr/bin:/bin");
  CHECK(b0["nixcc"] == Fixture::stand_in_nixcc());
  CHECK(b0["hostPaths"] == json{"/bin", "/usr/lib/gcc", "/opt/tools \"q\" ${x}/g++"});
  CHECK(b0["toolchain"] == "tc-1");
  // Store inputs are nixpkgs mode's: host-mode calls carry no such attribute, so their derivations stay as they were.
  CHECK_FALSE(b0.contains("storeInputs"));
  CHECK_FALSE(plan["targets"]["app"].contains("storeInputs"));
}

TEST_CASE("default.nix: targets link batch objects and each other's outputs") {
  const json plan = Fixture(Toolchain::Host).evaluate();
  const json& core = plan["targets"]["core"];
  CHECK(core["kind"] == "archive");
  CHECK(core["ar"] == "/usr/bin/ar");
  CHECK(core["file"] == "libcore.a");
  CHECK(core["objects"] == json{"/out/batch/b0/core/s/core.cpp.o"});
  const json& lib = plan["targets"]["my lib"];
  CHECK(lib["name"] == "my_lib");  // a store path name allows no space
  CHECK(lib["command"][0] == "/usr/bin/c++");
  CHECK(lib["command"][1] == "-shared");
  CHECK(lib["command"][2] == "-Wl,-soname,libmy lib.so");
  CHECK(lib["command"][3] == "/out/batch/b1/my lib/s/lib ${y}.cpp.o");
  const json& command = plan["targets"]["app"]["command"];
  REQUIRE(command.size() == 9);
  CHECK(command[0] == "/usr/bin/c++");
  CHECK(command[1] == "-rdynamic");
  CHECK(command[2] == "/out/batch/b0/app/s/main.cpp.o");
  CHECK(command[3] == "-o");
  CHECK(command[4].get<std::string>().ends_with("/bin/app"));  // under $out, through placeholder "out"
  // Other targets' artifacts become their outputs, build-tree rpaths those of the shared libraries.
  CHECK(command[5] == "/out/link/my_lib/lib/libmy lib.so");
  CHECK(command[6] == "/out/archive/core/lib/libcore.a");
  CHECK(command[7] == "-lm");
  CHECK(command[8] == "-Wl,-rpath,/out/link/my_lib/lib");
}

TEST_CASE("default.nix: the default result collects programs, libraries, batches and timings") {
  const json plan = Fixture(Toolchain::Host).evaluate();
  CHECK(plan["timings"]["batches"] == json{"b0", "b1"});
  CHECK(plan["timings"]["latest"] == json{"b1"});
  const json& result = plan["default"];
  CHECK(result["name"] == "nixcc-my_project");
  CHECK(result["entries"] == json{"lib", "libcore.a", "/out/archive/core/lib/libcore.a",
                                  "lib", "libmy lib.so", "/out/link/my_lib/lib/libmy lib.so",
                                  "bin", "app", "/out/link/app/bin/app",
                                  "batch", "b0", "/out/batch/b0",
                                  "batch", "b1", "/out/batch/b1",
                                  "timings", "timings.sqlite", "/out/merge/timings/timings.sqlite"});
}

TEST_CASE("default.nix: nixpkgs mode takes its tools from pkgs and builds nixcc from the source tree") {
  Fixture fixture(Toolchain::Nixpkgs);
  const std::string pkgs =
      "{ pkgs = { bash = \"BASH\"; coreutils = \"CU\"; lib.makeBinPath = xs: builtins.concatStringsSep \":\" (map toString xs);"
      " stdenv = { cc = { outPath = \"CC\"; bintools = \"BT\"; }; hostPlatform.system = \"sys\"; };"
      " callPackage = f: args: toString args.src; }; }";
  const json plan = fixture.evaluate(pkgs);
  const json& b0 = plan["batches"]["b0"];
  CHECK(b0["shell"] == "BASH/bin/sh");
  CHECK(b0["path"] == "CC:BT:CU");
  CHECK(b0["system"] == "sys");
  // nixccPackage defaults to pkgs.callPackage ./nixcc/nixcc.nix { src = <the source tree>; }.
  CHECK(b0["nixcc"] == "/opt/nixcc ${src}/bin/nixcc");
  CHECK(plan["targets"]["core"]["ar"] == "ar");
  CHECK(plan["targets"]["app"]["command"][0] == "c++");
}

TEST_CASE("default.nix: nixpkgs mode declares the store paths each batch and link uses, and keeps store tools") {
  const std::string hash(32, 'a');
  const std::string gcc = "/nix/store/" + hash + "-gcc-wrapper-12.3.0";
  const std::string zlib = "/nix/store/" + hash + "-zlib-1.3";
  const std::string binutils = "/nix/store/" + hash + "-binutils-wrapper-2.40";
  Fixture fixture(Toolchain::Nixpkgs);
  fixture.plan_.batches[0].store_inputs = {gcc, zlib};
  fixture.project_.archiver = binutils + "/bin/ar";  // ranlib stays the bare default, nixpkgs' own
  fixture.project_.targets[2].link_compiler = gcc + "/bin/g++";
  fixture.plan_.target_store_inputs = {{"app", {gcc, zlib}}, {"core", {binutils}}};
  const std::string pkgs =
      "{ pkgs = { bash = \"BASH\"; coreutils = \"CU\"; lib.makeBinPath = xs: \"PATH\";"
      " stdenv = { cc = { bintools = \"BT\"; }; hostPlatform.system = \"sys\"; }; }; nixccPackage = \"NIXCC\"; }";
  const json plan = fixture.evaluate(pkgs);
  CHECK(plan["batches"]["b0"]["storeInputs"] == json{gcc, zlib});
  CHECK_FALSE(plan["batches"]["b1"].contains("storeInputs"));
  const json& app = plan["targets"]["app"];
  CHECK(app["storeInputs"] == json{gcc, zlib});
  CHECK(app["command"][0] == gcc + "/bin/g++");  // the compiler CMake chose the flags for
  const json& core = plan["targets"]["core"];
  CHECK(core["storeInputs"] == json{binutils});
  CHECK(core["ar"] == binutils + "/bin/ar");
  CHECK(core["ranlib"] == "ranlib");
  CHECK_FALSE(plan["targets"]["my lib"].contains("storeInputs"));
  CHECK(plan["targets"]["my lib"]["command"][0] == "c++");  // a host compiler never reaches the plan; nixpkgs' own
}

TEST_CASE("manifest compiler: host mode's as named; nixpkgs mode keeps a store compiler, else stdenv's") {
  Unit c_unit;
  c_unit.language = "C";
  PlannedUnit unit;
  unit.unit = &c_unit;
  unit.compiler = "/usr/bin/gcc";
  CHECK(manifest_compiler(unit, Toolchain::Host) == "/usr/bin/gcc");
  CHECK(manifest_compiler(unit, Toolchain::Nixpkgs) == "cc");
  c_unit.language = "CXX";
  CHECK(manifest_compiler(unit, Toolchain::Nixpkgs) == "c++");
  unit.compiler = "/nix/store/" + std::string(32, 'b') + "-gcc-wrapper-12.3.0/bin/g++";
  CHECK(manifest_compiler(unit, Toolchain::Nixpkgs) == unit.compiler.string());
}
