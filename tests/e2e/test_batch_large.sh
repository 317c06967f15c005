#!/usr/bin/env bash
# 200 one-line translation units with real g++ on 2 jobs: exit 0, 200 progress lines, 200 rows in the
# timing database (none reused, all on worker 0 or 1), 200 objects each defining its function.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/batch_common.sh"
command -v g++ >/dev/null || fail "g++ is not installed"
command -v nm >/dev/null || fail "nm is not installed"

N=200
root="$SCRATCH/tree"
mkdir -p "$root/units"
sources=()
for ((i = 1; i <= N; i++)); do
  echo "int unit_$i(int x) { return x + $i; }" >"$root/units/u$i.cpp"
  sources+=("units/u$i.cpp")
done
batch_write_manifest "$SCRATCH/manifest.json" large g++ tree '["-O0"]' "${sources[@]}"
out="$SCRATCH/out"
"$NIXCC" batch "$SCRATCH/manifest.json" --out "$out" --jobs 2 >"$SCRATCH/log" 2>&1 || { cat "$SCRATCH/log"; fail "nixcc batch failed"; }

db="$out/timings.sqlite"
[[ $(sql "$db" "SELECT count(*) FROM compiles") == "$N" ]] || fail "expected $N rows, got $(sql "$db" "SELECT count(*) FROM compiles")"
[[ $(sql "$db" "SELECT count(DISTINCT source) FROM compiles WHERE exit_status = 0 AND reused = 0 AND worker IN (0, 1)") == "$N" ]] ||
  fail "not every unit has one successful, fresh compile on worker 0 or 1"
[[ $(sql "$db" "SELECT count(*) FROM builds WHERE jobs = 2 AND finished_at >= started_at") == 1 ]] || fail "builds row wrong: $(sql "$db" "SELECT * FROM builds")"
[[ $(find "$out" -type f -name '*.o' | wc -l) == "$N" ]] || fail "expected $N objects"
for i in 1 77 200; do
  nm -C "$out/units/u$i.cpp.o" | grep -q " T unit_$i(int)\$" || fail "units/u$i.cpp.o does not define unit_$i"
done
[[ $(batch_progress_lines "$SCRATCH/log" | wc -l) == "$N" ]] || fail "expected $N progress lines"
# Progress counts 1..N, each once.
[[ $(batch_progress_lines "$SCRATCH/log" | sed -E 's/^\[[^ ]+ ([0-9]+)\/200\].*/\1/' | sort -n | uniq | tr '\n' ' ') == "$(seq -s ' ' 1 $N) " ]] ||
  fail "progress counters are not 1..$N"
grep -Eq "^nixcc batch: large: $N units, $N compiled, 0 reused, [0-9.]+s on 2 jobs\$" "$SCRATCH/log" || fail "no summary line"
pass "$N units on 2 jobs: $N rows, $N objects"
