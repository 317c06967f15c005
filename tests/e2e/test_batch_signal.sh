#!/usr/bin/env bash
# SIGTERM and SIGINT during a batch: nixcc ends by that signal (exit status 128 + signal seen by the
# shell), within a few seconds no compiler process it started is left (neither the driver nor the
# process the driver itself runs, like gcc's cc1plus), and no complete output is left: a fresh DIR is
# gone, an earlier output DIR is put back unchanged -- also when the signal comes before any compiler
# started, while nixcc is still deciding what to reuse; and nixcc's scratch files in TMPDIR are gone.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/batch_common.sh"
command -v pgrep >/dev/null || fail "pgrep is not installed"
# nixcc's own scratch space (depfiles, captured output) goes under TMPDIR: it must be gone afterwards.
export TMPDIR="$SCRATCH/tmp"
mkdir -p "$TMPDIR"

# Every process of this test's stand-ins carries the marker on its command line.
marker="nixcc-batch-signal-$$-$RANDOM"
bin="$SCRATCH/$marker"
mkdir -p "$bin"
# The stand-in driver runs a "compiler proper" (a copy of sleep named after the marker) in the
# foreground and waits for it, the way gcc runs cc1plus. It sleeps far longer than the test runs, so
# a leftover is never missed because it happened to finish; cleanup kills any by pid.
cp "$(command -v sleep)" "$bin/cc1plus-$marker"
cat >"$bin/cc" <<EOF
#!/usr/bin/env bash
out=
while ((\$#)); do
  case \$1 in
    -o) out=\$2; shift 2 ;;
    -MF) shift 2 ;;
    *) shift ;;
  esac
done
"$bin/cc1plus-$marker" 300
echo object >"\$out"
EOF
chmod +x "$bin/cc"
batch_make_standin "$SCRATCH/fast-cc" 0

