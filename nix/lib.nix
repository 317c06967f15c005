# nixcc's builders as Nix functions. nixcc-plan copies this folder beside every plan it writes, as
# nixcc/, and the plan's default.nix calls these functions with its own data.
#
# Tools come from the host or from nixpkgs. Host mode (hostPaths given): every derivation's builder
# is the static nixcc store path, which checks that Nix's sandbox holds every host path the plan
# declared (nix.conf's extra-sandbox-paths) and stops with one line if not, then runs the script;
# `toolchain` identifies the host tools' files.
# Nixpkgs mode: stdenv's shell and utilities, a nixcc built by nix/nixcc.nix, and the compiler CMake
# named; every store path a derivation's compiles or links name (compiler, include folders, libraries,
# headers read) arrives as `storeInputs`, so that its sandbox holds them.
{ shell, path, nixcc, hostPaths ? null, toolchain ? "", system ? builtins.currentSystem }:
rec {
  # The builder and arguments that run `script` with `args`.
  run = script: args:
    if hostPaths == null then { builder = shell; args = [ script ] ++ args; }
    else {
      builder = nixcc;
      args = [ "host-builder" shell script ] ++ args;
      NIXCC_HOST_PATHS = builtins.toJSON hostPaths;
      # Host tools are not store paths: an upgraded compiler, assembler or linker changes this
      # instead, and with it every derivation.
      NIXCC_TOOLCHAIN = toolchain;
    };

  # The listed files of `root`, and the folders leading to them, as one store path: an edit anywhere
  # else leaves its store path, and so the batch's derivation, unchanged.
  pick = name: root: files: builtins.path {
    inherit name;
    path = root;
    filter = p: type: files ? ${builtins.substring (builtins.stringLength (toString root) + 1) (-1) p};
  };

  # An earlier output's copy (nixcc-plan made it) as an input while it is in the store. Once it has
  # been garbage-collected the batch simply compiles every unit: never a failed evaluation.
  storeInput = p: if p != null && builtins.pathExists p then builtins.storePath p else "";

  # The store paths a derivation's commands name (a manifest is a JSON file: the paths in it carry no
  # context), as inputs. No attribute at all when there are none, so host-mode derivations are unchanged.
  storeInputsOf = paths: if paths == [ ] then { } else { storeInputs = map builtins.storePath paths; };

  # One batch: `nixcc batch` compiles every unit of `manifest` in a tree laid out as the manifest says
  # (the source and build directories' files), reusing objects from `previous` whose inputs are unchanged.
  batch = { name, manifest, sourceDir, sourceFiles, buildDir, buildFiles, previous ? null, fingerprint, storeInputs ? [ ] }:
    derivation ({
      name = "nixcc-batch-${name}";
      inherit system nixcc manifest fingerprint;
      PATH = path;
      src = if sourceFiles == { } then "" else pick "nixcc-${name}-src" sourceDir sourceFiles;
      gen = if buildFiles == { } then "" else pick "nixcc-${name}-gen" buildDir buildFiles;
      previous = storeInput previous;
    } // storeInputsOf storeInputs // run ./builders/batch.sh [ ]);

  # Runs `command` (a linker invocation naming its output under $out/subdir).
  link = { name, subdir, command, storeInputs ? [ ] }: derivation ({
    inherit name system;
    PATH = path;
  } // storeInputsOf storeInputs // run ./builders/link.sh ([ subdir ] ++ command));

  # A static library: `ar qc` then `ranlib`, as CMake does.
  archive = { name, ar, ranlib, file, objects, storeInputs ? [ ] }: derivation ({
    inherit name system;
    PATH = path;
  } // storeInputsOf storeInputs // run ./builders/archive.sh ([ ar ranlib file ] ++ objects));

  # Every batch's timings.sqlite merged into one; `latest` names the batches the latest plan changed.
  merge = { batches, latest }: derivation ({
    name = "nixcc-timings";
    inherit system nixcc;
    PATH = path;
    latest = builtins.concatStringsSep "," latest;
  } // run ./builders/merge.sh (map (b: "${b}/timings.sqlite") batches));

  # The result a person uses: bin/, lib/, timings.sqlite, and batches/ (what --previous reads).
  # `entries` is a flat list of kind, name, store path triples.
  collect = { name, entries }: derivation ({
    inherit name system;
    PATH = path;
  } // run ./builders/collect.sh entries);
}
