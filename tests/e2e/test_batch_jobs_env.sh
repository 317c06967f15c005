#!/usr/bin/env bash
# How many jobs a batch runs when --jobs is not given: NIX_BUILD_CORES (1 -> 1, 0 -> every core),
# else every core; --jobs wins over NIX_BUILD_CORES; a NIX_BUILD_CORES that is not a number is an error.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/batch_common.sh"

root="$SCRATCH/tree"
mkdir -p "$root/src"
units=()
for i in 1 2 3 4; do
  echo "int f$i() { return $i; }" >"$root/src/u$i.cpp"
  units+=("src/u$i.cpp")
done
batch_make_standin "$SCRATCH/cc" 0.2
batch_write_manifest "$SCRATCH/manifest.json" jobs "$SCRATCH/cc" tree '[]' "${units[@]}"
cores=$(nproc)

# jobs_of LABEL [ENV...] -- [ARGS...]: runs a batch into $SCRATCH/out$n and prints builds.jobs
# (called in $(...), so the caller advances n).
n=0
jobs_of() {
  local label=$1 out="$SCRATCH/out$n"
  shift
  local env=()
  while [[ $1 != -- ]]; do env+=("$1"); shift; done
  shift
  env -u NIX_BUILD_CORES "${env[@]}" "$NIXCC" batch "$SCRATCH/manifest.json" --out "$out" "$@" >"$SCRATCH/log" 2>&1 ||
    { cat "$SCRATCH/log" >&2; fail "$label: nixcc batch failed"; }
  sql "$out/timings.sqlite" "SELECT jobs FROM builds"
}

n=$((n + 1))
j=$(jobs_of "NIX_BUILD_CORES=1" NIX_BUILD_CORES=1 --)
[[ $j == 1 ]] || fail "NIX_BUILD_CORES=1: builds.jobs = $j"
workers=$(sql "$SCRATCH/out$n/timings.sqlite" "SELECT group_concat(DISTINCT worker) FROM compiles")
[[ $workers == 0 ]] || fail "NIX_BUILD_CORES=1: workers used: $workers"
grep -Eq '^nixcc batch: jobs: 4 units, 4 compiled, 0 reused, [0-9.]+s on 1 job$' "$SCRATCH/log" || fail "NIX_BUILD_CORES=1: summary: $(cat "$SCRATCH/log")"

n=$((n + 1))
j=$(jobs_of "NIX_BUILD_CORES=0" NIX_BUILD_CORES=0 --)
[[ $j == "$cores" ]] || fail "NIX_BUILD_CORES=0: builds.jobs = $j, nproc = $cores"

n=$((n + 1))
j=$(jobs_of "no NIX_BUILD_CORES" --)
[[ $j == "$cores" ]] || fail "without NIX_BUILD_CORES: builds.jobs = $j, nproc = $cores"

n=$((n + 1))
j=$(jobs_of "NIX_BUILD_CORES=3 --jobs 2" NIX_BUILD_CORES=3 -- --jobs 2)
[[ $j == 2 ]] || fail "--jobs 2 with NIX_BUILD_CORES=3: builds.jobs = $j"

n=$((n + 1))
j=$(jobs_of "NIX_BUILD_CORES=1 --jobs 0" NIX_BUILD_CORES=1 -- --jobs 0)
[[ $j == "$cores" ]] || fail "--jobs 0: builds.jobs = $j, nproc = $cores"

status=0
NIX_BUILD_CORES=lots "$NIXCC" batch "$SCRATCH/manifest.json" --out "$SCRATCH/bad" >"$SCRATCH/log" 2>"$SCRATCH/err" || status=$?
[[ $status != 0 ]] || fail "NIX_BUILD_CORES=lots was accepted"
grep -q 'NIX_BUILD_CORES' "$SCRATCH/err" || fail "NIX_BUILD_CORES=lots: the error does not name NIX_BUILD_CORES: $(cat "$SCRATCH/err")"
[[ ! -e $SCRATCH/bad ]] || fail "NIX_BUILD_CORES=lots: an output directory was created"
pass "NIX_BUILD_CORES=1 -> 1 job, =0 -> $cores, unset -> $cores, --jobs wins, bad value rejected"
