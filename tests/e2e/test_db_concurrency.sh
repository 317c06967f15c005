#!/usr/bin/env bash
# Eight processes write one fresh timing database at once, each opening it per row like the launcher:
# every row must land, and no writer may fail (no "database is locked", no double migration).
source "$(dirname "$0")/lib.sh"
: "${NIXCC_TOOLS_DIR:?run through ctest, which sets NIXCC_TOOLS_DIR}"
WRITER="$NIXCC_TOOLS_DIR/timing_db_writer"
[[ -x $WRITER ]] || fail "no writer at $WRITER"

WRITERS=8
ROWS=200
DB="$SCRATCH/concurrent.sqlite"
[[ ! -e $DB ]] || fail "$DB exists before the test"

pids=()
for i in $(seq 1 $WRITERS); do
  "$WRITER" "$DB" "build-$i" "$ROWS" 2>"$SCRATCH/writer-$i.err" &
  pids+=($!)
done
failed=0
for i in "${!pids[@]}"; do
  if ! wait "${pids[$i]}"; then
    echo "writer $((i + 1)) failed:" >&2
    cat "$SCRATCH/writer-$((i + 1)).err" >&2
    failed=$((failed + 1))
  fi
done
[[ $failed -eq 0 ]] || fail "$failed of $WRITERS writers failed"

compiles=$(sql "$DB" "SELECT count(*) FROM compiles")
headers=$(sql "$DB" "SELECT count(*) FROM headers")
builds=$(sql "$DB" "SELECT count(*) FROM builds")
per_build=$(sql "$DB" "SELECT count(DISTINCT n) FROM (SELECT count(*) AS n FROM compiles GROUP BY build_id)")
orphans=$(sql "$DB" "SELECT count(*) FROM headers WHERE compile_id NOT IN (SELECT id FROM compiles)")
[[ $compiles == $((WRITERS * ROWS)) ]] || fail "compiles: $compiles, expected $((WRITERS * ROWS))"
[[ $headers == $((WRITERS * ROWS * 3)) ]] || fail "headers: $headers, expected $((WRITERS * ROWS * 3))"
[[ $builds == "$WRITERS" ]] || fail "builds: $builds, expected $WRITERS"
[[ $per_build == 1 ]] || fail "builds do not all hold $ROWS compiles"
[[ $orphans == 0 ]] || fail "$orphans headers belong to no compile"
pass "$WRITERS writers x $ROWS rows: $compiles compiles, $headers headers, $builds builds"
