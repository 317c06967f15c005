# A plan's default.nix: nixcc-plan copies this file beside plan.json, which holds everything
# particular to the project. The file itself never changes with the project, so no path or name
# from it is ever written into Nix code.
let
  plan = builtins.fromJSON (builtins.readFile ./plan.json);
in
{ pkgs ? import <nixpkgs> { }, nixccPackage ? pkgs.callPackage ./nixcc/nixcc.nix { src = /. + plan.nixccSource; } }:
let
  lib = import ./nixcc/lib.nix (if plan.toolchain == "host" then plan.host else {
    shell = "${pkgs.bash}/bin/sh";
    path = pkgs.lib.makeBinPath [ pkgs.stdenv.cc pkgs.stdenv.cc.bintools pkgs.coreutils ];
    nixcc = "${nixccPackage}/bin/nixcc";
    system = pkgs.stdenv.hostPlatform.system;
  });
  sourceDir = /. + plan.sourceDir;
  buildDir = /. + plan.buildDir;
  # A word of a command or list: a string, or a store path of this plan with a suffix.
  word = w:
    if builtins.isString w then w
    else if w ? batch then "${batches.${w.batch}}${w.path}"
    else if w ? target then "${w.prefix}${targets.${w.target}}${w.path}"
    else if w ? out then "${placeholder "out"}${w.out}"
    else "${timings}${w.timings}";
  batches = builtins.mapAttrs (name: b: lib.batch {
    inherit name sourceDir buildDir;
    manifest = ./. + "/${b.manifest}";
    inherit (b) sourceFiles buildFiles previous fingerprint;
  }) plan.batches;
  targets = builtins.mapAttrs (name: t:
    if t ? archive then lib.archive (t.archive // { objects = map word t.archive.objects; })
    else lib.link (t.link // { command = map word t.link.command; })) plan.targets;
  timings = lib.merge (builtins.attrValues batches);
  default = lib.collect { inherit (plan.collect) name; entries = map word plan.collect.entries; };
in
default // { inherit batches targets timings; }
