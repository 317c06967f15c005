#!/usr/bin/env bash
# CMake's own generated include lists, which name files by their absolute host paths: a unity build
# (unity_0_cxx.cxx) and target_precompile_headers (cmake_pch.hxx, forced in with -include). The
# planner marks those units, the batch compiles copies pointed at its own tree, and the program the
# Nix build makes prints what ninja's prints; the precompiled header's own compile is not planned.
# Each unit's recorded header list names the project's files by frame name, never by host path.
source "$NIXCC_REPO/tests/e2e/lib.sh"
source "$NIXCC_REPO/tests/e2e/plan_common.sh"

src="$SCRATCH/unity pch" build="$SCRATCH/unity pch/build" plan="$SCRATCH/plan" result="$SCRATCH/result"
cp -R "$NIXCC_REPO/tests/projects/unity_pch" "$src"
plan_configure "$src" "$build"
ninja -C "$build" >"$SCRATCH/ninja.log" 2>&1 || { cat "$SCRATCH/ninja.log"; fail "ninja failed"; }
expected=$("$build/pch_app")

plan_run "$plan" "$build"
grep -q '2 translation units' "$PLAN_LOG" || fail "expected 2 units (the unity source and main.cpp; no .gch compile): $(cat "$PLAN_LOG")"
manifests=("$plan"/batches/*.json)
jq -e -s '[.[].units[] | select(.absolute_includes != null)] | length == 2' "${manifests[@]}" >/dev/null ||
  fail "both units should carry absolute_includes: $(jq -c '.units' "${manifests[@]}")"

plan_nixbuild "$plan" "$result"
got=$("$result/bin/pch_app")
[ "$got" = "$expected" ] || fail "the Nix-built program prints '$got', ninja's '$expected'"

db="$result/timings.sqlite"
for want in "source|src/one.cpp" "source|src/two.cpp" "source|src/common.h" "build|CMakeFiles/pch_app.dir/cmake_pch.hxx"; do
  [ "$(sql "$db" "SELECT count(*) FROM headers WHERE root || '|' || path = '$want'")" = 1 ] ||
    fail "no unit recorded reading $want: $(sql "$db" "SELECT root || '|' || path FROM headers" | grep -v '^|/usr' | tr '\n' ' ')"
done
[ "$(sql "$db" "SELECT count(*) FROM headers WHERE path LIKE '$SCRATCH%' OR path LIKE '%.nixcc.%'")" = 0 ] ||
  fail "host paths or the batch's own copies recorded: $(sql "$db" "SELECT path FROM headers WHERE path LIKE '/tmp%' OR path LIKE '%.nixcc.%'")"

pass "unity source and precompiled header built from the batch's own tree ($(plan_elapsed))"
