#!/usr/bin/env bash
# Planning from compile_commands.json alone (--compile-commands): no link information, so the planner
# says it builds objects only; nix-build gives batches/ with every object and a merged timings.sqlite.
source "$NIXCC_REPO/tests/e2e/lib.sh"
source "$NIXCC_REPO/tests/e2e/plan_common.sh"

src="$SCRATCH/demo" build="$SCRATCH/build" plan="$SCRATCH/plan" result="$SCRATCH/result"
plan_copy_demo "$src"
plan_configure "$src" "$build" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
[ -f "$build/compile_commands.json" ] || fail "cmake wrote no compile_commands.json"
[ "$(jq length "$build/compile_commands.json")" = 7 ] || fail "compile_commands.json should hold 7 entries"

if ! nixcc-plan --compile-commands "$build/compile_commands.json" -o "$plan" --batches 3 >"$PLAN_LOG" 2>&1; then
  cat "$PLAN_LOG"
  fail "nixcc-plan --compile-commands failed"
fi
cat "$PLAN_LOG"
grep -q 'builds objects only' "$PLAN_LOG" || fail "the planner should say compile_commands.json input builds objects only"
grep -q '7 translation units in 3 batches' "$PLAN_LOG" || fail "expected 7 units in 3 batches"
grep -q '0 targets' "$PLAN_LOG" || fail "compile_commands.json input has no link targets"

plan_nixbuild "$plan" "$result"
[ "$NIX_BUILT" = 5 ] || { cat "$NIX_LOG"; fail "expected 3 batches + timings + result = 5 derivations, built $NIX_BUILT"; }
[ ! -e "$result/bin" ] && [ ! -e "$result/lib" ] || fail "an objects-only result should have no bin/ or lib/"
[ "$(ls "$result/batches" | wc -l)" = 3 ] || fail "result/batches should hold 3 batches"
find -L "$result/batches" -name '*.o' | LC_ALL=C sort >"$SCRATCH/objects"
[ "$(wc -l <"$SCRATCH/objects")" = 7 ] || { cat "$SCRATCH/objects"; fail "expected 7 objects under result/batches"; }
# Both util.cpp, as distinct objects; each object a real relocatable ELF file.
[ "$(grep -c '/util\.cpp\.o$' "$SCRATCH/objects")" = 2 ] || fail "the two util.cpp should give two objects"
while read -r object; do
  [ "$(head -c 4 "$object" | od -An -c | tr -d ' ')" = '177ELF' ] || fail "$object is not an ELF object"
done <"$SCRATCH/objects"
main_object=$(grep 'apps/stats/main\.cpp\.o$' "$SCRATCH/objects") || fail "no object for apps/stats/main.cpp"
nm "$main_object" | grep -qw 'T main' || fail "$main_object does not define main"

db="$result/timings.sqlite"
[ "$(sql "$db" 'SELECT count(*) FROM compiles')" = 7 ] || fail "expected 7 compile rows: $(sql "$db" 'SELECT source FROM compiles')"
[ "$(sql "$db" 'SELECT count(*) FROM compiles WHERE exit_status = 0 AND input_hash <> ""')" = 7 ] ||
  fail "every compile should succeed and record its input hash"

# The objects link into the program CMake would make (greet: main, render, core).
objs=()
for pat in apps/greet/main render/src/banner render/src/util core/src/text core/src/util core/src/numbers; do
  objs+=("$(grep "/$pat\.cpp\.o$" "$SCRATCH/objects")")
done
c++ "${objs[@]}" -o "$SCRATCH/greet" || fail "the objects do not link"
[ "$("$SCRATCH/greet")" = "[ HELLO FROM NIXCC ] v1.4.2" ] || fail "greet linked from the objects printed '$("$SCRATCH/greet")'"

pass "compile_commands.json planned and built as objects only ($(plan_elapsed))"
