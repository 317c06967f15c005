#!/usr/bin/env bash
# nixcc in front of ccache (CMAKE_CXX_COMPILER_LAUNCHER="nixcc;ccache"): a cold build misses the
# cache and is recorded; a build from a fresh build directory is served by ccache and is recorded
# just the same, with the real compiler's identity, the same input hashes and header lists.
set -euo pipefail
source "$NIXCC_REPO/tests/e2e/lib.sh"
source "$NIXCC_REPO/tests/e2e/launcher_common.sh"

command -v ccache >/dev/null || fail "ccache is not installed"
cxx_path=$(command -v g++)

work="$SCRATCH/work dir"
src="$work/launcher demo"
build="$work/build ccache"
mkdir -p "$work"
cp -R "$NIXCC_REPO/tests/projects/launcher_demo" "$src"
export NIXCC_DB="$work/timings.sqlite"
# A private cache, and no configuration from the machine or the user.
export CCACHE_DIR="$work/ccache dir"
export CCACHE_CONFIGPATH="$work/ccache.conf"
: >"$CCACHE_CONFIGPATH"
unset CCACHE_DISABLE CCACHE_PREFIX CCACHE_RECACHE CCACHE_READONLY CCACHE_NODIRECT CCACHE_SLOPPINESS CCACHE_BASEDIR \
  CCACHE_NOHASHDIR CCACHE_HASHDIR
n_tus=$(printf '%s\n' "$DEMO_SOURCES" | wc -l)

configure_and_build() {  # BUILD_ID LOG
  rm -rf "$build"
  CXX="$cxx_path" cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE= "-DCMAKE_CXX_COMPILER_LAUNCHER=$NIXCC;ccache" \
    >"$2.configure" 2>&1 || { cat "$2.configure" >&2; fail "configure failed"; }
  ccache -z >/dev/null
  NIXCC_BUILD_ID=$1 ninja -C "$build" -j2 >"$2" 2>&1 || { cat "$2" >&2; fail "build $1 failed"; }
}
stat_value() {  # KEY: one counter from ccache's machine-readable statistics
  ccache --print-stats | awk -F'\t' -v key="$1" '$1 == key { print $2; found = 1 } END { if (!found) print "missing" }'
}
hits() { echo $(($(stat_value direct_cache_hit) + $(stat_value preprocessed_cache_hit))); }

configure_and_build cold "$work/cold.log"
expect_eq "the launcher list in the cache" "$NIXCC;ccache" \
  "$(sed -n 's/^CMAKE_CXX_COMPILER_LAUNCHER:[A-Z]*=//p' "$build/CMakeCache.txt")"
expect_eq "ccache misses of the cold build" "$n_tus" "$(stat_value cache_miss)"
expect_eq "ccache hits of the cold build" 0 "$(hits)"
expect_eq "rows of the cold build" "$DEMO_SOURCES" \
  "$(sql "$NIXCC_DB" "SELECT source FROM compiles WHERE build_id = 'cold' ORDER BY source")"
expect_eq "rows naming the real compiler (not ccache), exit 0, with an input hash" "$n_tus" \
  "$(sql "$NIXCC_DB" "SELECT count(*) FROM compiles WHERE compiler = '$cxx_path' AND exit_status = 0
                      AND length(input_hash) = 32")"
expect_eq "TUs listing shared.h (cold)" "$DEMO_SHARED_USERS" \
  "$(sql "$NIXCC_DB" "SELECT c.source FROM headers h JOIN compiles c ON c.id = h.compile_id
                      WHERE c.build_id = 'cold' AND h.path = 'include/demo/shared.h' ORDER BY 1")"
expect_eq "app1 output" "$DEMO_APP1_LINE" "$("$build/app1/app1")"
expect_eq "warnings in the cold build" 1 "$(grep -c 'warning: unused variable .unused_total.' "$work/cold.log")"
cp -R "$build" "$work/cold objects"

# A fresh build directory at the same path: every compile is a ccache hit, and still recorded.
configure_and_build warm "$work/warm.log"
expect_eq "ccache hits of the warm build" "$n_tus" "$(hits)"
expect_eq "ccache misses of the warm build" 0 "$(stat_value cache_miss)"
ccache -s | grep -E -q "^ *Hits: *$n_tus / *$n_tus" || fail "ccache -s shows no hits: $(ccache -s)"
expect_eq "rows of the warm build" "$DEMO_SOURCES" \
  "$(sql "$NIXCC_DB" "SELECT source FROM compiles WHERE build_id = 'warm' ORDER BY source")"
expect_eq "warm rows with the cold row's input hash, compiler and exit 0" "$n_tus" \
  "$(sql "$NIXCC_DB" "SELECT count(*) FROM compiles w JOIN compiles c ON c.source = w.source AND c.build_id = 'cold'
                      WHERE w.build_id = 'warm' AND w.input_hash = c.input_hash AND w.compiler = c.compiler
                      AND w.compiler_id = c.compiler_id AND w.exit_status = 0")"
expect_eq "header lists (path and hash) of the warm build equal the cold build's" \
  "$(sql "$NIXCC_DB" "SELECT c.source, h.path, h.hash FROM headers h JOIN compiles c ON c.id = h.compile_id
                      WHERE c.build_id = 'cold' ORDER BY 1, 2")" \
  "$(sql "$NIXCC_DB" "SELECT c.source, h.path, h.hash FROM headers h JOIN compiles c ON c.id = h.compile_id
                      WHERE c.build_id = 'warm' ORDER BY 1, 2")"
# ccache replays the warning on a hit; the build log shows it exactly as in the cold build.
expect_eq "diagnostics of the warm build" "$(build_diagnostics "$work/cold.log")" "$(build_diagnostics "$work/warm.log")"
while IFS= read -r obj; do
  cmp "$work/cold objects/$obj" "$build/$obj" || fail "$obj: the ccache hit differs from the cold compile"
done <<<"$DEMO_OBJECTS"
expect_eq "app2 output" "$DEMO_APP2_LINE" "$("$build/app2/app2")"
expect_eq "builds" $'cold\nwarm' "$(sql "$NIXCC_DB" 'SELECT id FROM builds ORDER BY started_at')"

pass "nixcc;ccache: $n_tus misses then $n_tus hits, all $((2 * n_tus)) compiles recorded with equal input hashes"
