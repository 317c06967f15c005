# shellcheck shell=bash
# Shared by the test_plan_*.sh end-to-end tests (nixcc-plan, then a real offline nix-build): sourced
# after lib.sh, never run on its own. Needs cmake, ninja, nix-build/nix-instantiate, jq and sqlite3.
#
#   plan_copy_demo DEST                  a fresh copy of examples/demo at DEST (never touch the repo's)
#   plan_configure SRC BUILD [ARGS...]   File API query, then cmake -G Ninja (so nixcc-plan need not re-run it)
#   plan_run PLAN BUILD [ARGS...]        nixcc-plan BUILD -o PLAN ARGS; output in $PLAN_LOG
#   plan_nixbuild PLAN RESULT [ARGS...]  nix-build; log in $NIX_LOG, built count in $NIX_BUILT
#   plan_dry_run_count PLAN              how many derivations `nix-build --dry-run` would build
#   plan_drvs PLAN                       "batches.<name> <drv>" / "targets.<name> <drv>" / timings / default lines
#   plan_members PLAN                    "<batch> <unit>,<unit>,..." from PLAN/nixcc-plan-state.json
#   plan_batch_of PLAN UNIT_SUFFIX       the batch holding the one unit whose key ends with UNIT_SUFFIX
#   plan_expect_exit CODE LOG CMD...     runs CMD, fails unless it exits with CODE; output in LOG
#   plan_elapsed                         seconds since the test started (for the PASS line)
#
# Nix runs as its users run it (tests/e2e/nix_daemon.sh): nixcc-plan, nix-build and nix-instantiate
# are clients of a private nix-daemon, with the sandbox on and builds done by the nixbld users, run by
# a user who is neither root nor trusted. The daemon holds exactly the extra-sandbox-paths line the
# plan being built printed. Everything else (cmake, edits, checks) runs as root.
#
# Every configure adds a per-run define to the compile flags. Store paths are content-addressed: without
# the salt, a second run of the suite (or another test with the same sources) would find every batch
# already built, and a test meant to watch a build would watch nothing.

: "${NIXCC_REPO:?run through ctest, which sets NIXCC_REPO}"
command -v nix-build >/dev/null || fail "nix-build is not installed"
command -v jq >/dev/null || fail "jq is not installed"
# shellcheck source=nix_daemon.sh
source "$(dirname "${BASH_SOURCE[0]}")/nix_daemon.sh"
PLAN_DEMO="$NIXCC_REPO/examples/demo"
PLAN_SALT="$(date +%s%N)$$"
PLAN_STARTED=$SECONDS
# Two builds at once on this 2-core machine; each batch compiles on one core's worth of jobs. These
# are the daemon's settings: a client that is not trusted cannot choose them. (A test that restarts
# the daemon, e.g. with remote_daemon_start, passes PLAN_DAEMON_LINES again.)
PLAN_DAEMON_LINES=("max-jobs = 2" "cores = 1")
daemon_start "${PLAN_DAEMON_LINES[@]}"

# nixcc-plan, however a test calls it, runs as the user: it adds nixcc and earlier outputs to the
# store through the daemon.
nixcc-plan() { as_user "$USER_BIN_DIR/nixcc-plan" "$@"; }

plan_elapsed() { echo "$((SECONDS - PLAN_STARTED))s"; }

plan_copy_demo() {
  local dest=$1
  mkdir -p "$(dirname "$dest")"
  cp -R "$PLAN_DEMO" "$dest"
  rm -rf "$dest/build" "$dest"/build-*  # never a stray build tree from someone's checkout
}

plan_write_query() {
  local dir="$1/.cmake/api/v1/query/client-nixcc"
  mkdir -p "$dir"
  : >"$dir/codemodel-v2"
  : >"$dir/cache-v2"
  : >"$dir/toolchains-v1"
  : >"$dir/cmakeFiles-v1"
}

