#!/usr/bin/env bash
# A unit that does not compile:
#   - without --keep-going: non-zero exit, the compiler's diagnostic whole under a FAILED line naming
#     the source, no units started after the failure, and no output directory left behind;
#   - the same run over an earlier complete output: that output is put back unchanged;
#   - with --keep-going: every other unit still runs, the summary names every failed source, non-zero
#     exit, and still no output.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/batch_common.sh"
command -v g++ >/dev/null || fail "g++ is not installed"
# nixcc's scratch files go under TMPDIR; no run may leave them behind.
export TMPDIR="$SCRATCH/tmp"
mkdir -p "$TMPDIR"

root="$SCRATCH/tree"
mkdir -p "$root/src"
ok=(src/ok1.cpp src/ok2.cpp src/ok3.cpp src/ok4.cpp src/ok5.cpp)
for i in 1 2 3 4 5; do echo "int ok$i(int x) { return x + $i; }" >"$root/src/ok$i.cpp"; done
printf 'int fine() { return 1; }\nint broken( { return 2 }\n' >"$root/src/bad.cpp"
printf 'struct S { int x; }\nint also_broken() { return S{}.y; }\n' >"$root/src/bad2.cpp"
flags='["-std=c++17", "-O0", "-Wall"]'

# manifest FILE NAME BAD... : the five good units plus the given bad ones, bad ones first in the queue.
manifest() {
  local file=$1 name=$2
  shift 2
  {
    printf '{"format": "nixcc-batch-manifest", "version": 1, "name": "%s", "compiler": "g++",\n' "$name"
    printf ' "source_root": %s, "units": [\n' "$(batch_json_str "$root")"
    local s first=1
    for s in "$@"; do
      ((first)) || printf ',\n'
      first=0
      printf '  {"source": "%s", "arguments": %s, "cost": 100}' "$s" "$flags"
    done
    for s in "${ok[@]}"; do
      ((first)) || printf ',\n'
      first=0
      printf '  {"source": "%s", "arguments": %s, "cost": 1}' "$s" "$flags"
    done
    printf '\n]}\n'
  } >"$file"
}
# snapshot DIR: every file with its checksum.
snapshot() { (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum); }
no_leftovers() {
  [[ -z $(compgen -G "$1.nixcc-old-*" || true) ]] || fail "a set-aside copy of $1 was left behind: $(compgen -G "$1.nixcc-old-*")"
  [[ -z $(ls -A "$TMPDIR") ]] || fail "nixcc left scratch files in TMPDIR: $(cd "$TMPDIR" && find . -mindepth 1)"
}

manifest "$SCRATCH/one-bad.json" failing src/bad.cpp
manifest "$SCRATCH/two-bad.json" failing2 src/bad.cpp src/bad2.cpp
manifest "$SCRATCH/good.json" good

# The diagnostic g++ gives for bad.cpp, compiled by hand the way nixcc compiles it.
(cd "$root" && g++ -std=c++17 -O0 -Wall -c "$root/src/bad.cpp" -o "$SCRATCH/direct.o") 2>"$SCRATCH/direct.err" &&
  fail "bad.cpp compiled"
diag=$(cat "$SCRATCH/direct.err")
[[ $diag == *error* && $(wc -l <"$SCRATCH/direct.err") -ge 2 ]] || fail "unexpected diagnostic from g++: $diag"

