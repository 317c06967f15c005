# Builder of the timings derivation: every batch's database merged into $out/timings.sqlite, the
# batches the latest plan changed ($latest) marked as what the latest nix-build ran.
set -eu
mkdir -p "$out"
exec "$nixcc" merge --quiet --latest "$latest" "$out/timings.sqlite" "$@"
