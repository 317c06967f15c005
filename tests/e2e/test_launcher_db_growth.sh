#!/usr/bin/env bash
# The timing database stays bounded across many launcher runs: each nixcc process opens the
# database, writes one compile and exits, so nothing else ever checkpoints the write-ahead log.
# If nixcc never does either, the -wal file grows by every compile's pages forever, and every
# later nixcc pays for reading (recovering) all of it on open: the launcher's cost per compile
# grows with the number of compiles since the database was created.
#
# 80 records of a compile that read ~150 headers (the standard headers of a typical TU) through a
# fake compiler that does nothing, so that only nixcc's own work is measured. nixcc truncates the WAL
# once it passes 1 MiB; it may exceed that by the last transaction, never by more.
set -euo pipefail
source "$NIXCC_REPO/tests/e2e/lib.sh"

W="$SCRATCH/growth dir"
mkdir -p "$W"
cd "$W"
printf '#include <algorithm>\n#include <map>\n#include <string>\n#include <vector>\nint f() { return 0; }\n' >tu.cpp
g++ -MD -MF tu.d -c tu.cpp -o tu.o  # the depfile a real compile of tu.cpp writes
n_headers=$(grep -oE '(^| )/[^ ]+' tu.d | wc -l)  # the system headers: absolute paths
((n_headers > 50)) || fail "the depfile lists only $n_headers headers"
printf 'int main(void) { return 0; }\n' >noop.c
cc -O2 -o noop-cc noop.c  # compiles nothing; tu.d stays as the real compile left it

compiles=80
wal_limit=$((3 * 1024 * 1024 / 2))
sizes=()
for ((i = 1; i <= compiles; ++i)); do
  "$NIXCC" ./noop-cc -MD -MF tu.d -c tu.cpp -o tu.o
  if ((i % 20 == 0)); then sizes+=("$i:$(stat -c %s "$NIXCC_DB-wal" 2>/dev/null || echo 0)"); fi
done
echo "WAL size after N compiles (N:bytes): ${sizes[*]}"

wal=$(stat -c %s "$NIXCC_DB-wal" 2>/dev/null || echo 0)
((wal <= wal_limit)) ||
  fail "after $compiles compiles the WAL is $wal bytes (limit $wal_limit); sizes: ${sizes[*]}"
# What one more compile adds to an emptied log: its own rows, appended, not a page per header. (An
# index over header paths once made each of the ~150 header rows dirty its own index page: ~0.5 MiB.)
sqlite3 "$NIXCC_DB" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
"$NIXCC" ./noop-cc -MD -MF tu.d -c tu.cpp -o tu.o
one=$(stat -c %s "$NIXCC_DB-wal")
((one <= 128 * 1024)) || fail "one compile wrote $one bytes of WAL (at most 128 KiB expected)"
compiles=$((compiles + 1))
# Everything was recorded, and reading does not depend on who checkpoints.
[[ "$(sql "$NIXCC_DB" 'SELECT count(*) FROM compiles WHERE exit_status = 0')" == "$compiles" ]] ||
  fail "expected $compiles rows, got $(sql "$NIXCC_DB" 'SELECT count(*) FROM compiles')"
rows_per_compile=$(sql "$NIXCC_DB" 'SELECT count(*) / count(DISTINCT compile_id) FROM headers')
((rows_per_compile > 50)) || fail "only $rows_per_compile header rows per compile"

pass "$compiles launcher records with $rows_per_compile headers each: WAL stays at $wal bytes, one compile adds $one"
