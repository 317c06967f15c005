# nixcc itself, built with nixpkgs. `src` is the nixcc source tree (this repository).
{ lib, stdenv, cmake, ninja, boost, fmt, xxHash, sqlite, nlohmann_json, cli11, catch2, src ? ../. }:
stdenv.mkDerivation {
  pname = "nixcc";
  version = "0.1.0";
  src = lib.cleanSource src;
  nativeBuildInputs = [ cmake ninja ];
  buildInputs = [ boost fmt xxHash sqlite nlohmann_json cli11 catch2 ];
  cmakeFlags = [ "-DBUILD_TESTING=OFF" ];
  meta = {
    description = "Compile wrapper and planner that make Nix builds of C and C++ projects fast and measurable";
    mainProgram = "nixcc";
  };
}
