#!/usr/bin/env bash
# The whole pipeline on examples/demo: cmake configure, nixcc-plan --batches 3, a real nix-build; the
# programs run and print what they should, the result holds the libraries, one timing row per
# translation unit, and a batches/ folder. (Nixpkgs mode, which cannot build offline: test_plan_nixpkgs.sh.)
source "$NIXCC_REPO/tests/e2e/lib.sh"
source "$NIXCC_REPO/tests/e2e/plan_common.sh"

src="$SCRATCH/demo" build="$SCRATCH/build" plan="$SCRATCH/plan" result="$SCRATCH/result"
plan_copy_demo "$src"
plan_configure "$src" "$build"
plan_run "$plan" "$build" --batches 3
grep -q '7 translation units in 3 batches' "$PLAN_LOG" || { cat "$PLAN_LOG"; fail "plan summary should say 7 units in 3 batches"; }
[ "$(plan_members "$plan" | wc -l)" = 3 ] || fail "plan state should hold 3 batches"
[ "$(ls "$plan/batches" | wc -l)" = 3 ] || fail "plan should hold 3 manifests in $plan/batches"
as_user nix-instantiate --parse "$plan/default.nix" >/dev/null || fail "default.nix does not parse"

plan_nixbuild "$plan" "$result"
# 3 batches, 4 targets, the merged timings, the collected result.
[ "$NIX_BUILT" = 9 ] || { cat "$NIX_LOG"; fail "expected 9 derivations built, got $NIX_BUILT"; }

out=$("$result/bin/greet") || fail "greet failed"
[ "$out" = "[ HELLO FROM NIXCC ] v1.4.2" ] || fail "greet printed '$out'"
out=$("$result/bin/stats") || fail "stats failed"
[ "$out" = "primes below 50: 15, sum 328" ] || fail "stats printed '$out'"

[ -f "$result/lib/libcore.a" ] || fail "no lib/libcore.a in the result"
[ -f "$result/lib/librender.so" ] || fail "no lib/librender.so in the result"
ar t "$result/lib/libcore.a" | grep -q 'numbers.cpp.o' || fail "libcore.a lacks numbers.cpp.o: $(ar t "$result/lib/libcore.a")"
# greet finds librender.so in the store (rpath), not in the build tree.
ldd "$result/bin/greet" | grep 'librender.so' | grep -q '/nix/store/' || fail "greet does not load librender.so from the store: $(ldd "$result/bin/greet")"

db="$result/timings.sqlite"
[ -f "$db" ] || fail "no timings.sqlite in the result"
[ "$(sql "$db" 'SELECT count(*) FROM compiles')" = 7 ] || fail "expected 7 compile rows, got: $(sql "$db" 'SELECT source FROM compiles')"
[ "$(sql "$db" 'SELECT count(DISTINCT source || object) FROM compiles')" = 7 ] || fail "compile rows are not one per unit"
[ "$(sql "$db" 'SELECT count(*) FROM compiles WHERE exit_status <> 0 OR reused <> 0')" = 0 ] || fail "a first build should compile everything, successfully"
[ "$(sql "$db" "SELECT count(*) FROM builds WHERE kind = 'batch'")" = 3 ] || fail "expected 3 batch builds in the merged database"
[ "$(sql "$db" "SELECT count(*) FROM compiles WHERE source_root = 'source' AND source IN ('render/src/util.cpp', 'core/src/util.cpp')")" = 2 ] ||
  fail "the two util.cpp should be two distinct rows, recorded relative to the source directory"
# The generated header is the build directory's, wherever the batch's tree put it.
[ "$(sql "$db" "SELECT count(*) FROM headers WHERE root = 'build' AND path = 'generated/demo/version.h'")" = 1 ] ||
  fail "version.h should be recorded relative to the build directory: $(sql "$db" "SELECT root, path FROM headers WHERE path LIKE '%version.h'")"
# A result's database is one build: by default stats covers every batch of it.
"$NIXCC" stats --db "$db" --format json >"$SCRATCH/stats.json" || fail "nixcc stats --format json failed"
jq -e '.format == "nixcc-stats" and .totals.compiles == 7 and .totals.builds == 3 and .totals.compiled == 7' \
  "$SCRATCH/stats.json" >/dev/null || fail "nixcc stats on a result should cover its 3 batches: $(jq -c .totals "$SCRATCH/stats.json")"
"$NIXCC" stats --db "$db" --format json --build all >"$SCRATCH/stats-all.json" || fail "nixcc stats --build all failed"
jq -e '.totals.compiles == 7 and .totals.builds == 3 and .totals.failures == 0' "$SCRATCH/stats-all.json" >/dev/null ||
  fail "nixcc stats --build all should count 3 builds, 7 compiles: $(jq -c .totals "$SCRATCH/stats-all.json")"

[ "$(ls "$result/batches" | LC_ALL=C sort | tr '\n' ' ')" = "b0 b1 b2 " ] || fail "result/batches should be b0 b1 b2: $(ls "$result/batches")"
for b in "$result"/batches/*; do
  [ -f "$b/timings.sqlite" ] || fail "$b has no timings.sqlite"
done
[ "$(for b in "$result"/batches/*; do sql "$b/timings.sqlite" 'SELECT count(*) FROM compiles'; done | paste -sd+ | bc)" = 7 ] ||
  fail "the batches' databases should hold 7 compiles between them"

pass "demo planned into 3 batches, built with nix-build, programs and timings correct ($(plan_elapsed))"
