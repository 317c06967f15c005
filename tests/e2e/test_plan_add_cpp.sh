#!/usr/bin/env bash
# A .cpp added to the core library (CMakeLists edited, project re-configured), then re-planned into the
# same plan directory: the partition is carried forward. No batch is renamed, added or dropped; the new
# unit joins exactly one batch; no other batch changes its member list, nor its derivation. The build
# works and the archive holds the new object. Removing it again restores the first membership.
source "$NIXCC_REPO/tests/e2e/lib.sh"
source "$NIXCC_REPO/tests/e2e/plan_common.sh"

src="$SCRATCH/demo" build="$SCRATCH/build" plan="$SCRATCH/plan"
plan_copy_demo "$src"
plan_configure "$src" "$build"
plan_run "$plan" "$build" --batches 3
plan_nixbuild "$plan" "$SCRATCH/result1"
plan_members "$plan" >"$SCRATCH/members.before"
plan_drvs "$plan" >"$SCRATCH/drvs.before"

cat >"$src/core/src/extra.cpp" <<'EOF'
#include "demo/core.h"

namespace demo {
int extra_answer() { return static_cast<int>(upper("x").size()) + 41; }
}  // namespace demo
EOF
sed -i 's|src/numbers.cpp)|src/numbers.cpp src/extra.cpp)|' "$src/core/CMakeLists.txt"
grep -q 'src/extra.cpp' "$src/core/CMakeLists.txt" || fail "could not add extra.cpp to core/CMakeLists.txt"
plan_configure "$src" "$build"
plan_run "$plan" "$build" --previous "$SCRATCH/result1" --timings "$SCRATCH/result1/timings.sqlite"
grep -q '8 translation units in 3 batches (carried forward' "$PLAN_LOG" ||
  { cat "$PLAN_LOG"; fail "re-plan should carry 3 batches forward with 8 units"; }
plan_members "$plan" >"$SCRATCH/members.after"
plan_drvs "$plan" >"$SCRATCH/drvs.after"

new_key="core/s/core/src/extra.cpp"
[ "$(cut -d' ' -f1 "$SCRATCH/members.before")" = "$(cut -d' ' -f1 "$SCRATCH/members.after")" ] ||
  fail "batch names changed: [$(cut -d' ' -f1 "$SCRATCH/members.before" | tr '\n' ' ')] -> [$(cut -d' ' -f1 "$SCRATCH/members.after" | tr '\n' ' ')]"
home=$(plan_batch_of "$plan" "$new_key")
changed_lists=0
while read -r name units; do
  after=$(awk -v n="$name" '$1 == n { print $2 }' "$SCRATCH/members.after")
  without_new=$(tr ',' '\n' <<<"$after" | grep -vxF "$new_key" | paste -sd,)
  [ "$without_new" = "$units" ] || fail "batch $name lost or gained old units: [$units] -> [$after]"
  [ "$after" != "$units" ] && changed_lists=$((changed_lists + 1))
  drv_before=$(awk -v a="batches.$name" '$1 == a { print $2 }' "$SCRATCH/drvs.before")
  drv_after=$(awk -v a="batches.$name" '$1 == a { print $2 }' "$SCRATCH/drvs.after")
  if [ "$name" = "$home" ]; then
    [ "$drv_before" != "$drv_after" ] || fail "batch $name gained $new_key but kept its derivation"
  else
    [ "$drv_before" = "$drv_after" ] || fail "batch $name did not change, yet its derivation did: $drv_before -> $drv_after"
  fi
done <"$SCRATCH/members.before"
[ "$changed_lists" = 1 ] || fail "exactly one batch should change its member list, $changed_lists did"
# greet and stats are not in the new unit's batch unless it holds their objects; core always changes.
[ "$(awk '$1 == "targets.core" { print $2 }' "$SCRATCH/drvs.before")" != "$(awk '$1 == "targets.core" { print $2 }' "$SCRATCH/drvs.after")" ] ||
  fail "targets.core should change: it gained an object"

plan_nixbuild "$plan" "$SCRATCH/result2"
ar t "$SCRATCH/result2/lib/libcore.a" | grep -qx 'extra.cpp.o' || fail "libcore.a lacks extra.cpp.o: $(ar t "$SCRATCH/result2/lib/libcore.a" | tr '\n' ' ')"
nm -C "$SCRATCH/result2/lib/libcore.a" | grep -q 'demo::extra_answer' || fail "libcore.a does not define demo::extra_answer"
[ "$("$SCRATCH/result2/bin/greet")" = "[ HELLO FROM NIXCC ] v1.4.2" ] || fail "greet output changed"
[ "$("$SCRATCH/result2/bin/stats")" = "primes below 50: 15, sum 328" ] || fail "stats output changed"
[ "$(sql "$SCRATCH/result2/timings.sqlite" 'SELECT count(*) FROM compiles')" = 8 ] || fail "the merged timings should hold 8 compiles"
db="$SCRATCH/result2/batches/$home/timings.sqlite"
[ "$(sql "$db" 'SELECT source_root, source FROM compiles WHERE reused = 0')" = "source|core/src/extra.cpp" ] ||
  fail "batch $home should compile only the new unit: $(sql "$db" 'SELECT source, reused FROM compiles')"

# Removed again: every batch is back to its first member list (the new unit simply leaves its batch).
rm "$src/core/src/extra.cpp"
sed -i 's| src/extra.cpp)|)|' "$src/core/CMakeLists.txt"
plan_configure "$src" "$build"
plan_run "$plan" "$build" --previous "$SCRATCH/result2" --timings "$SCRATCH/result2/timings.sqlite"
grep -q '7 translation units in 3 batches (carried forward' "$PLAN_LOG" || { cat "$PLAN_LOG"; fail "re-plan after removal should carry forward"; }
diff -u "$SCRATCH/members.before" <(plan_members "$plan") || fail "after removing the added unit, membership should be as at first"
[ ! -e "$plan/batches/$home.json" ] || ! grep -q 'extra.cpp' "$plan/batches/$home.json" || fail "the manifest of $home still lists extra.cpp"
[ "$(grep -c '^batches\.' <(plan_drvs "$plan"))" = 3 ] || fail "removal should leave 3 batches"

pass "added unit joined batch $home; no other batch changed membership or derivation ($(plan_elapsed))"
