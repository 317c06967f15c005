#!/usr/bin/env bash
# An edited header: only the batches holding a translation unit that includes it get a new derivation
# (a batch's source is only the files its units read). Checked on a 3-batch plan (then built: the
# includers recompile, everything else is reused) and on a per-file plan, where exactly the includers'
# derivations must change. Then a configure_file output (demo/version.h) changes the same way.
source "$NIXCC_REPO/tests/e2e/lib.sh"
source "$NIXCC_REPO/tests/e2e/plan_common.sh"

src="$SCRATCH/demo" build="$SCRATCH/build" plan="$SCRATCH/plan" per_file="$SCRATCH/plan-per-file"
header="render/include/demo/render.h"
plan_copy_demo "$src"
plan_configure "$src" "$build"
plan_run "$plan" "$build" --batches 3
plan_run "$per_file" "$build" --per-file
plan_nixbuild "$plan" "$SCRATCH/result1"
plan_drvs "$plan" >"$SCRATCH/drvs.before"
plan_drvs "$per_file" >"$SCRATCH/per-file.before"

# The includers, found in the sources themselves (not from the planner): source plan names s/...
includers=$(cd "$src" && grep -rl --include='*.cpp' '#include "demo/render.h"' . | sed 's|^\./|s/|' | LC_ALL=C sort)
[ "$(wc -l <<<"$includers")" = 3 ] || fail "expected 3 units including $header, found: $includers"
echo "units including $header: $(tr '\n' ' ' <<<"$includers")"

# batch -> does it hold an includer?
declare -A expect_changed=()
for key in $(jq -r '.batches | to_entries[] | .key as $b | .value.units[] | "\($b)=\(.)"' "$plan/nixcc-plan-state.json"); do
  b=${key%%=*} unit=${key#*=}
  grep -qxF "s/${unit#*/s/}" <<<"$includers" && expect_changed[$b]=1
done
echo "batches expected to change: ${!expect_changed[*]}"
[ "${#expect_changed[@]}" -ge 1 ] || fail "no batch holds an includer of $header"

printf '// an edit that changes nothing but the bytes\n' >>"$src/$header"
plan_run "$plan" "$build" --previous "$SCRATCH/result1" --timings "$SCRATCH/result1/timings.sqlite"
plan_run "$per_file" "$build" --per-file
plan_drvs "$plan" >"$SCRATCH/drvs.after"
plan_drvs "$per_file" >"$SCRATCH/per-file.after"

for b in $(jq -r '.batches | keys[]' "$plan/nixcc-plan-state.json"); do
  before=$(awk -v a="batches.$b" '$1 == a { print $2 }' "$SCRATCH/drvs.before")
  after=$(awk -v a="batches.$b" '$1 == a { print $2 }' "$SCRATCH/drvs.after")
  [ -n "$before" ] && [ -n "$after" ] || fail "batch $b is missing before or after the edit"
  if [ -n "${expect_changed[$b]:-}" ]; then
    [ "$before" != "$after" ] || fail "batch $b holds an includer of $header but kept its derivation"
  else
    [ "$before" = "$after" ] || fail "batch $b holds no includer of $header but got a new derivation: $before -> $after"
  fi
done

# Per-file: each batch is one unit, so exactly the includers' batches change.
per_file_changed=$(LC_ALL=C join <(grep '^batches\.' "$SCRATCH/per-file.before") <(grep '^batches\.' "$SCRATCH/per-file.after") |
  awk '$2 != $3 { print $1 }' | sed 's/^batches\.//' | LC_ALL=C sort)
[ "$(grep -c '^batches\.' "$SCRATCH/per-file.after")" = 7 ] || fail "the per-file plan should hold 7 batches"
want=""
for b in $(jq -r '.batches | keys[]' "$per_file/nixcc-plan-state.json"); do
  unit=$(jq -r --arg b "$b" '.batches[$b].units[0]' "$per_file/nixcc-plan-state.json")
  grep -qxF "s/${unit#*/s/}" <<<"$includers" && want+="$b"$'\n'
done
[ "$per_file_changed" = "$(printf '%s' "$want" | LC_ALL=C sort)" ] ||
  fail "per-file: changed batches [$(tr '\n' ' ' <<<"$per_file_changed")] should be the includers' [$(tr '\n' ' ' <<<"$want")]"

# Build the 3-batch plan: in each changed batch exactly the includers recompile.
plan_nixbuild "$plan" "$SCRATCH/result2"
[ "$("$SCRATCH/result2/bin/greet")" = "[ HELLO FROM NIXCC ] v1.4.2" ] || fail "greet output changed"
for b in "${!expect_changed[@]}"; do
  db="$SCRATCH/result2/batches/$b/timings.sqlite"
  # Recorded relative to the source directory, which is the plan's s/.
  fresh=$(sql "$db" "SELECT 's/' || source FROM compiles WHERE reused = 0 AND source_root = 'source'" | LC_ALL=C sort)
  want_fresh=$(jq -r --arg b "$b" '.batches[$b].units[] | "s/" + (split("/s/")[1:] | join("/s/"))' "$plan/nixcc-plan-state.json" |
    grep -xF -f <(printf '%s\n' "$includers") | LC_ALL=C sort)
  [ "$fresh" = "$want_fresh" ] || fail "batch $b recompiled [$fresh], expected exactly the includers [$want_fresh]"
  [ "$(sql "$db" 'SELECT count(*) FROM compiles WHERE reused = 0 OR reused = 1')" = \
    "$(jq -r --arg b "$b" '.batches[$b].units | length' "$plan/nixcc-plan-state.json")" ] || fail "batch $b lost compiles"
done

# A configure_file output (build directory) changes: the project version goes up, cmake re-runs, and
# only the batch holding the unit that includes demo/version.h changes; greet shows the new version.
drvs_before_version=$(plan_drvs "$plan")
version_includers=$(cd "$src" && grep -rl --include='*.cpp' '#include "demo/version.h"' . | sed 's|^\./|s/|')
[ "$version_includers" = "s/core/src/util.cpp" ] || fail "expected core/src/util.cpp to be the only includer of demo/version.h: $version_includers"
version_batch=$(plan_batch_of "$plan" "core/s/core/src/util.cpp")
sed -i 's/VERSION 1\.4\.2/VERSION 1.5.0/' "$src/CMakeLists.txt"
plan_configure "$src" "$build"
grep -q '"1.5.0"' "$build/generated/demo/version.h" || fail "configure did not regenerate version.h"
plan_run "$plan" "$build" --previous "$SCRATCH/result2" --timings "$SCRATCH/result2/timings.sqlite"
changed=$(LC_ALL=C join <(grep '^batches\.' <<<"$drvs_before_version") <(plan_drvs "$plan" | grep '^batches\.') |
  awk '$2 != $3 { sub(/^batches\./, "", $1); print $1 }')
[ "$changed" = "$version_batch" ] || fail "regenerating version.h should change batch $version_batch only, changed: [$changed]"
plan_nixbuild "$plan" "$SCRATCH/result3"
[ "$("$SCRATCH/result3/bin/greet")" = "[ HELLO FROM NIXCC ] v1.5.0" ] || fail "greet printed '$("$SCRATCH/result3/bin/greet")' after the version bump"
[ "$(sql "$SCRATCH/result3/batches/$version_batch/timings.sqlite" 'SELECT source_root, source FROM compiles WHERE reused = 0')" = "source|core/src/util.cpp" ] ||
  fail "only core/src/util.cpp should recompile after the version bump"

pass "header edit changed batches ${!expect_changed[*]} only (and exactly 3 per-file batches) ($(plan_elapsed))"
