#!/usr/bin/env bash
# Launcher transparency, by direct invocation: `nixcc <compiler> args...` behaves exactly like
# `<compiler> args...` (stdout, stderr, exit status, output files), records one row for each single
# compile and none for anything else, forwards SIGTERM to the compiler, and never lets a database
# problem change a compile. Every case runs even when an earlier one fails; the test fails at the
# end with the list of failed checks.
set -euo pipefail
source "$NIXCC_REPO/tests/e2e/lib.sh"

T="$SCRATCH/transparency dir"
OUT="$T/out"
mkdir -p "$T/plain" "$T/nixcc" "$OUT" "$T/bin"
# Source paths in the database are relative to the nixcc run's folder.
export NIXCC_BASE_DIR="$T/nixcc"

FAILURES=()
check() {  # check DESCRIPTION COMMAND...: records a failure when COMMAND fails
  local what=$1
  shift
  if ! "$@"; then
    FAILURES+=("$what")
    echo "FAIL: $what" >&2
  fi
}
equal() { [[ "$1" == "$2" ]] || { printf '  expected: %q\n  actual:   %q\n' "$1" "$2" >&2; return 1; }; }
same_file() { cmp "$1" "$2" >&2 || { diff -u "$1" "$2" | head -20 >&2; return 1; }; }
rows() { if [[ -f "$NIXCC_DB" ]]; then sql "$NIXCC_DB" 'SELECT count(*) FROM compiles'; else echo 0; fi; }
last_row() { sql "$NIXCC_DB" "SELECT $1 FROM compiles ORDER BY id DESC LIMIT 1"; }

# --- sources, identical in both folders -------------------------------------------------------
for d in "$T/plain" "$T/nixcc"; do
  printf 'int warn(int x) {\n  int unused = 0;\n  return x + 1;\n}\n' >"$d/warn.cpp"
  printf 'int main() { return 0 }\n' >"$d/bad.cpp"
  printf '#include <cstdio>\nint b();\nint main() { std::printf("prog %%d\\n", b()); return 0; }\n' >"$d/a.cpp"
  printf 'int b() { return 7; }\n' >"$d/b.cpp"
  printf '%s\n' '-Wall -c warn.cpp' '-o "rsp out.o"' >"$d/args.rsp"
  mkdir -p "$d/rsp dir"
done

# run_pair NAME STDIN ARGS...: runs ARGS (a compiler and its arguments) in $T/plain and
# `nixcc ARGS` in $T/nixcc; keeps stdout, stderr and the exit status of each in $OUT.
run_pair() {
  local name=$1 input=$2
  shift 2
  local rc=0
  (cd "$T/plain" && "$@" <"$input" >"$OUT/$name.plain.out" 2>"$OUT/$name.plain.err") || rc=$?
  echo "$rc" >"$OUT/$name.plain.rc"
  rc=0
  (cd "$T/nixcc" && "$NIXCC" "$@" <"$input" >"$OUT/$name.nixcc.out" 2>"$OUT/$name.nixcc.err") || rc=$?
  echo "$rc" >"$OUT/$name.nixcc.rc"
}
# same_output NAME EXPECTED_RC: both runs exited with EXPECTED_RC and wrote the same stdout and stderr.
same_output() {
  check "$1: exit status of the plain run" equal "$2" "$(cat "$OUT/$1.plain.rc")"
  check "$1: exit status with nixcc" equal "$2" "$(cat "$OUT/$1.nixcc.rc")"
  check "$1: stdout" same_file "$OUT/$1.plain.out" "$OUT/$1.nixcc.out"
  check "$1: stderr" same_file "$OUT/$1.plain.err" "$OUT/$1.nixcc.err"
}
same_outputs_files() {  # NAME FILE...: each output file exists in both folders, byte-identical
  local name=$1 f
  shift
  for f in "$@"; do
    check "$name: $f written" test -f "$T/plain/$f"
    check "$name: $f identical" same_file "$T/plain/$f" "$T/nixcc/$f"
  done
}
same_presence() {  # NAME FILE: FILE exists in neither folder, or in both with the same bytes
  if [[ -e "$T/plain/$2" ]]; then
    check "$1: $2 identical" same_file "$T/plain/$2" "$T/nixcc/$2"
  else
    check "$1: no $2, as without nixcc" test ! -e "$T/nixcc/$2"
  fi
}
expect_new_rows() {  # NAME BEFORE N
  check "$1: rows recorded" equal "$3" "$(($(rows) - $2))"
}

