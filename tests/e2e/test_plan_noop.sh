#!/usr/bin/env bash
# Nothing changed, nothing builds: a second nix-build of the same plan builds no derivation, and
# re-planning with --previous RESULT --timings RESULT/timings.sqlite (header lists and costs from the
# build's own database) gives every batch and every target exactly the derivation it had.
source "$NIXCC_REPO/tests/e2e/lib.sh"
source "$NIXCC_REPO/tests/e2e/plan_common.sh"

src="$SCRATCH/demo" build="$SCRATCH/build" plan="$SCRATCH/plan" result="$SCRATCH/result"
plan_copy_demo "$src"
plan_configure "$src" "$build"
plan_run "$plan" "$build" --batches 3
plan_drvs "$plan" >"$SCRATCH/drvs.before"
[ "$(grep -c '^batches\.' "$SCRATCH/drvs.before")" = 3 ] || fail "expected 3 batches: $(cat "$SCRATCH/drvs.before")"
[ "$(grep -c '^targets\.' "$SCRATCH/drvs.before")" = 4 ] || fail "expected 4 targets: $(cat "$SCRATCH/drvs.before")"
[ "$(plan_dry_run_count "$plan")" = 9 ] || { cat "$SCRATCH/dry-run.log"; fail "a fresh plan should have 9 derivations to build"; }

plan_nixbuild "$plan" "$result"
[ "$NIX_BUILT" = 9 ] || { cat "$NIX_LOG"; fail "first build: expected 9 derivations built, got $NIX_BUILT"; }
first=$(readlink "$result")

# The same plan again.
[ "$(plan_dry_run_count "$plan")" = 0 ] || { cat "$SCRATCH/dry-run.log"; fail "dry run after a build should have nothing to build"; }
plan_nixbuild "$plan" "$result"
[ "$NIX_BUILT" = 0 ] || { cat "$NIX_LOG"; fail "second nix-build of the same plan built $NIX_BUILT derivations"; }
grep -q 'will be built' "$NIX_LOG" && { cat "$NIX_LOG"; fail "second nix-build announced derivations to build"; }
[ "$(readlink "$result")" = "$first" ] || fail "the result changed on a no-op build"

# Re-plan: same sources, with the previous result and its timings.
cp "$plan/nixcc-plan-state.json" "$SCRATCH/state.before"
plan_run "$plan" "$build" --previous "$result" --timings "$result/timings.sqlite"
grep -q 'carried forward from the previous plan; 3 unchanged' "$PLAN_LOG" ||
  { cat "$PLAN_LOG"; fail "re-plan should carry 3 unchanged batches forward"; }
grep -q 'header lists: 7 from timing databases, 0 scanned' "$PLAN_LOG" ||
  { cat "$PLAN_LOG"; fail "re-plan should take every header list from the build's timings (the input hashes must agree)"; }
grep -q 'costs: 7 measured' "$PLAN_LOG" || { cat "$PLAN_LOG"; fail "re-plan should take every cost from the build's timings"; }
plan_drvs "$plan" >"$SCRATCH/drvs.after"
diff -u "$SCRATCH/drvs.before" "$SCRATCH/drvs.after" >"$SCRATCH/drvs.diff" ||
  { cat "$SCRATCH/drvs.diff"; fail "re-planning unchanged sources changed derivations"; }
cmp -s <(jq -S '.batches | map_values(.units)' "$SCRATCH/state.before") <(jq -S '.batches | map_values(.units)' "$plan/nixcc-plan-state.json") ||
  fail "re-planning changed batch membership"
[ "$(plan_dry_run_count "$plan")" = 0 ] || { cat "$SCRATCH/dry-run.log"; fail "re-planned dry run should have nothing to build"; }
plan_nixbuild "$plan" "$result"
[ "$NIX_BUILT" = 0 ] || { cat "$NIX_LOG"; fail "nix-build of the re-planned, unchanged project built $NIX_BUILT derivations"; }
[ "$(readlink "$result")" = "$first" ] || fail "the result changed after re-planning unchanged sources"

# Re-planning a third time, with relative paths from another working directory, is still a no-op.
(cd "$SCRATCH" && nixcc-plan ./build/ -o plan --previous result --timings result/timings.sqlite >"$PLAN_LOG" 2>&1) ||
  { cat "$PLAN_LOG"; fail "re-plan with relative paths failed"; }
plan_drvs "$plan" >"$SCRATCH/drvs.third"
diff -u "$SCRATCH/drvs.before" "$SCRATCH/drvs.third" || fail "a third plan of unchanged sources changed derivations"

# Files no translation unit reads: a new file in the source tree, a comment in a CMakeLists.txt (which
# makes the File API reply stale, so nixcc-plan re-runs cmake), a stray file in the build tree. No
# batch reads them, so no derivation moves.
printf 'notes\n' >"$src/NOTES.txt"
printf '# a comment\n' >>"$src/apps/stats/CMakeLists.txt"
printf 'stray\n' >"$build/generated/demo/stray.h"
plan_run "$plan" "$build" --previous "$result" --timings "$result/timings.sqlite"
grep -q "older than $src/apps/stats/CMakeLists.txt; ran " "$PLAN_LOG" || { cat "$PLAN_LOG"; fail "nixcc-plan should re-run cmake after a CMakeLists.txt edit"; }
plan_drvs "$plan" >"$SCRATCH/drvs.unrelated"
diff -u "$SCRATCH/drvs.before" "$SCRATCH/drvs.unrelated" || fail "files no unit reads changed derivations"

# A manifest edited by hand no longer matches the hash the state recorded: the planner writes it
# afresh (only that batch's derivation may move) instead of handing Nix the edited file.
printf '{"edited": true}\n' >"$plan/batches/b0.json"
plan_run "$plan" "$build" --previous "$result" --timings "$result/timings.sqlite"
grep -q '2 unchanged' "$PLAN_LOG" || { cat "$PLAN_LOG"; fail "an edited manifest should count its batch as changed"; }
jq -e '.format == "nixcc-batch-manifest" and (.units | length) > 0' "$plan/batches/b0.json" >/dev/null ||
  fail "the edited manifest was not rewritten: $(cat "$plan/batches/b0.json")"
grep -v '^batches\.b0 ' "$SCRATCH/drvs.before" >"$SCRATCH/drvs.others"
plan_drvs "$plan" | grep -v '^batches\.b0 ' | grep -v '^targets\.' | grep -v '^timings ' | grep -v '^default ' >"$SCRATCH/drvs.rewritten" || true
grep -v '^targets\.' "$SCRATCH/drvs.others" | grep -v '^timings ' | grep -v '^default ' | diff -u - "$SCRATCH/drvs.rewritten" ||
  fail "rewriting one manifest moved other batches"
[ "$(plan_dry_run_count "$plan")" -ge 1 ] || fail "a rewritten manifest with new costs should be a new derivation"

pass "no-op build and no-op re-plan leave every derivation unchanged ($(plan_elapsed))"
