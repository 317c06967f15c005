#!/usr/bin/env bash
# nixpkgs mode (--toolchain nixpkgs), nix/default.nix and flake.nix, evaluated against the stub nixpkgs
# in tests/e2e/nixpkgs-stub: this machine has no nixpkgs and no network, so nothing here is built, only
# instantiated. The demo is configured as inside nix-shell: its compiler, archiver, an include folder
# and a library folder are store paths. Checks that every derivation instantiates, that the store
# paths the flags and link fragments name are inputs of the batch and link derivations
# (nix-store --query --references), that a host path is a one-line error from nixcc-plan, and that the
# flake's outputs evaluate: by importing flake.nix and calling its outputs function, and through
# `nix flake show/check` with the nixpkgs input overridden by the stub.
source "$NIXCC_REPO/tests/e2e/lib.sh"
source "$NIXCC_REPO/tests/e2e/plan_common.sh"

command -v nix-store >/dev/null || fail "nix-store is not installed"
system=$(nix-instantiate --eval -E builtins.currentSystem | tr -d '"')
case "$system" in
  x86_64-linux | aarch64-linux) ;;
  *) fail "flake.nix covers x86_64-linux and aarch64-linux; this is $system" ;;
esac

# Nix's files as the user sees them: a copy of the repository (no build trees), the user's own, so the
# test needs no access to the checkout and `path:` flakes copy only sources into the store.
repo="$SCRATCH/nixcc-src"
mkdir -p "$repo"
for entry in "$NIXCC_REPO"/* "$NIXCC_REPO"/.[!.]*; do
  case "$(basename "$entry")" in build | build-* | result* | .git | '.[!.]*') continue ;; esac
  cp -R "$entry" "$repo/"
done
stub="$repo/tests/e2e/nixpkgs-stub"
[ -f "$stub/default.nix" ] || fail "no stub nixpkgs at $stub"

# drv_refs DRV: the store paths DRV names as inputs (one a line).
drv_refs() { as_user nix-store --query --references "$1"; }
# expect_ref DRV PATH WHAT: PATH is an input of DRV.
expect_ref() {
  drv_refs "$1" | grep -qxF "$2" || { drv_refs "$1" >&2; fail "$3: $2 is not an input of $1"; }
}

# 1. A toolchain and a library in the store, as nix-shell hands them to CMake. The "compilers" run the
#    host's (nixcc-plan scans with them); the library has a header the demo includes and a lib folder.
tc="$SCRATCH/stub-gcc-wrapper"
mkdir -p "$tc/bin"
for pair in c++:g++ cc:gcc ar:ar ranlib:ranlib; do
  printf '#!/bin/sh\nexec /usr/bin/%s "$@"\n' "${pair#*:}" >"$tc/bin/${pair%%:*}"
  chmod +x "$tc/bin/${pair%%:*}"
done
extra="$SCRATCH/stub-extra-dev"
mkdir -p "$extra/include/extra" "$extra/lib"
echo '#define EXTRA_ANSWER 42' >"$extra/include/extra/answer.h"
echo 'not a library' >"$extra/lib/README"
toolchain=$(as_user nix-store --add "$tc") || fail "nix-store --add $tc failed"
extra=$(as_user nix-store --add "$extra") || fail "nix-store --add $extra failed"
[[ "$toolchain" == /nix/store/*-stub-gcc-wrapper && "$extra" == /nix/store/*-stub-extra-dev ]] ||
  fail "unexpected store paths: $toolchain $extra"

src="$SCRATCH/demo" build="$SCRATCH/build" plan="$SCRATCH/plan"
plan_copy_demo "$src"
numbers="$src/core/src/numbers.cpp"
printf '#include <extra/answer.h>\nstatic_assert(EXTRA_ANSWER == 42, "the store header");\n' | cat - "$numbers" >"$numbers.new"
mv "$numbers.new" "$numbers"
store_toolchain=(-DCMAKE_CXX_COMPILER="$toolchain/bin/c++" -DCMAKE_AR="$toolchain/bin/ar" -DCMAKE_RANLIB="$toolchain/bin/ranlib")
plan_configure "$src" "$build" "${store_toolchain[@]}" "-DCMAKE_CXX_FLAGS=-DNIXCC_E2E_SALT=$PLAN_SALT -I$extra/include" \
  "-DCMAKE_EXE_LINKER_FLAGS=-L$extra/lib"

# 2. The plan: manifests run the store compiler and name no host path.
plan_run "$plan" "$build" --batches 3 --toolchain nixpkgs
grep -q '7 translation units in 3 batches' "$PLAN_LOG" || { cat "$PLAN_LOG"; fail "plan summary should say 7 units in 3 batches"; }
[ "$(jq -r '.units[].compiler' "$plan"/batches/*.json | sort -u)" = "$toolchain/bin/c++" ] ||
  fail "manifests should run the store compiler CMake named: $(jq -r '.units[].compiler' "$plan"/batches/*.json | sort -u)"
if grep -q '/usr/' "$plan"/batches/*.json; then
  fail "nixpkgs-mode manifests must not name host paths: $(grep -h '/usr/' "$plan"/batches/*.json | head -3)"
fi
as_user nix-instantiate --parse "$plan/default.nix" >/dev/null || fail "the nixpkgs-mode default.nix does not parse"
grep -q '<nixpkgs>' "$plan/default.nix" || fail "the nixpkgs-mode plan does not default to <nixpkgs>"

# 3. Every derivation instantiates with the plan's defaults (<nixpkgs> = the stub, nixcc built from the
#    source tree nixcc-plan was built from) and names no host path.
#    Evaluated as root: the default nixccPackage reads the source tree nixcc-plan was built from, the
#    checkout, which may lie in a folder the test's user cannot enter.
drvs="$SCRATCH/drvs"
nix-instantiate --eval --read-write-mode --strict --json -I nixpkgs="$stub" --argstr plan "$plan" -E '
  { plan }:
  let p = import (/. + plan) { };
  in { batches = builtins.mapAttrs (n: d: d.drvPath) p.batches; targets = builtins.mapAttrs (n: d: d.drvPath) p.targets;
       timings = p.timings.drvPath; default = p.drvPath; nixcc = p.batches.b0.nixcc; }' >"$drvs.json" 2>"$SCRATCH/eval.log" ||
  { cat "$SCRATCH/eval.log"; fail "the nixpkgs-mode plan does not instantiate against the stub nixpkgs"; }
jq -r '(.batches, .targets)[], .timings, .default' "$drvs.json" >"$drvs"
[ "$(sort -u "$drvs" | wc -l)" = 9 ] || fail "expected 9 derivations (3 batches, 4 targets, timings, result): $(cat "$drvs")"
while read -r drv; do
  if grep -q '/usr/' "$drv"; then fail "nixpkgs-mode derivation $drv names a host path: $(grep -o '"/usr/[^"]*"' "$drv" | head -3)"; fi
  grep -q 'stub-' "$drv" || fail "nixpkgs-mode derivation $drv does not use the given pkgs"
done <"$drvs"
jq -e '.nixcc | endswith("-nixcc-0.1.0/bin/nixcc")' "$drvs.json" >/dev/null ||
  fail "batches should run a nixcc built by nix/nixcc.nix: $(jq -r .nixcc "$drvs.json")"

# 4. The store paths the flags name are inputs: every batch compiles with -I<extra>/include and the store
#    compiler; the executables link with -L<extra>/lib; the static library is archived with the store ar.
for b in b0 b1 b2; do
  drv=$(jq -r ".batches.$b" "$drvs.json")
  expect_ref "$drv" "$extra" "batch $b (CMAKE_CXX_FLAGS=-I$extra/include)"
  expect_ref "$drv" "$toolchain" "batch $b (CMAKE_CXX_COMPILER)"
done
for t in greet stats; do
  drv=$(jq -r ".targets.$t" "$drvs.json")
  expect_ref "$drv" "$extra" "link of $t (CMAKE_EXE_LINKER_FLAGS=-L$extra/lib)"
  expect_ref "$drv" "$toolchain" "link of $t (the link compiler)"
done
expect_ref "$(jq -r '.targets.render' "$drvs.json")" "$toolchain" "link of the shared library render"
expect_ref "$(jq -r '.targets.core' "$drvs.json")" "$toolchain" "archive of core (CMAKE_AR)"
# ... and the header itself is a planned input of the unit that reads it, which the guard will accept.
jq -s -e --arg h "$extra/include/extra/answer.h" '[.[].units[] | select(any(.inputs[]; . == $h)) | .source] == ["s/core/src/numbers.cpp"]' \
  "$plan"/batches/*.json >/dev/null || fail "numbers.cpp's manifest unit, and it alone, should list $extra/include/extra/answer.h"

# 5. nix/default.nix and nix/nixcc.nix, as callPackage users call them: one derivation however reached.
as_user nix-instantiate --eval --read-write-mode --strict --json --arg repo "$repo" --arg stub "$stub" -E '
  { repo, stub }:
  let pkgs = import stub { };
  in [ (import (repo + "/nix") { inherit pkgs; }).drvPath
       (pkgs.callPackage (repo + "/nix/nixcc.nix") { }).drvPath
       (pkgs.callPackage (repo + "/nix/nixcc.nix") { src = repo; }).drvPath ]' >"$SCRATCH/nixcc-drvs.json" \
  2>"$SCRATCH/eval.log" || { cat "$SCRATCH/eval.log"; fail "nix/default.nix or nix/nixcc.nix does not instantiate against the stub"; }
nixcc_drv=$(jq -r '.[0]' "$SCRATCH/nixcc-drvs.json")
[ "$(jq -r '.[]' "$SCRATCH/nixcc-drvs.json" | sort -u | wc -l)" = 1 ] ||
  fail "import ./nix { pkgs } and pkgs.callPackage ./nix/nixcc.nix { } should be one derivation: $(cat "$SCRATCH/nixcc-drvs.json")"
as_user nix-instantiate -I nixpkgs="$stub" "$repo/nix" >"$SCRATCH/nix-build-nix.drv" 2>"$SCRATCH/eval.log" ||
  { cat "$SCRATCH/eval.log"; fail "nix-instantiate nix/ (<nixpkgs> = the stub) failed"; }
[ "$(tail -n 1 "$SCRATCH/nix-build-nix.drv")" = "$nixcc_drv" ] || fail "nix-build nix/ should build $nixcc_drv, not $(cat "$SCRATCH/nix-build-nix.drv")"
# Only the sources nixcc's build reads: no build tree, no benchmark results.
nixcc_src=$(as_user nix-store --query --references "$nixcc_drv" | grep -- '-source$') || fail "$nixcc_drv has no source input"
[ -f "$nixcc_src/CMakeLists.txt" ] && [ -f "$nixcc_src/planner/planner.cpp" ] && [ ! -e "$nixcc_src/bench" ] ||
  fail "nixcc's source $nixcc_src should hold the build's sources only: $(ls "$nixcc_src")"
# A nixcc-plan built by Nix names that source as the tree its plans build nixcc from.
grep -qF -- "-DNIXCC_SOURCE_DIR=$nixcc_src" "$nixcc_drv" || fail "$nixcc_drv should pass -DNIXCC_SOURCE_DIR=$nixcc_src"

# 6. flake.nix, its outputs function called directly with the stub as nixpkgs: the packages, the
#    overlay, and lib.<system>.plan on the plan above, which must give the very derivations the plan
#    gives when called with the same pkgs and nixcc by hand.
as_user nix-instantiate --eval --read-write-mode --strict --json --arg repo "$repo" --arg stub "$stub" --argstr plan "$plan" --argstr system "$system" -E '
  { repo, stub, plan, system }:
  let
    flake = import (repo + "/flake.nix");
    nixpkgs = (import (stub + "/flake.nix")).outputs { self = nixpkgs; };
    self = flake.outputs { inherit self nixpkgs; } // { outPath = repo; };
    pkgs = nixpkgs.legacyPackages.${system};
    p = self.lib.${system}.plan (/. + plan);
    byHand = import (/. + plan) { inherit pkgs; nixccPackage = pkgs.callPackage (repo + "/nix/nixcc.nix") { src = repo; }; };
    drvs = p: { batches = builtins.mapAttrs (n: d: d.drvPath) p.batches; targets = builtins.mapAttrs (n: d: d.drvPath) p.targets;
                timings = p.timings.drvPath; result = p.drvPath; nixcc = p.batches.b0.nixcc; };
  in {
    inputs = builtins.attrNames (builtins.functionArgs flake.outputs);
    systems = builtins.attrNames self.packages;
    nixcc = self.packages.${system}.nixcc.drvPath;
    default = self.packages.${system}.default.drvPath;
    overlay = (self.overlays.default pkgs pkgs).nixcc.drvPath;
    plan = drvs p;
    byHand = drvs byHand;
  }' >"$SCRATCH/flake.json" 2>"$SCRATCH/eval.log" ||
  { cat "$SCRATCH/eval.log"; fail "flake.nix's outputs do not evaluate against the stub nixpkgs"; }
jq -e --arg d "$nixcc_drv" '.inputs == ["nixpkgs", "self"] and .systems == ["aarch64-linux", "x86_64-linux"] and
  .nixcc == $d and .default == $d and .overlay == $d' "$SCRATCH/flake.json" >/dev/null ||
  fail "the flake's packages.<system>.nixcc, default and overlay should all be $nixcc_drv: $(jq -c '{inputs, systems, nixcc, default, overlay}' "$SCRATCH/flake.json")"
jq -e '.plan == .byHand and (.plan.batches | length) == 3 and (.plan.nixcc | endswith("-nixcc-0.1.0/bin/nixcc"))' \
  "$SCRATCH/flake.json" >/dev/null ||
  fail "lib.$system.plan should give the plan's derivations with the flake's pkgs and nixcc: $(jq -c '{plan, byHand}' "$SCRATCH/flake.json")"

# 7. The flake through the nix command (Nix 2.8: experimental), offline: the nixpkgs input overridden by
#    the stub flake, so nothing is fetched and no lock file is needed for show and check.
nixf=(nix --extra-experimental-features 'nix-command flakes')
as_user "${nixf[@]}" flake show --override-input nixpkgs "path:$stub" "path:$repo" >"$SCRATCH/show.log" 2>&1 ||
  { cat "$SCRATCH/show.log"; fail "nix flake show failed"; }
grep -q "package 'nixcc-0.1.0'" "$SCRATCH/show.log" && grep -q 'Nixpkgs overlay' "$SCRATCH/show.log" ||
  { cat "$SCRATCH/show.log"; fail "nix flake show should list the nixcc packages and the overlay"; }
as_user "${nixf[@]}" flake check --override-input nixpkgs "path:$stub" "path:$repo" >"$SCRATCH/check.log" 2>&1 ||
  { cat "$SCRATCH/check.log"; fail "nix flake check failed"; }
[ ! -e "$repo/flake.lock" ] || fail "show and check with --override-input should write no flake.lock"
drv=$(as_user "${nixf[@]}" eval --raw --override-input nixpkgs "path:$stub" "path:$repo#packages.$system.nixcc.drvPath" 2>"$SCRATCH/eval.log") ||
  { cat "$SCRATCH/eval.log"; fail "nix eval of the flake's nixcc failed"; }
[[ "$drv" == /nix/store/*-nixcc-0.1.0.drv ]] || fail "nix eval gave $drv"
#    A plan through the flake: lock the stub in (a lock file in the copy only), then evaluate
#    lib.<system>.plan with --impure, since a plan names its project's folders by absolute path.
as_user "${nixf[@]}" flake lock --override-input nixpkgs "path:$stub" "path:$repo" >"$SCRATCH/lock.log" 2>&1 ||
  { cat "$SCRATCH/lock.log"; fail "nix flake lock failed"; }
result=$(as_user "${nixf[@]}" eval --impure --raw --expr \
  "((builtins.getFlake \"path:$repo\").lib.$system.plan $plan).drvPath" 2>"$SCRATCH/eval.log") ||
  { cat "$SCRATCH/eval.log"; fail "nix eval --impure of lib.$system.plan failed"; }
[[ "$result" == /nix/store/*-nixcc-nixcc_demo.drv ]] || fail "lib.$system.plan through the nix command gave $result"

# 8. Host paths are refused, one line each, naming the flag and the unit or target.
bad_build="$SCRATCH/build-host"
log="$SCRATCH/err.log"
plan_configure "$src" "$bad_build" "${store_toolchain[@]}" "-DCMAKE_CXX_FLAGS=-DNIXCC_E2E_SALT=$PLAN_SALT -I/usr/include/whatever"
plan_expect_exit 1 "$log" nixcc-plan "$bad_build" -o "$SCRATCH/plan-bad" --toolchain nixpkgs
[ "$(wc -l <"$log")" = 1 ] || { cat "$log"; fail "a host include folder should be a one-line error"; }
grep -qE '^nixcc-plan: .*\.cpp \(target [a-z]+\): -I/usr/include/whatever names /usr/include/whatever, a host path outside /nix/store' "$log" ||
  { cat "$log"; fail "the error should name the unit, its target and the flag"; }
#    ... and in a link fragment. (A host compiler is refused too: test_plan_errors.sh.)
plan_configure "$src" "$bad_build" "${store_toolchain[@]}" "-DCMAKE_CXX_FLAGS=-DNIXCC_E2E_SALT=$PLAN_SALT" \
  "-DCMAKE_EXE_LINKER_FLAGS=-L/usr/lib/whatever"
plan_expect_exit 1 "$log" nixcc-plan "$bad_build" -o "$SCRATCH/plan-bad" --toolchain nixpkgs
[ "$(wc -l <"$log")" = 1 ] || { cat "$log"; fail "a host library folder should be a one-line error"; }
grep -qE '^nixcc-plan: target (greet|stats): link fragment -L/usr/lib/whatever names /usr/lib/whatever, a host path outside /nix/store' "$log" ||
  { cat "$log"; fail "the error should name the target and the link fragment"; }

pass "nixpkgs mode: store paths of flags and links are derivation inputs, host paths refused; nix/ and flake.nix evaluate against a stub nixpkgs ($(plan_elapsed))"
