#!/usr/bin/env bash
# Both executables' command lines: a usage error exits 2 with one line starting with the program's
# name (plus a hint), --help and --version exit 0 and name the program, and a mistyped command is
# refused instead of being run as a compiler.
source "$NIXCC_REPO/tests/e2e/lib.sh"
cd "$SCRATCH"

# expect_usage_error PROGRAM PATTERN ARGS...: exit 2, one line "PROGRAM: ..." matching PATTERN.
expect_usage_error() {
  local program=$1 pattern=$2 status=0
  shift 2
  "$program" "$@" >"$SCRATCH/out" 2>"$SCRATCH/err" || status=$?
  [ "$status" = 2 ] || fail "$program $*: exit $status, expected 2: $(cat "$SCRATCH/err")"
  [ ! -s "$SCRATCH/out" ] || fail "$program $*: wrote to stdout: $(cat "$SCRATCH/out")"
  [ "$(wc -l <"$SCRATCH/err")" = 1 ] || fail "$program $*: expected one line: $(cat "$SCRATCH/err")"
  grep -Eq "^$program: $pattern" "$SCRATCH/err" || fail "$program $*: $(cat "$SCRATCH/err")"
}

expect_usage_error nixcc 'A subcommand is required'
expect_usage_error nixcc '.*--bogus' stats --bogus
expect_usage_error nixcc '.*--db' stats --db
expect_usage_error nixcc '.*--jobs' batch m.json --out o --jobs many
expect_usage_error nixcc-plan '.*--out' build
expect_usage_error nixcc-plan '.*--frob' build -o plan --frob
[ ! -e plan ] || fail "a usage error wrote a plan"

# Mistyped commands: refused with a suggestion, whatever is on PATH under that name.
expect_usage_error nixcc "'stat' is not a nixcc command; did you mean 'stats'\\?" stat
expect_usage_error nixcc "'reprot' is not a nixcc command; did you mean 'report'\\?" reprot --out r.html
expect_usage_error nixcc "'dif' is not a nixcc command; did you mean 'diff'\\?" dif a.sqlite b.sqlite
# ... but a program named so still runs when given by its path, and a compile is never a typo.
"$NIXCC" "$(command -v stat)" --version >"$SCRATCH/out" 2>&1 || fail "nixcc /usr/bin/stat --version: $(cat "$SCRATCH/out")"
grep -q 'stat' "$SCRATCH/out" || fail "stat given by path did not run"
mkdir -p bin && ln -s "$(command -v gcc)" bin/trac && printf 'int x;\n' >t.c
PATH="$SCRATCH/bin:$PATH" "$NIXCC" trac -c t.c -o t.o || fail "a compiler named trac did not compile"
[ -s t.o ] || fail "nixcc trac -c t.c wrote no object"

# --help and --version: exit 0, the program named in the usage line.
nixcc --help | grep -q '^Usage: nixcc \[OPTIONS\] SUBCOMMAND' || fail "nixcc --help: no 'Usage: nixcc' line"
nixcc stats --help | grep -q '^Usage: nixcc stats \[OPTIONS\]' || fail "nixcc stats --help: no 'Usage: nixcc stats' line"
nixcc-plan --help | grep -q '^Usage: nixcc-plan ' || fail "nixcc-plan --help: no 'Usage: nixcc-plan' line"
nixcc --version | grep -Eq '^nixcc [0-9]+\.[0-9]+\.[0-9]+$' || fail "nixcc --version"
nixcc-plan --version | grep -Eq '^nixcc-plan [0-9]+\.[0-9]+\.[0-9]+$' || fail "nixcc-plan --version"

# A failure that is not about usage: exit 1, one line naming the file.
status=0
nixcc stats --db "$SCRATCH/absent.sqlite" 2>"$SCRATCH/err" || status=$?
[ "$status" = 1 ] || fail "stats on a missing database: exit $status, expected 1"
grep -q "^nixcc: .*absent.sqlite" "$SCRATCH/err" || fail "stats on a missing database: $(cat "$SCRATCH/err")"
pass "usage errors exit 2 with the program's name, typos are caught, --help/--version name the program"
