# nixcc itself, built with nixpkgs. `src` is the nixcc source tree (this repository).
{ lib, stdenv, cmake, ninja, boost, fmt, xxHash, sqlite, nlohmann_json, cli11, catch2, src ? ../. }:
let
  # Only what the build reads: not build trees, benchmark output or results, whose changes would
  # otherwise change nixcc's hash and with it every batch derivation.
  source = lib.cleanSourceWith {
    inherit src;
    filter = path: type:
      let top = builtins.head (lib.splitString "/" (lib.removePrefix (toString src + "/") (toString path)));
      in lib.cleanSourceFilter path type
        && builtins.elem top [ "CMakeLists.txt" "cmake" "util" "core" "schema" "launcher" "batch" "query" "planner" "cli" "nix" "tests" ];
  };
in
stdenv.mkDerivation {
  pname = "nixcc";
  version = "0.1.0";
  src = source;
  nativeBuildInputs = [ cmake ninja ];
  buildInputs = [ boost fmt xxHash sqlite nlohmann_json cli11 catch2 ];
  cmakeFlags = [
    # nixpkgs' libraries are shared-only by default; nixcc links them as they come.
    "-DBUILD_TESTING=OFF"
    "-DNIXCC_STATIC_LIBS=OFF"
    # A --toolchain nixpkgs plan builds nixcc from this tree unless told otherwise: its store copy,
    # not the build's temporary folder, which is gone once nixcc is built.
    "-DNIXCC_SOURCE_DIR=${source}"
  ];
  meta = {
    description = "Compile wrapper and planner that make Nix builds of C and C++ projects fast and measurable";
    mainProgram = "nixcc";
    # /proc/self/exe, /proc/<pid>, PR_SET_PDEATHSIG and Linux mount namespaces in the sandbox.
    platforms = lib.platforms.linux;
  };
}
