# nixcc's builders as Nix functions. nixcc-plan copies this folder beside every plan it writes, as
# nixcc/, and the plan's default.nix calls these functions with its own data.
#
# `toolchain` says where the tools come from: the host (plain builtins.derivation, host compilers,
# sandbox off) or nixpkgs (stdenv's compilers and a nixcc built by nix/nixcc.nix).
{ shell, path, nixcc, system ? builtins.currentSystem }:
rec {
  # The listed files of `root`, and the folders leading to them, as one store path: an edit anywhere
  # else leaves its store path, and so the batch's derivation, unchanged.
  pick = name: root: files: builtins.path {
    inherit name;
    path = root;
    filter = p: type: files ? ${builtins.substring (builtins.stringLength (toString root) + 1) (-1) p};
  };

  # One batch: `nixcc batch` compiles every unit of `manifest` in a tree laid out as s/ (source
  # directory) and b/ (build directory), reusing objects from `previous` whose inputs are unchanged.
  batch = { name, manifest, sourceDir, sourceFiles, buildDir, buildFiles, previous ? null, fingerprint }:
    derivation {
      name = "nixcc-batch-${name}";
      inherit system nixcc manifest fingerprint;
      builder = shell;
      args = [ ./builders/batch.sh ];
      PATH = path;
      src = if sourceFiles == { } then "" else pick "nixcc-${name}-src" sourceDir sourceFiles;
      gen = if buildFiles == { } then "" else pick "nixcc-${name}-gen" buildDir buildFiles;
      previous = if previous == null then "" else previous;
    };

  # Runs `command` (a linker invocation naming its output under $out/subdir).
  link = { name, subdir, command }: derivation {
    inherit name system;
    builder = shell;
    args = [ ./builders/link.sh subdir ] ++ command;
    PATH = path;
  };

  # A static library: `ar qc` then `ranlib`, as CMake does.
  archive = { name, ar, ranlib, file, objects }: derivation {
    inherit name system;
    builder = shell;
    args = [ ./builders/archive.sh ar ranlib file ] ++ objects;
    PATH = path;
  };

  # Every batch's timings.sqlite merged into one.
  merge = batches: derivation {
    name = "nixcc-timings";
    inherit system nixcc;
    builder = shell;
    args = [ ./builders/merge.sh ] ++ map (b: "${b}/timings.sqlite") batches;
    PATH = path;
  };

  # The result a person uses: bin/, lib/, timings.sqlite, and batches/ (what --previous reads).
  # `entries` is a flat list of kind, name, store path triples.
  collect = { name, entries }: derivation {
    inherit name system;
    builder = shell;
    args = [ ./builders/collect.sh ] ++ entries;
    PATH = path;
  };
}
