# Shared set-up for end-to-end tests: sourced, never run. Each test gets a scratch folder and the
# built nixcc first on PATH; `fail` ends the test with a message.
set -euo pipefail
: "${NIXCC_BIN_DIR:?run through ctest, which sets NIXCC_BIN_DIR}"
export PATH="$NIXCC_BIN_DIR:$PATH"
NIXCC="$NIXCC_BIN_DIR/nixcc"
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/nixcc-e2e.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
export NIXCC_DB="$SCRATCH/timings.sqlite"
unset NIXCC_BUILD_ID NIXCC_BASE_DIR NIXCC_DISABLE

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "PASS: $*"; }
# sql DB QUERY: one value or rows, '|'-separated.
sql() { sqlite3 -batch "$1" "$2"; }
