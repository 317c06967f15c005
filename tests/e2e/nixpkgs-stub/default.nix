# A stand-in for nixpkgs, for tests on a machine that has none (and no network to fetch it): every
# attribute nixcc's Nix files use (flake.nix, nix/nixcc.nix, nix/default.nix, a --toolchain nixpkgs
# plan and its nixcc/lib.nix), with packages as derivations named stub-<name> that are instantiated,
# never built. `import <nixpkgs> { }` works with -I nixpkgs=<this folder>; flake.nix here makes it a
# flake input (--override-input nixpkgs path:<this folder>).
{ system ? builtins.currentSystem, ... }:
let
  lib = rec {
    genAttrs = names: f: builtins.listToAttrs (map (n: { name = n; value = f n; }) names);
    makeBinPath = packages: builtins.concatStringsSep ":" (map (p: "${p}/bin") packages);
    removePrefix = prefix: s:
      let n = builtins.stringLength prefix;
      in if builtins.substring 0 n s == prefix then builtins.substring n (-1) s else s;
    escapeRegex = builtins.replaceStrings specials (map (c: "\\${c}") specials);
    specials = [ "\\" "[" "]" "{" "}" "(" ")" "." "*" "+" "?" "^" "$" "|" ];
    splitString = sep: s: builtins.filter builtins.isString (builtins.split (escapeRegex sep) s);
    cleanSourceFilter = path: type: true;
    # As nixpkgs': a filtered copy of `src`, with the filter given the absolute path and its type.
    cleanSourceWith = { src, filter, name ? "source" }: {
      outPath = builtins.path { inherit name filter; path = src; };
    };
    platforms.linux = [ "x86_64-linux" "aarch64-linux" ];
  };
  stub = name: derivation {
    name = "stub-${name}";
    inherit system;
    builder = "/bin/sh";
    args = [ "-c" "echo ${name} is a stub: nothing here can be built >&2; exit 1" ];
  };
  cc = stub "cc" // { bintools = stub "bintools"; };
  pkgs = {
    inherit lib system;
    bash = stub "bash";
    coreutils = stub "coreutils";
    stdenv = {
      inherit cc;
      hostPlatform.system = system;
      # Enough of mkDerivation for nix/nixcc.nix: one derivation holding every attribute it was given.
      mkDerivation = attrs: derivation (builtins.removeAttrs attrs [ "meta" "nativeBuildInputs" "buildInputs" ] // {
        name = "${attrs.pname}-${attrs.version}";
        inherit system;
        builder = "/bin/sh";
        args = [ "-c" "exit 1" ];
        nativeBuildInputs = attrs.nativeBuildInputs or [ ];
        buildInputs = attrs.buildInputs or [ ];
      }) // { inherit (attrs) meta; };
    };
    callPackage = fn: args:
      let f = if builtins.isFunction fn then fn else import fn;
      in f (builtins.intersectAttrs (builtins.functionArgs f) pkgs // args);
  } // lib.genAttrs [ "cmake" "ninja" "boost" "fmt" "xxHash" "sqlite" "nlohmann_json" "cli11" "catch2" ] stub;
in
pkgs
