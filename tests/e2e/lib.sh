# Shared set-up for end-to-end tests: sourced, never run. Each test gets a scratch folder and the
# built nixcc first on PATH; `fail` ends the test with a message.
set -euo pipefail
: "${NIXCC_BIN_DIR:?run through ctest, which sets NIXCC_BIN_DIR}"
export PATH="$NIXCC_BIN_DIR:$PATH"
NIXCC="$NIXCC_BIN_DIR/nixcc"
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/nixcc-e2e.XXXXXX")
# at_exit CMD...: runs CMD when the test ends, however it ends (the last registered first), then the
# scratch folder goes. Libraries that start processes register their stop here rather than set their
# own EXIT trap, which would replace the others'. The test's exit status is kept.
E2E_AT_EXIT=()
at_exit() { E2E_AT_EXIT=("$*" "${E2E_AT_EXIT[@]}"); }
e2e_exit() {
  local cmd
  for cmd in "${E2E_AT_EXIT[@]}"; do eval "$cmd" || true; done
  rm -rf "$SCRATCH"
}
trap e2e_exit EXIT
export NIXCC_DB="$SCRATCH/timings.sqlite"
unset NIXCC_BUILD_ID NIXCC_BASE_DIR NIXCC_DISABLE

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "PASS: $*"; }
# sql DB QUERY: one value or rows, '|'-separated.
sql() { sqlite3 -batch "$1" "$2"; }
