# Builder of the timings derivation: every batch's database merged into $out/timings.sqlite.
set -eu
mkdir -p "$out"
exec "$nixcc" merge --quiet "$out/timings.sqlite" "$@"