for cx in g++ clang++; do
  # A warning: same diagnostics, same object, one row.
  before=$(rows)
  run_pair "$cx-warning" /dev/null "$cx" -Wall -c warn.cpp -o warn.o
  same_output "$cx-warning" 0
  check "$cx-warning: has a warning" grep -q 'warning: unused variable' "$OUT/$cx-warning.plain.err"
  same_outputs_files "$cx-warning" warn.o
  expect_new_rows "$cx-warning" "$before" 1
  check "$cx-warning: row" equal "warn.cpp|warn.o|0|c++|$(command -v "$cx")" \
    "$(last_row "source, object, exit_status, language, compiler")"
  check "$cx-warning: input hash" equal 32 "$(last_row 'length(input_hash)')"

  # A syntax error: same message and status; recorded with that exit status and no input hash.
  before=$(rows)
  run_pair "$cx-error" /dev/null "$cx" -c bad.cpp -o bad.o
  same_output "$cx-error" 1
  check "$cx-error: has an error" grep -q 'error:' "$OUT/$cx-error.plain.err"
  same_presence "$cx-error" bad.o
  expect_new_rows "$cx-error" "$before" 1
  check "$cx-error: row" equal "bad.cpp|bad.o|1|" "$(last_row "source, object, exit_status, input_hash")"

  # A source that does not exist: the driver's own error, recorded as a failed compile.
  before=$(rows)
  run_pair "$cx-nosource" /dev/null "$cx" -c nosuch.cpp -o nosuch.o
  same_output "$cx-nosource" 1
  expect_new_rows "$cx-nosource" "$before" 1
  check "$cx-nosource: row" equal "nosuch.cpp|1" "$(last_row "source, exit_status")"

  # Not compiles: no row, identical behaviour.
  before=$(rows)
  run_pair "$cx-version" /dev/null "$cx" --version
  same_output "$cx-version" 0
  check "$cx-version: prints a version" test -s "$OUT/$cx-version.plain.out"

  run_pair "$cx-preprocess" /dev/null "$cx" -E warn.cpp
  same_output "$cx-preprocess" 0
  check "$cx-preprocess: prints the preprocessed source" grep -q 'int warn(int x)' "$OUT/$cx-preprocess.plain.out"

  if [[ "$cx" == g++ ]]; then  # the driver-only cases once: they cost most and test nixcc the least
    run_pair "$cx-assembly" /dev/null "$cx" -S warn.cpp -o warn.s
    same_output "$cx-assembly" 0
    same_outputs_files "$cx-assembly" warn.s

    for d in "$T/plain" "$T/nixcc"; do (cd "$d" && "$cx" -c a.cpp -o a.o && "$cx" -c b.cpp -o b.o); done
    run_pair "$cx-link" /dev/null "$cx" a.o b.o -o prog
    same_output "$cx-link" 0
    same_outputs_files "$cx-link" prog
    check "$cx-link: the program runs" equal "prog 7" "$("$T/nixcc/prog")"

    run_pair "$cx-compile-and-link" /dev/null "$cx" a.cpp b.cpp -o prog2
    same_output "$cx-compile-and-link" 0
    check "$cx-compile-and-link: the program runs" equal "prog 7" "$("$T/nixcc/prog2")"

    rm -f "$T"/{plain,nixcc}/{a,b}.o
    run_pair "$cx-several-sources" /dev/null "$cx" -c a.cpp b.cpp
    same_output "$cx-several-sources" 0
    same_outputs_files "$cx-several-sources" a.o b.o
  fi

  run_pair "$cx-stdin" "$T/plain/warn.cpp" "$cx" -Wall -x c++ -c - -o stdin.o
  same_output "$cx-stdin" 0
  check "$cx-stdin: has a warning" grep -q 'warning: unused variable' "$OUT/$cx-stdin.plain.err"
  same_outputs_files "$cx-stdin" stdin.o

  run_pair "$cx-missing-rsp" /dev/null "$cx" @missing.rsp -c warn.cpp -o missing.o
  same_output "$cx-missing-rsp" 1
  same_presence "$cx-missing-rsp" missing.o  # GCC still compiles warn.cpp, clang does not
  expect_new_rows "$cx-version, -E, -S, link, several sources, stdin, missing @file" "$before" 0

  # A response file that is a folder cannot be read: the compiler's own error, and no row.
  before=$(rows)
  run_pair "$cx-folder-rsp" /dev/null "$cx" "@rsp dir" -c warn.cpp -o folder.o
  same_output "$cx-folder-rsp" 1
  same_presence "$cx-folder-rsp" folder.o
  expect_new_rows "$cx-folder-rsp" "$before" 0

  # A readable response file: expanded, recorded as the compile it holds.
  before=$(rows)
  run_pair "$cx-rsp" /dev/null "$cx" @args.rsp
  same_output "$cx-rsp" 0
  same_outputs_files "$cx-rsp" "rsp out.o"
  expect_new_rows "$cx-rsp" "$before" 1
  check "$cx-rsp: row" equal "warn.cpp|rsp out.o|0" "$(last_row "source, object, exit_status")"