cleanup() {
  local pids
  pids=$(pgrep -f -- "$marker" || true)
  # Only processes carrying this test's unique marker, by pid.
  if [[ -n $pids ]]; then kill -KILL $pids 2>/dev/null || true; fi
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

root="$SCRATCH/tree"
mkdir -p "$root/src"
units=()
for i in 1 2 3 4; do
  echo "int f$i() { return $i; }" >"$root/src/u$i.cpp"
  units+=("src/u$i.cpp")
done
manifests="$SCRATCH/manifests"  # not under $bin: nixcc's own command line must not carry the marker
mkdir -p "$manifests"
batch_write_manifest "$manifests/slow.json" slow "$bin/cc" "$root" '["-O2"]' "${units[@]}"
batch_write_manifest "$manifests/fast.json" fast "$SCRATCH/fast-cc" "$root" '["-O2"]' "${units[@]}"

problems=()
# count PATTERN: processes whose command line contains PATTERN.
count() { pgrep -f -c -- "$1" || true; }
describe() { ps -o pid,ppid,etimes,args -p "$(pgrep -d, -f -- "$marker" || echo 1)" 2>/dev/null || true; }

# interrupt SIGNAL EXPECTED_STATUS OUT: starts the slow batch into OUT, signals nixcc once two
# compilers run, and checks how it ended.
interrupt() {
  local sig=$1 expected=$2 out=$3 log="$SCRATCH/log-$1"
  "$NIXCC" batch "$manifests/slow.json" --out "$out" --jobs 2 >"$log" 2>&1 &
  local pid=$! i
  for ((i = 0; i < 200; i++)); do
    [[ $(count "cc1plus-$marker 300") -ge 2 ]] && break
    sleep 0.05
  done
  [[ $(count "cc1plus-$marker 300") == 2 ]] || { kill -KILL "$pid"; fail "$sig: two compilers never ran at once:
$(describe)
$(cat "$log")"; }
  [[ $(count "$bin/cc ") == 2 ]] || fail "$sig: expected 2 stand-in drivers: $(describe)"
  local t0=$SECONDS status=0
  kill -s "$sig" "$pid"
  wait "$pid" || status=$?
  ((SECONDS - t0 <= 5)) || fail "$sig: nixcc took $((SECONDS - t0)) s to stop"
  [[ $status == "$expected" ]] || fail "$sig: nixcc exited with status $status, expected $expected:
$(cat "$log")"
  local deadline=$((SECONDS + 5))
  while ((SECONDS < deadline)) && [[ $(count "$marker") != 0 ]]; do sleep 0.1; done
  [[ $(count "$bin/cc ") == 0 ]] || fail "$sig: stand-in compiler drivers still run 5 s after nixcc ended:
$(describe)"
  if [[ $(count "cc1plus-$marker") != 0 ]]; then
    # Recorded, and the rest still checked; the test fails at the end.
    problems+=("$sig: the compilers' own children (like gcc's cc1plus) still run 5 s after nixcc ended: nixcc signals only the driver it started, not its process group:
$(describe)")
    local pids
    pids=$(pgrep -f -- "cc1plus-$marker" || true)
    if [[ -n $pids ]]; then kill -KILL $pids 2>/dev/null || true; fi
  fi
  leftovers=$(cd "$TMPDIR" && find . -mindepth 1 | LC_ALL=C sort)
  if [[ -n $leftovers ]]; then
    problems+=("$sig: nixcc left its scratch files in TMPDIR:
$leftovers")
    rm -rf "${TMPDIR:?}"/*
  fi
  grep -q "interrupted by signal" "$log" || fail "$sig: no 'interrupted by signal' message:
$(cat "$log")"
  [[ -z $(compgen -G "$out.nixcc-old-*" || true) ]] || fail "$sig: a set-aside copy of $out was left behind"
}

# SIGTERM, into a directory that did not exist: it must not exist afterwards.
out="$SCRATCH/out term"
interrupt TERM 143 "$out"
[[ ! -e $out/timings.sqlite ]] || fail "TERM: $out/timings.sqlite exists after the interrupted batch"
[[ ! -e $out ]] || fail "TERM: $out exists after the interrupted batch: $(find "$out")"

# SIGINT, over an earlier complete output: it comes back unchanged.
out="$SCRATCH/out int"
"$NIXCC" batch "$manifests/fast.json" --out "$out" --jobs 2 >"$SCRATCH/log-fast" 2>&1 || { cat "$SCRATCH/log-fast"; fail "fast batch failed"; }
before=$(cd "$out" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
interrupt INT 130 "$out"
after=$(cd "$out" 2>/dev/null && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
[[ $after == "$before" ]] || fail "INT: the earlier output was not restored unchanged:
before:
$before
after:
$after"

# SIGTERM before any compiler starts, while nixcc checks what it can reuse from the earlier output it
# is replacing (--previous = --out): the earlier output must come back all the same. A header replaced
# by a FIFO holds nixcc in that phase (opening it blocks) so the signal lands there deterministically.
dep_cc="$SCRATCH/dep-cc"
cat >"$dep_cc" <<'EOF'
#!/usr/bin/env bash
out= dep= src=
while (($#)); do
  case $1 in
    -o) out=$2; shift 2 ;;
    -MF) dep=$2; shift 2 ;;
    -*) shift ;;
    *) src=$1; shift ;;
  esac
done
echo "object of $src" >"$out"
printf '%s: %s %s\n' "$out" "$src" "$(dirname "$src")/h.h" >"$dep"
EOF
chmod +x "$dep_cc"
echo '#define H 1' >"$root/src/h.h"
batch_write_manifest "$manifests/dep.json" dep "$dep_cc" "$root" '[]' "${units[@]}"
out="$SCRATCH/out reuse"
"$NIXCC" batch "$manifests/dep.json" --out "$out" --jobs 2 >"$SCRATCH/log-dep" 2>&1 || { cat "$SCRATCH/log-dep"; fail "dep batch failed"; }
[[ $(sql "$out/timings.sqlite" "SELECT count(*) FROM headers WHERE path = 'src/h.h'") == 4 ]] ||
  fail "the stand-in's depfile was not recorded: $(sql "$out/timings.sqlite" "SELECT * FROM headers")"
before=$(cd "$out" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
rm "$root/src/h.h"
mkfifo "$root/src/h.h"
"$NIXCC" batch "$manifests/dep.json" --out "$out" --previous "$out" --jobs 2 >"$SCRATCH/log-reuse" 2>&1 &
pid=$!
blocked=0
for ((i = 0; i < 100; i++)); do
  if [[ $(cat "/proc/$pid/wchan" 2>/dev/null) == wait_for_partner ]]; then blocked=1; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05
done
if ((blocked)); then
  status=0
  kill -TERM "$pid"
  wait "$pid" || status=$?
  [[ $status == 143 ]] || problems+=("TERM while reusing: exit status $status, expected 143")
  after=$(cd "$out" 2>/dev/null && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
  if [[ $after != "$before" ]]; then
    problems+=("TERM while reusing (before any compiler started): the earlier output was not restored; $out now holds:
$(cd "$out" 2>/dev/null && find . | LC_ALL=C sort)
and the earlier output is stranded in: $(compgen -G "$out.nixcc-old-*" || echo nothing)")
  fi
  stray=$(compgen -G "$out.nixcc-old-*" || true)
  [[ -z $stray ]] || problems+=("TERM while reusing: a set-aside copy was left behind: $stray")
  leftovers=$(cd "$TMPDIR" && find . -mindepth 1 | LC_ALL=C sort)
  [[ -z $leftovers ]] || problems+=("TERM while reusing: nixcc left its scratch files in TMPDIR:
$leftovers")
else
  # nixcc does not block on a FIFO header (or already finished): the signal cannot be placed.
  exec 3<>"$root/src/h.h"  # a writer lets any blocked open go on
  wait "$pid" || true
  exec 3>&-
  echo "note: nixcc never blocked opening the FIFO header; the reuse-phase signal variant was not run"
fi
rm -f "$root/src/h.h"

if ((${#problems[@]})); then
  printf '%s\n' "${problems[@]}" >&2
  fail "${#problems[@]} problem(s) after interrupting nixcc"
fi
pass "SIGTERM -> 143 and SIGINT -> 130, no compiler left, no output left (earlier output restored)"