# --- 1. without --keep-going, into a directory that does not exist ---------------------------------
out="$SCRATCH/out"
status=0
"$NIXCC" batch "$SCRATCH/one-bad.json" --out "$out" --jobs 1 >"$SCRATCH/log1" 2>&1 || status=$?
log=$(cat "$SCRATCH/log1")
[[ $status != 0 ]] || fail "a failing batch exited 0:
$log"
grep -Eq '^\[failing 1/6\] FAILED src/bad\.cpp \(exit 1\) [0-9]+\.[0-9]s$' "$SCRATCH/log1" || fail "no '[failing 1/6] FAILED src/bad.cpp (exit 1)' line:
$log"
after_failed=${log#*FAILED src/bad.cpp}
[[ $after_failed == *"$diag"* ]] || fail "g++'s diagnostic does not appear whole after the FAILED line.
expected:
$diag
output:
$log"
[[ $(batch_progress_lines "$SCRATCH/log1" | wc -l) == 1 ]] || fail "units were started after the failure (--jobs 1):
$log"
grep -Eq '^nixcc batch: failing: 1 of 6 failed: src/bad\.cpp' "$SCRATCH/log1" || fail "no failure summary naming src/bad.cpp:
$log"
[[ ! -e $out ]] || fail "$out exists after a failed batch: $(find "$out")"
no_leftovers "$out"

# The diagnostic and the summary go to stderr, progress to stdout.
status=0
"$NIXCC" batch "$SCRATCH/one-bad.json" --out "$out" --jobs 1 >"$SCRATCH/log1.out" 2>"$SCRATCH/log1.err" || status=$?
[[ $status != 0 ]] || fail "second failing run exited 0"
[[ $(cat "$SCRATCH/log1.err") == *"$diag"* ]] || fail "the diagnostic is not on stderr"
grep -q 'FAILED src/bad.cpp' "$SCRATCH/log1.out" || fail "the FAILED line is not on stdout"
grep -q 'failed: src/bad.cpp' "$SCRATCH/log1.err" || fail "the failure summary is not on stderr"
# The command under the FAILED line is one a person can paste into a shell: it fails the same way.
rerun=$(grep -m1 '^  (cd ' "$SCRATCH/log1.out") || fail "no command line under the FAILED line"
bash -c "$rerun" >"$SCRATCH/rerun.out" 2>&1 && fail "the printed command compiled bad.cpp: $rerun"
grep -qF "$(grep -m1 error "$SCRATCH/direct.err" | sed 's/^[^:]*://')" "$SCRATCH/rerun.out" ||
  fail "the printed command does not reproduce g++'s error: $rerun
$(cat "$SCRATCH/rerun.out")"

# --- 2. over an earlier complete output: it comes back unchanged -----------------------------------
"$NIXCC" batch "$SCRATCH/good.json" --out "$out" --jobs 2 >"$SCRATCH/log-good" 2>&1 || { cat "$SCRATCH/log-good"; fail "good batch failed"; }
[[ -f $out/timings.sqlite ]] || fail "the good batch wrote no timings.sqlite"
before=$(snapshot "$out")
for kg in "" --keep-going; do
  status=0
  "$NIXCC" batch "$SCRATCH/one-bad.json" --out "$out" --jobs 2 ${kg:+"$kg"} >"$SCRATCH/log2" 2>&1 || status=$?
  [[ $status != 0 ]] || fail "a failing batch ${kg:+with $kg }over an earlier output exited 0"
  [[ $(snapshot "$out") == "$before" ]] || fail "the earlier output was not restored unchanged after a failure ${kg:+with $kg}:
before:
$before
after:
$(snapshot "$out" 2>&1)"
  no_leftovers "$out"
done

# --- 3. --keep-going: every unit runs, the summary names every failure ------------------------------
out3="$SCRATCH/out3"
status=0
"$NIXCC" batch "$SCRATCH/one-bad.json" --out "$out3" --jobs 2 --keep-going >"$SCRATCH/log3" 2>&1 || status=$?
log=$(cat "$SCRATCH/log3")
[[ $status != 0 ]] || fail "--keep-going with a failure exited 0"
[[ $(batch_progress_lines "$SCRATCH/log3" | wc -l) == 6 ]] || fail "--keep-going: expected 6 progress lines:
$log"
for s in "${ok[@]}"; do
  grep -Eq "^\[[^ ]+ [1-6]/6\] $s [0-9]+\.[0-9]s\$" "$SCRATCH/log3" || fail "--keep-going: $s did not compile:
$log"
done
grep -Eq '^nixcc batch: failing: 1 of 6 failed: src/bad\.cpp$' "$SCRATCH/log3" || fail "--keep-going: no summary naming src/bad.cpp:
$log"
[[ ! -e $out3/timings.sqlite ]] || fail "--keep-going: $out3/timings.sqlite exists after a failure"
[[ ! -e $out3 ]] || fail "--keep-going: $out3 exists after a failure"
no_leftovers "$out3"

status=0
"$NIXCC" batch "$SCRATCH/two-bad.json" --out "$out3" --jobs 2 -k >"$SCRATCH/log4" 2>&1 || status=$?
log=$(cat "$SCRATCH/log4")
[[ $status != 0 ]] || fail "-k with two failures exited 0"
[[ $(batch_progress_lines "$SCRATCH/log4" | wc -l) == 7 ]] || fail "-k: expected 7 progress lines:
$log"
[[ $(grep -c '^\[[^ ]* [1-7]/7\] FAILED ' "$SCRATCH/log4") == 2 ]] || fail "-k: expected 2 FAILED lines:
$log"
summary=$(grep '^nixcc batch: failing2: ' "$SCRATCH/log4" || true)
[[ $summary == *"2 of 7 failed"* && $summary == *src/bad.cpp* && $summary == *src/bad2.cpp* ]] ||
  fail "-k: the summary does not name both failures: '$summary'"
[[ ! -e $out3 ]] || fail "-k: $out3 exists after a failure"

pass "failure stops the batch and leaves no output (or restores the earlier one); --keep-going runs every unit and names every failure"