done

# --- the compiler sees exactly the command line it would see without nixcc --------------------
# An unknown driver name gets no depfile flags added, so its whole argv must be unchanged,
# argv[0] included (GCC prints argv[0] in some diagnostics, e.g. for an @file that is a folder).
printf '#include <stdio.h>\nint main(int argc, char **argv) { for (int i = 0; i < argc; ++i) printf("[%%s]\\n", argv[i]); return 0; }\n' \
  >"$T/bin/argv.c"
cc -o "$T/bin/printargv" "$T/bin/argv.c"
before=$(rows)
PATH="$T/bin:$PATH" run_pair argv /dev/null printargv -c warn.cpp -o "argv out.o"
same_output argv 0
check "argv: what the fake compiler saw" equal $'[printargv]\n[-c]\n[warn.cpp]\n[-o]\n[argv out.o]' "$(cat "$OUT/argv.nixcc.out")"
expect_new_rows argv "$before" 1

# --- a compiler that does not exist: like a shell's "command not found" ----------------------
before=$(rows)
rc=0
(cd "$T/nixcc" && "$NIXCC" no-such-compiler-xyz -c warn.cpp -o x.o >"$OUT/missing-cc.out" 2>"$OUT/missing-cc.err") || rc=$?
check "missing compiler: exit status" equal 127 "$rc"
check "missing compiler: stdout" equal "" "$(cat "$OUT/missing-cc.out")"
check "missing compiler: message" equal "nixcc: no-such-compiler-xyz: command not found" "$(cat "$OUT/missing-cc.err")"
rc=0
(cd "$T/nixcc" && "$NIXCC" ./no-such-cc -c warn.cpp >"$OUT/missing-cc2.out" 2>"$OUT/missing-cc2.err") || rc=$?
check "missing compiler by path: exit status" equal 127 "$rc"
check "missing compiler by path: one line naming it" equal "1 1" \
  "$(wc -l <"$OUT/missing-cc2.err") $(grep -c -F './no-such-cc' "$OUT/missing-cc2.err")"
# A compiler path that exists but cannot be executed: a shell (and so make or ninja) says 126.
printf '#!/bin/sh\necho compiled\n' >"$T/nixcc/not-executable-cc"
chmod 644 "$T/nixcc/not-executable-cc"
rc=0
(cd "$T/nixcc" && "$NIXCC" ./not-executable-cc -c warn.cpp >"$OUT/noexec-cc.out" 2>"$OUT/noexec-cc.err") || rc=$?
shell_rc=0
(cd "$T/nixcc" && sh -c './not-executable-cc -c warn.cpp' >/dev/null 2>&1) || shell_rc=$?
check "non-executable compiler: exit status like a shell's" equal "$shell_rc" "$rc"
check "non-executable compiler: one line naming it" equal "1 1" \
  "$(wc -l <"$OUT/noexec-cc.err") $(grep -c -F './not-executable-cc' "$OUT/noexec-cc.err")"
expect_new_rows "missing compiler" "$before" 0

# --- signals ----------------------------------------------------------------------------------
SIG="$T/sig"
mkdir -p "$SIG"
printf 'int x;\n' >"$SIG/x.cpp"
cat >"$SIG/fakecc" <<'EOF'
#!/usr/bin/env bash
# A compiler that takes its time and reports the SIGTERM it gets.
trap 'kill "$sleeper" 2>/dev/null; echo "TERM $*" >"$FAKECC_MARKER"; exit 143' TERM
sleep 30 &
sleeper=$!
echo started >"$FAKECC_STARTED"
wait "$sleeper"
echo "not interrupted" >"$FAKECC_MARKER"
EOF
cat >"$SIG/fakekill" <<'EOF'
#!/usr/bin/env bash
# A compiler that dies of SIGKILL.
kill -KILL $$
EOF
chmod +x "$SIG/fakecc" "$SIG/fakekill"
export FAKECC_MARKER="$SIG/marker" FAKECC_STARTED="$SIG/started"