plan_configure() {
  local src=$1 build=$2
  shift 2
  plan_write_query "$build"
  local log="$SCRATCH/configure.log"
  if ! cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    "-DCMAKE_CXX_FLAGS=-DNIXCC_E2E_SALT=$PLAN_SALT" "$@" >"$log" 2>&1; then
    cat "$log" >&2
    fail "cmake configure of $src failed"
  fi
  [ -n "$(ls "$build/.cmake/api/v1/reply/" 2>/dev/null)" ] || fail "cmake wrote no File API reply in $build"
}

PLAN_LOG="$SCRATCH/plan.log"
plan_run() {
  local plan=$1 build=$2
  shift 2
  if ! nixcc-plan "$build" -o "$plan" "$@" >"$PLAN_LOG" 2>&1; then
    cat "$PLAN_LOG" >&2
    fail "nixcc-plan $build -o $plan $* failed"
  fi
  [ -f "$plan/default.nix" ] || fail "nixcc-plan wrote no $plan/default.nix"
}

NIX_LOG="$SCRATCH/nix-build.log"
NIX_BUILT=0
plan_nixbuild() {
  local plan=$1 result=$2
  shift 2
  daemon_use_sandbox_paths "$plan"
  if ! as_user nix-build "$plan" -o "$result" "$@" >"$NIX_LOG" 2>&1; then
    tail -n 60 "$NIX_LOG" >&2
    fail "nix-build $plan failed"
  fi
  NIX_BUILT=$(grep -c "^building '" "$NIX_LOG" || true)
}

# Counts the derivations a dry run lists under "will be built" (0 when the line is absent).
plan_dry_run_count() {
  local plan=$1 log="$SCRATCH/dry-run.log"
  as_user nix-build --dry-run "$plan" >"$log" 2>&1 || { cat "$log" >&2; fail "nix-build --dry-run $plan failed"; }
  if grep -q 'will be built' "$log"; then
    # "these N derivations will be built:" or "this derivation will be built:", then one path per line
    grep -c '^  */nix/store/.*\.drv$' "$log" || true
  else
    echo 0
  fi
}

plan_drvs() {
  local plan=$1 json
  json=$(as_user nix-instantiate --eval --strict --json --argstr plan "$plan" -E '
    { plan }:
    let
      p = import (/. + plan) { };
      drvs = builtins.mapAttrs (name: d: d.drvPath);
    in { batches = drvs p.batches; targets = drvs p.targets; timings = p.timings.drvPath; default = p.drvPath; }' \
    2>"$SCRATCH/instantiate.log") || { cat "$SCRATCH/instantiate.log" >&2; fail "nix-instantiate of $plan failed"; }
  jq -r '(.batches | to_entries[] | "batches.\(.key) \(.value)"),
         (.targets | to_entries[] | "targets.\(.key) \(.value)"),
         "timings \(.timings)", "default \(.default)"' <<<"$json" | LC_ALL=C sort
}

plan_members() {
  local state="$1/nixcc-plan-state.json"
  [ -f "$state" ] || fail "no plan state $state"
  jq -r '.batches | to_entries[] | "\(.key) \(.value.units | join(","))"' "$state" | LC_ALL=C sort
}

plan_batch_of() {
  local plan=$1 suffix=$2 found
  found=$(jq -r --arg s "$suffix" '.batches | to_entries[] | select(any(.value.units[]; endswith($s))) | .key' \
    "$plan/nixcc-plan-state.json")
  [ "$(wc -l <<<"$found")" = 1 ] && [ -n "$found" ] || fail "expected exactly one batch holding *$suffix, got: ${found:-none}"
  echo "$found"
}

plan_expect_exit() {
  local want=$1 log=$2 got=0
  shift 2
  "$@" >"$log" 2>&1 || got=$?
  [ "$got" = "$want" ] || { cat "$log" >&2; fail "expected exit $want, got $got from: $*"; }
}
