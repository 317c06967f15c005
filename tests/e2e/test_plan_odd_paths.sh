#!/usr/bin/env bash
# Paths that break naive quoting, all the way through CMake, the planner, Nix and the batch builder:
# the project, build and plan directories contain spaces, '"', "${" and a non-ASCII letter; a source is named
# `weird "na${me} é.cpp` (space, double quote, "${", non-ASCII); it includes a header named
# `hdr "q" ${x} $y é.h` from an include directory with a space. Configured, planned, nix-built, run;
# then re-planned from the build's own timings without any change (the odd names must round-trip through
# the depfile and the database, or the re-plan rescans and the derivations move; the names hold no
# single quote, so they sit in SQL literals as they are).
#
# CMake limitation: a literal "${" in a source path given to add_executable/target_sources is a hard
# error even in a bracket argument ("Legacy variable expansion in source file ... expanded to ...").
# A generator expression passes the name through unexpanded, so the file is added as $<1:...>.
source "$NIXCC_REPO/tests/e2e/lib.sh"
source "$NIXCC_REPO/tests/e2e/plan_common.sh"

top="$SCRATCH/odd \"dir\" \${x} é"
src="$top/my demo" build="$top/build dir" plan="$top/plan dir" result="$top/result"
plan_copy_demo "$src"
weird='weird "na${me} é.cpp'
hdr='hdr "q" ${x} $y é.h'
mkdir -p "$src/apps/inc dir"
printf '#pragma once\n#define ODD_WORD "weird-header"\n' >"$src/apps/inc dir/$hdr"
cat >"$src/apps/$weird" <<'EOF'
#include <iostream>
#include <hdr "q" ${x} $y é.h>

#include "demo/core.h"

int main() {
  std::cout << ODD_WORD << " " << demo::upper("ok") << "\n";
  return 0;
}
EOF
cat >>"$src/CMakeLists.txt" <<'EOF'

# test_plan_odd_paths: a source and a header with a space, '"', "${" and a non-ASCII letter.
add_executable(odd)
target_sources(odd PRIVATE [=[$<1:apps/weird "na${me} é.cpp>]=])
target_include_directories(odd PRIVATE "apps/inc dir")
target_link_libraries(odd PRIVATE core)
EOF

plan_configure "$src" "$build"
plan_run "$plan" "$build" --batches 3
grep -q '8 translation units in 3 batches' "$PLAN_LOG" || { cat "$PLAN_LOG"; fail "expected 8 units in 3 batches"; }
as_user nix-instantiate --parse "$plan/default.nix" >/dev/null || fail "default.nix with odd paths does not parse"
jq --arg s "s/apps/$weird" '[.units[] | select(.source == $s)] | length == 1' "$plan"/batches/*.json | grep -q true ||
  fail "no manifest lists the source s/apps/$weird"

plan_nixbuild "$plan" "$result"
out=$("$result/bin/odd") || fail "the odd program failed"
[ "$out" = "weird-header OK" ] || fail "the odd program printed '$out'"
[ "$("$result/bin/greet")" = "[ HELLO FROM NIXCC ] v1.4.2" ] || fail "greet output is wrong"
db="$result/timings.sqlite"
[ "$(sql "$db" "SELECT count(*) FROM compiles WHERE source_root = 'source' AND source = 'apps/$weird'")" = 1 ] ||
  fail "timings should record apps/$weird once: $(sql "$db" 'SELECT source FROM compiles')"
[ "$(sql "$db" "SELECT count(*) FROM headers WHERE root = 'source' AND path = 'apps/inc dir/$hdr'")" = 1 ] ||
  fail "timings should record the header apps/inc dir/$hdr: $(sql "$db" "SELECT path FROM headers WHERE path LIKE 'apps/%'")"

# Nothing changed: the re-plan takes every header list from the database and moves no derivation.
plan_drvs "$plan" >"$SCRATCH/drvs.before"
plan_run "$plan" "$build" --previous "$result" --timings "$db"
grep -q 'header lists: 8 from timing databases, 0 scanned' "$PLAN_LOG" ||
  { cat "$PLAN_LOG"; fail "the odd names did not round-trip through the timing database"; }
plan_drvs "$plan" >"$SCRATCH/drvs.after"
diff -u "$SCRATCH/drvs.before" "$SCRATCH/drvs.after" || fail "re-planning unchanged odd sources changed derivations"

# The odd header edited: only the batch holding the odd unit changes.
odd_batch=$(plan_batch_of "$plan" "/s/apps/$weird")
printf '// edited\n' >>"$src/apps/inc dir/$hdr"
plan_run "$plan" "$build" --previous "$result" --timings "$db"
plan_drvs "$plan" >"$SCRATCH/drvs.edited"
changed=$(LC_ALL=C join "$SCRATCH/drvs.before" "$SCRATCH/drvs.edited" | awk '$2 != $3 && $1 ~ /^batches\./ { sub(/^batches\./, "", $1); print $1 }')
[ "$changed" = "$odd_batch" ] || fail "editing the odd header should change batch $odd_batch only, changed: [$changed]"

pass "spaces, quotes, \${ and non-ASCII in paths survive planning and nix-build ($(plan_elapsed))"
