#!/usr/bin/env bash
# Balance: a synthetic project of 40 library units whose sizes grow with their number (so a split by
# position would be badly lopsided) plus an executable, planned into 4 batches with --metrics. The
# slowest batch's expected time is within 15% of the mean, by metrics.json and by the costs in the
# manifests themselves; every unit is in exactly one batch. Planning only, no nix-build.
source "$NIXCC_REPO/tests/e2e/lib.sh"
source "$NIXCC_REPO/tests/e2e/plan_common.sh"

src="$SCRATCH/synth" build="$SCRATCH/build" plan="$SCRATCH/plan"
mkdir -p "$src/lib" "$src/include" "$src/app"
cat >"$src/include/synth.h" <<'H'
#pragma once
int synth_total();
H
entries=""
for ((i = 0; i < 40; i++)); do
  name=$(printf 'tu_%02d' "$i")
  {
    echo '#include "synth.h"'
    # Every fifth unit also reads a few standard headers (a longer header list, a higher modelled cost).
    if ((i % 5 == 4)); then printf '#include <%s>\n' map string vector algorithm; fi
    # 2 + 3i small functions: from ~0.3 KB to ~15 KB of source.
    awk -v n="$((2 + 3 * i))" -v f="$name" 'BEGIN {
      for (j = 0; j < n; j++)
        printf "static int %s_f%d(int x) { int s = 0; for (int i = 0; i < x; ++i) s += (i * %d) ^ (x + %d); return s; }\n", f, j, j, j
      printf "int %s_entry() {\n  int s = 0;\n", f
      for (j = 0; j < n; j++) printf "  s += %s_f%d(%d);\n", f, j, j + 3
      printf "  return s;\n}\n"
    }'
  } >"$src/lib/$name.cpp"
  entries+="int ${name}_entry();"$'\n'
done
{
  echo '#include "synth.h"'
  printf '%s' "$entries"
  echo 'int synth_total() { return 0'
  for ((i = 0; i < 40; i++)); do printf ' + tu_%02d_entry()' "$i"; done
  echo '; }'
} >"$src/lib/total.cpp"
printf '#include <cstdio>\n#include "synth.h"\nint main() { std::printf("%%d\\n", synth_total()); }\n' >"$src/app/main.cpp"
cat >"$src/CMakeLists.txt" <<'C'
cmake_minimum_required(VERSION 3.20)
project(synth LANGUAGES CXX)
file(GLOB units CONFIGURE_DEPENDS lib/tu_*.cpp)
add_library(synth STATIC ${units})
target_include_directories(synth PUBLIC include)
add_executable(app app/main.cpp lib/total.cpp)
target_link_libraries(app PRIVATE synth)
C
plan_configure "$src" "$build"
plan_run "$plan" "$build" --batches 4 --metrics
cat "$PLAN_LOG"
m="$plan/metrics.json"
[ -f "$m" ] || fail "--metrics wrote no metrics.json"
[ "$(jq .translation_units "$m")" = 42 ] || fail "expected 42 translation units, metrics says $(jq .translation_units "$m")"
[ "$(jq .batches "$m")" = 4 ] || fail "expected 4 batches, metrics says $(jq .batches "$m")"
[ "$(jq '.expected_seconds | length' "$m")" = 4 ] || fail "metrics.json should list 4 batches' expected seconds"
ratio=$(jq .slowest_over_mean "$m")
awk -v r="$ratio" 'BEGIN { exit !(r >= 1 && r <= 1.15) }' || fail "slowest_over_mean is $ratio, want <= 1.15 (expected: $(jq -c .expected_seconds "$m"))"
# The costs are not uniform (else balance would be trivial): the dearest unit costs at least twice the cheapest.
jq -s '[.[].units[].cost] | (max / min) >= 2' "$plan"/batches/*.json | grep -qx true ||
  fail "the synthetic units' modelled costs are too uniform to test balance: $(jq -s -c '[.[].units[].cost]' "$plan"/batches/*.json)"
# Recomputed from the manifests: each batch's cost sum, slowest over mean, and agreement with metrics.json.
jq -s '[.[] | [.units[].cost] | add] | (max / (add / length))' "$plan"/batches/*.json >"$SCRATCH/ratio"
awk -v r="$(cat "$SCRATCH/ratio")" -v m="$ratio" 'BEGIN { exit !(r <= 1.15 && (r - m < 0.01) && (m - r < 0.01)) }' ||
  fail "manifest costs give slowest/mean $(cat "$SCRATCH/ratio"), metrics.json says $ratio"
total=$(jq '.expected_total_seconds' "$m")
sum=$(jq '[.expected_seconds[]] | add' "$m")
awk -v a="$total" -v b="$sum" 'BEGIN { exit !((a - b) < 1e-6 && (b - a) < 1e-6) }' || fail "expected_total_seconds $total != sum of batches $sum"
# Every unit in exactly one batch.
[ "$(jq -r '.batches[].units[]' "$plan/nixcc-plan-state.json" | sort | uniq -d | wc -l)" = 0 ] || fail "a unit is in two batches"
[ "$(jq -r '.batches[].units[]' "$plan/nixcc-plan-state.json" | wc -l)" = 42 ] || fail "the batches should hold 42 units"

pass "40+2 units of varied cost in 4 batches, slowest/mean $ratio ($(plan_elapsed))"
