#!/usr/bin/env bash
# `nixcc batch --jobs 2` over six units of a stand-in compiler that takes 0.5 s each: the timing
# database must show two compiles overlapping in time, never three, on exactly workers 0 and 1, and
# one worker never running two compiles at once.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/batch_common.sh"

tree="$SCRATCH/tree"
mkdir -p "$tree/src"
for i in 1 2 3 4 5 6; do echo "int f$i() { return $i; }" >"$tree/src/u$i.cpp"; done
standin="$SCRATCH/stand-in cc"
batch_make_standin "$standin" 0.5
manifest="$SCRATCH/manifest.json"
batch_write_manifest "$manifest" parallel "$standin" tree '["-O2", "-DX=1"]' \
  src/u1.cpp src/u2.cpp src/u3.cpp src/u4.cpp src/u5.cpp src/u6.cpp
out="$SCRATCH/out"

start=$(date +%s.%N)
"$NIXCC" batch "$manifest" --out "$out" --jobs 2 >"$SCRATCH/log" 2>&1 || { cat "$SCRATCH/log"; fail "nixcc batch failed"; }
elapsed=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
db="$out/timings.sqlite"
[[ -f $db ]] || fail "no $db"

for i in 1 2 3 4 5 6; do
  grep -qx "standin object for $tree/src/u$i.cpp" "$out/src/u$i.cpp.o" || fail "object of src/u$i.cpp missing or wrong"
done
[[ $(sql "$db" "SELECT count(*) FROM compiles WHERE exit_status = 0 AND reused = 0") == 6 ]] ||
  fail "expected 6 successful compiles: $(sql "$db" "SELECT source, exit_status, reused FROM compiles")"
[[ $(sql "$db" "SELECT jobs FROM builds") == 2 ]] || fail "builds.jobs is not 2"
short=$(sql "$db" "SELECT count(*) FROM compiles WHERE wall_s < 0.5 OR start_offset_s IS NULL OR start_offset_s < 0")
[[ $short == 0 ]] || fail "compiles with wall_s < 0.5 s or no start offset: $(sql "$db" "SELECT source, start_offset_s, wall_s FROM compiles")"

# The largest number of compiles running at any one moment is reached at some compile's start.
concurrency=$(sql "$db" "
  SELECT max(n) FROM (
    SELECT (SELECT count(*) FROM compiles j
            WHERE j.start_offset_s <= i.start_offset_s AND i.start_offset_s < j.start_offset_s + j.wall_s) AS n
    FROM compiles i)")
timeline=$(sql "$db" "SELECT source, worker, printf('%.3f', start_offset_s), printf('%.3f', start_offset_s + wall_s) FROM compiles ORDER BY start_offset_s")
[[ $concurrency == 2 ]] || fail "max concurrency $concurrency, expected 2; timeline:
$timeline"
workers=$(sql "$db" "SELECT group_concat(worker, ',') FROM (SELECT DISTINCT worker FROM compiles ORDER BY worker)")
[[ $workers == "0,1" ]] || fail "workers used: '$workers', expected 0,1; timeline:
$timeline"
clash=$(sql "$db" "
  SELECT count(*) FROM compiles i JOIN compiles j ON i.id < j.id AND i.worker = j.worker
  WHERE i.start_offset_s < j.start_offset_s + j.wall_s AND j.start_offset_s < i.start_offset_s + i.wall_s")
[[ $clash == 0 ]] || fail "$clash pairs of compiles overlap on one worker; timeline:
$timeline"

[[ $(batch_progress_lines "$SCRATCH/log" | wc -l) == 6 ]] || fail "expected 6 progress lines:
$(cat "$SCRATCH/log")"
grep -Eq '^nixcc batch: parallel: 6 units, 6 compiled, 0 reused, [0-9.]+s on 2 jobs$' "$SCRATCH/log" ||
  fail "no summary line:
$(cat "$SCRATCH/log")"
pass "6 units on 2 jobs in ${elapsed}s, max concurrency $concurrency, workers {$workers}"
