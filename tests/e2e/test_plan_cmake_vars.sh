#!/usr/bin/env bash
# The CMake cache variables the planner honours as defaults: CMAKE_NIX_BATCH_COMPILATION=OFF (one
# batch per file, named f-<hash>), CMAKE_NIX_BATCH_SIZE (units per batch), CMAKE_NIX_METRICS (write
# metrics.json); flags on the command line win over them. Planning only, no nix-build.
source "$NIXCC_REPO/tests/e2e/lib.sh"
source "$NIXCC_REPO/tests/e2e/plan_common.sh"

src="$SCRATCH/demo" build="$SCRATCH/build"
plan_copy_demo "$src"
batch_names() { jq -r '.batches | keys[]' "$1/nixcc-plan-state.json"; }
batch_count() { batch_names "$1" | wc -l; }

# Per file.
plan_configure "$src" "$build" -DCMAKE_NIX_BATCH_COMPILATION=OFF
plan_run "$SCRATCH/per-file" "$build"
grep -q 'one batch per file' "$PLAN_LOG" || { cat "$PLAN_LOG"; fail "CMAKE_NIX_BATCH_COMPILATION=OFF should plan one batch per file"; }
[ "$(batch_count "$SCRATCH/per-file")" = 7 ] || fail "expected 7 per-file batches: $(batch_names "$SCRATCH/per-file" | tr '\n' ' ')"
bad=$(batch_names "$SCRATCH/per-file" | grep -vE '^f-[0-9a-f]{12}$' || true)
[ -z "$bad" ] || fail "per-file batch names should be f-<12 hex digits>: $bad"
[ "$(jq -r .mode "$SCRATCH/per-file/nixcc-plan-state.json")" = per-file ] || fail "plan state mode should be per-file"
[ "$(ls "$SCRATCH/per-file/batches" | wc -l)" = 7 ] || fail "expected 7 manifests"
[ ! -e "$SCRATCH/per-file/metrics.json" ] || fail "metrics.json written without CMAKE_NIX_METRICS or --metrics"
# Names depend on the unit only: a second plan dir gives the same names.
plan_run "$SCRATCH/per-file-2" "$build"
[ "$(batch_names "$SCRATCH/per-file")" = "$(batch_names "$SCRATCH/per-file-2")" ] || fail "per-file names are not stable"
# A flag wins over the cache variable.
plan_run "$SCRATCH/per-file-flag" "$build" --batches 2
[ "$(batch_count "$SCRATCH/per-file-flag")" = 2 ] || fail "--batches 2 should win over CMAKE_NIX_BATCH_COMPILATION=OFF"

# Batch size: 7 units, 3 per batch -> 3 batches.
plan_configure "$src" "$build" -DCMAKE_NIX_BATCH_COMPILATION=ON -DCMAKE_NIX_BATCH_SIZE=3
plan_run "$SCRATCH/size3" "$build"
[ "$(batch_count "$SCRATCH/size3")" = 3 ] || fail "CMAKE_NIX_BATCH_SIZE=3 should give 3 batches: $(batch_names "$SCRATCH/size3" | tr '\n' ' ')"
[ "$(batch_names "$SCRATCH/size3" | tr '\n' ' ')" = "b0 b1 b2 " ] || fail "batches should be named b0 b1 b2"
plan_run "$SCRATCH/size3-flag" "$build" --batches 2
[ "$(batch_count "$SCRATCH/size3-flag")" = 2 ] || fail "--batches 2 should win over CMAKE_NIX_BATCH_SIZE=3"
# Re-planning the size-3 plan with --batches 2 repartitions (the batch count asked for changed).
plan_run "$SCRATCH/size3" "$build" --batches 2
[ "$(batch_count "$SCRATCH/size3")" = 2 ] || fail "re-planning with --batches 2 should give 2 batches"

# Metrics.
plan_configure "$src" "$build" -DCMAKE_NIX_METRICS=ON
plan_run "$SCRATCH/metrics" "$build"
[ -f "$SCRATCH/metrics/metrics.json" ] || fail "CMAKE_NIX_METRICS=ON should write metrics.json"
jq -e '.translation_units == 7 and .batches == 3 and (.slowest_over_mean >= 1) and (.phases | has("scan_s"))' \
  "$SCRATCH/metrics/metrics.json" >/dev/null || fail "metrics.json is incomplete: $(cat "$SCRATCH/metrics/metrics.json")"
grep -q 'slowest/mean' "$PLAN_LOG" || fail "CMAKE_NIX_METRICS=ON should also print the metrics table"

# A cache value that is not a number.
plan_configure "$src" "$build" -DCMAKE_NIX_BATCH_SIZE=lots -DCMAKE_NIX_METRICS=OFF
plan_expect_exit 1 "$SCRATCH/err.log" nixcc-plan "$build" -o "$SCRATCH/bad"
grep -q 'CMAKE_NIX_BATCH_SIZE=lots' "$SCRATCH/err.log" || { cat "$SCRATCH/err.log"; fail "the error should name CMAKE_NIX_BATCH_SIZE=lots"; }

pass "CMAKE_NIX_* cache variables honoured, flags win ($(plan_elapsed))"