sigterm_run() {  # [LAUNCHER]: runs LAUNCHER ./fakecc -c x.cpp -o x.o, sends SIGTERM to it once fakecc runs
  rm -f "$FAKECC_MARKER" "$FAKECC_STARTED"
  (cd "$SIG" && exec "$@" ./fakecc -c x.cpp -o x.o) &
  local pid=$! i
  for ((i = 0; i < 200; ++i)); do
    [[ -e "$FAKECC_STARTED" ]] && break
    sleep 0.05
  done
  [[ -e "$FAKECC_STARTED" ]] || echo "fakecc never started" >&2
  kill -TERM "$pid"
  local rc=0
  wait "$pid" || rc=$?
  echo "$rc $(cat "$FAKECC_MARKER" 2>/dev/null || echo no-marker)"
}
before=$(rows)
check "SIGTERM without nixcc" equal "143 TERM -c x.cpp -o x.o" "$(sigterm_run)"
check "SIGTERM to nixcc reaches the compiler; nixcc exits with its status" equal "143 TERM -c x.cpp -o x.o" \
  "$(sigterm_run "$NIXCC")"
expect_new_rows "SIGTERM" "$before" 1
check "SIGTERM: row" equal "$SIG/x.cpp|143" "$(last_row "source, exit_status")"

# A compiler killed by a signal: nixcc dies of the same signal (seen as a negative return code).
returncode() { (cd "$SIG" && python3 -c 'import subprocess, sys; print(subprocess.run(sys.argv[1:]).returncode)' "$@"); }
before=$(rows)
check "compiler killed by SIGKILL" equal -9 "$(returncode ./fakekill -c x.cpp -o x.o)"
check "compiler killed by SIGKILL, through nixcc" equal -9 "$(returncode "$NIXCC" ./fakekill -c x.cpp -o x.o)"
expect_new_rows "SIGKILL" "$before" 1
check "SIGKILL: row" equal "$SIG/x.cpp|137" "$(last_row "source, exit_status")"

# --- database problems never change the compile -----------------------------------------------
# one_extra_warning NAME RC LABEL: same stdout and exit status; stderr is the plain run's plus
# exactly one line starting "nixcc: warning:".
one_extra_warning() {
  local plain_err="$OUT/$1.plain.err" nx_err="$OUT/$1.nixcc.err" name="$1 ($3)"
  check "$name: exit status of the plain run" equal "$2" "$(cat "$OUT/$1.plain.rc")"
  check "$name: exit status with nixcc" equal "$2" "$(cat "$OUT/$1.nixcc.rc")"
  check "$name: stdout" same_file "$OUT/$1.plain.out" "$OUT/$1.nixcc.out"
  check "$name: one nixcc warning" equal 1 "$(grep -c '^nixcc: warning: ' "$nx_err" || true)"
  check "$name: one extra line" equal "$(($(wc -l <"$plain_err") + 1))" "$(wc -l <"$nx_err")"
  check "$name: the compiler's stderr unchanged" equal "$(cat "$plain_err")" "$(grep -v '^nixcc: warning: ' "$nx_err")"
}
mkdir -p "$T/db dir"
printf 'this is not a database, and nixcc must not make it one\n%.0s' {1..100} >"$T/garbage.sqlite"
cp "$T/garbage.sqlite" "$T/garbage.orig"
# A real timing database, then its schema page overwritten.
NIXCC_DB="$T/corrupt.sqlite" run_pair make-corrupt /dev/null g++ -c b.cpp -o corrupt-seed.o
sql "$T/corrupt.sqlite" 'PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;' >/dev/null
[[ "$(sql "$T/corrupt.sqlite" 'SELECT count(*) FROM compiles')" == 1 ]] || fail "could not make the database to corrupt"
python3 -c 'import sys; f = open(sys.argv[1], "r+b"); f.seek(100); f.write(b"\xff" * 3996)' "$T/corrupt.sqlite"

case_no=0
for bad_db in "$T/missing dir/sub/timings.sqlite" "$T/db dir" "/proc/nixcc-e2e-$$.sqlite" "$T/garbage.sqlite" \
  "$T/corrupt.sqlite"; do
  case_no=$((case_no + 1))
  rm -f "$T"/{plain,nixcc}/db.o
  NIXCC_DB="$bad_db" run_pair "db$case_no" /dev/null g++ -Wall -c warn.cpp -o db.o
  one_extra_warning "db$case_no" 0 "$bad_db"
  same_outputs_files "db$case_no ($bad_db)" db.o
  if [[ $case_no == 1 || $case_no == 5 ]]; then  # a failing compile keeps its status too
    NIXCC_DB="$bad_db" run_pair "db$case_no-error" /dev/null g++ -c bad.cpp -o db.o
    one_extra_warning "db$case_no-error" 1 "$bad_db"
  fi
done
check "a garbage file is left as it was" same_file "$T/garbage.orig" "$T/garbage.sqlite"

if ((${#FAILURES[@]})); then
  printf 'FAILED: %s\n' "${FAILURES[@]}" >&2
  fail "${#FAILURES[@]} transparency checks failed"
fi
pass "launcher transparency: compiles, non-compiles, signals and database problems"
