#!/usr/bin/env bash
# nixcc-plan's failures: each exits non-zero with a message that names what is wrong, and a failed
# re-plan leaves the plan it would have replaced untouched. No nix-build here.
source "$NIXCC_REPO/tests/e2e/lib.sh"
source "$NIXCC_REPO/tests/e2e/plan_common.sh"

src="$SCRATCH/demo" build="$SCRATCH/build" log="$SCRATCH/err.log"
plan_copy_demo "$src"

# expect_message LOG TEXT...: every TEXT appears (fixed strings) in LOG.
expect_message() {
  local log=$1 text
  shift
  for text in "$@"; do
    grep -qF -- "$text" "$log" || { cat "$log" >&2; fail "the message should contain '$text'"; }
  done
}
deferred=()  # failures found early but reported last
one_line() { [ "$(wc -l <"$1")" = 1 ] || { cat "$1" >&2; fail "expected a one-line error, got $(wc -l <"$1") lines"; }; }

# 1. A build directory that does not exist: exit 1, one line naming it; nothing is created.
missing="$SCRATCH/no such build"
plan_expect_exit 1 "$log" nixcc-plan "$missing" -o "$SCRATCH/p1"
one_line "$log"
expect_message "$log" "$missing"
[ ! -e "$missing" ] || fail "nixcc-plan created the missing build directory $missing"
[ ! -e "$SCRATCH/p1" ] || fail "a failed plan left a plan directory behind"

# 2. A fresh build directory configured with plain cmake, no File API query. With --no-configure:
#    exit 2, one line naming the cmake command to run, the query files written, cmake not run. Without
#    it, nixcc-plan writes the query, runs cmake there itself and plans; the next plan runs nothing.
cmake -S "$src" -B "$build" -G Ninja "-DCMAKE_CXX_FLAGS=-DNIXCC_E2E_SALT=$PLAN_SALT" >"$SCRATCH/cmake.log" 2>&1 ||
  { cat "$SCRATCH/cmake.log"; fail "configure failed"; }
[ ! -e "$build/.cmake" ] || fail "a plain configure should leave no File API files"
plan_expect_exit 2 "$log" nixcc-plan "$build" -o "$SCRATCH/p2" --no-configure
one_line "$log"
expect_message "$log" "$build: no CMake File API reply" "now re-run: cmake $build"
for q in codemodel-v2 cache-v2 toolchains-v1 cmakeFiles-v1; do
  [ -f "$build/.cmake/api/v1/query/client-nixcc/$q" ] || fail "nixcc-plan did not write the File API query $q"
done
[ ! -e "$build/.cmake/api/v1/reply" ] || fail "--no-configure ran cmake"
[ ! -e "$SCRATCH/p2" ] || fail "a plan refused for want of a reply left a plan directory behind"
rm -rf "$build/.cmake"  # as fresh as plain cmake left it
plan_run "$SCRATCH/p2" "$build" --batches 3
expect_message "$PLAN_LOG" "$build: no CMake File API reply to nixcc-plan's query; ran " "7 translation units in 3 batches"
[ -n "$(ls "$build/.cmake/api/v1/reply/")" ] || fail "nixcc-plan's cmake run wrote no File API reply"
plan_run "$SCRATCH/p2" "$build" --batches 3
if grep -q "; ran " "$PLAN_LOG"; then cat "$PLAN_LOG" >&2; fail "a current reply should not make nixcc-plan run cmake"; fi

#    A nixcc-plan with no nixcc beside it or on PATH: host mode needs one and says so; nixpkgs mode
#    builds its own, so it goes on, and stops at the host compiler this build was configured with: a
#    nixpkgs-mode derivation holds store paths only (test_plan_nixpkgs.sh plans a store toolchain).
mkdir -p "$SCRATCH/lone"
cp "$NIXCC_BIN_DIR/nixcc-plan" "$SCRATCH/lone/"
lone_path=$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF "$NIXCC_BIN_DIR" | paste -sd:)
PATH=$lone_path plan_expect_exit 1 "$log" "$SCRATCH/lone/nixcc-plan" "$build" -o "$SCRATCH/p2-lone"
one_line "$log"
expect_message "$log" "cannot find the nixcc binary; pass --nixcc PATH"
PATH=$lone_path plan_expect_exit 1 "$log" "$SCRATCH/lone/nixcc-plan" "$build" -o "$SCRATCH/p2-lone" --toolchain nixpkgs
one_line "$log"
compiler=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")
expect_message "$log" "(target " "compiler $compiler is a host path outside /nix/store" "nix-shell or nix develop"

# 3. Malformed compile_commands.json: exit 1, naming the file.
printf '[{"directory": "/tmp", "command": "c++ -c a.cpp"' >"$SCRATCH/compile_commands.json"
plan_expect_exit 1 "$log" nixcc-plan --compile-commands "$SCRATCH/compile_commands.json" -o "$SCRATCH/p3"
one_line "$log"
expect_message "$log" "$SCRATCH/compile_commands.json"
#    ... and one that is valid JSON but not a list of compile commands.
printf '{"directory": "/tmp"}\n' >"$SCRATCH/compile_commands.json"
plan_expect_exit 1 "$log" nixcc-plan --compile-commands "$SCRATCH/compile_commands.json" -o "$SCRATCH/p3"
expect_message "$log" "$SCRATCH/compile_commands.json"

# 4. A configure_file output deleted: the plan names the missing header, and the earlier plan stays.
plan_sum() { find "$1" -maxdepth 1 -type f \( -name default.nix -o -name nixcc-plan-state.json \) -exec md5sum {} + | LC_ALL=C sort; }
before=$(plan_sum "$SCRATCH/p2")
mv "$build/generated/demo/version.h" "$SCRATCH/version.h.saved"
plan_expect_exit 1 "$log" nixcc-plan "$build" -o "$SCRATCH/p2" --batches 3
expect_message "$log" "demo/version.h"
[ "$(plan_sum "$SCRATCH/p2")" = "$before" ] || fail "a failed re-plan changed the earlier plan"
#    ... in a fresh plan directory too (no scan history).
plan_expect_exit 1 "$log" nixcc-plan "$build" -o "$SCRATCH/p4" --batches 3
expect_message "$log" "demo/version.h"
mv "$SCRATCH/version.h.saved" "$build/generated/demo/version.h"

# 5. Command-line mistakes: an unknown flag, --batches 0, conflicting partition flags.
plan_expect_exit_nonzero() {
  local log=$1 got=0
  shift
  "$@" >"$log" 2>&1 || got=$?
  [ "$got" != 0 ] || { cat "$log" >&2; fail "expected failure from: $*"; }
}
plan_expect_exit_nonzero "$log" nixcc-plan "$build" -o "$SCRATCH/p5" --no-such-flag
expect_message "$log" "--no-such-flag"
plan_expect_exit_nonzero "$log" nixcc-plan "$build" -o "$SCRATCH/p5" --batches 0
expect_message "$log" "--batches"
# The message must not contradict itself (CLI11's PositiveNumber prints its lower bound, the smallest
# positive double, as "0.000000": "Value 0 not in range 0.000000 to 1.79e308").
# Reported at the end, so that the checks after this one still run.
grep -Eq 'range 0(\.0+)? to' "$log" && deferred+=("--batches 0 is rejected with a self-contradictory message: $(head -c 120 "$log")...")
expect_message "$log" "--batches: 0 is too small: must be at least 1"
plan_expect_exit_nonzero "$log" nixcc-plan "$build" -o "$SCRATCH/p5" --batch-seconds 0
expect_message "$log" "--batch-seconds: 0 is too small: must be greater than 0"
plan_expect_exit_nonzero "$log" nixcc-plan "$build" -o "$SCRATCH/p5" --jobs two
expect_message "$log" "--jobs: two is not a number"
plan_expect_exit_nonzero "$log" nixcc-plan "$build" -o "$SCRATCH/p5" --batches 2 --per-file
plan_expect_exit_nonzero "$log" nixcc-plan "$build"  # no -o
[ ! -e "$SCRATCH/p5" ] || fail "a rejected command line left a plan directory behind"

# 6. --timings: a file that is not a timing database, and one that does not exist.
printf 'this is not sqlite, just some bytes that are long enough to look like a header....\n' >"$SCRATCH/garbage.sqlite"
plan_expect_exit 1 "$log" nixcc-plan "$build" -o "$SCRATCH/p6" --timings "$SCRATCH/garbage.sqlite"
expect_message "$log" "garbage.sqlite"
plan_expect_exit_nonzero "$log" nixcc-plan "$build" -o "$SCRATCH/p6" --timings "$SCRATCH/absent.sqlite"
expect_message "$log" "absent.sqlite"
#    --previous that is not a directory.
plan_expect_exit 1 "$log" nixcc-plan "$build" -o "$SCRATCH/p6" --previous "$SCRATCH/no-result"
expect_message "$log" "$SCRATCH/no-result"

# 7. A corrupt plan state: exit 1 naming the file; the plan is not rewritten.
before=$(plan_sum "$SCRATCH/p2")
printf '{"format": "nixcc-plan-state", "vers' >"$SCRATCH/p2/nixcc-plan-state.json"
corrupt=$(md5sum <"$SCRATCH/p2/nixcc-plan-state.json")
plan_expect_exit 1 "$log" nixcc-plan "$build" -o "$SCRATCH/p2"
expect_message "$log" "$SCRATCH/p2/nixcc-plan-state.json"
[ "$(md5sum <"$SCRATCH/p2/nixcc-plan-state.json")" = "$corrupt" ] || fail "nixcc-plan overwrote the corrupt state it could not read"
#    valid JSON of the wrong shape is refused the same way.
printf '{"format": "nixcc-plan-state", "version": 1, "mode": "batches", "batch_count": "three", "batches": {}}\n' \
  >"$SCRATCH/p2/nixcc-plan-state.json"
plan_expect_exit 1 "$log" nixcc-plan "$build" -o "$SCRATCH/p2"
expect_message "$log" "$SCRATCH/p2/nixcc-plan-state.json"
#    a newer state version than this planner knows is refused too, naming the versions it reads.
printf '{"format": "nixcc-plan-state", "version": 99, "mode": "batches", "batch_count": 1, "batches": {}}\n' \
  >"$SCRATCH/p2/nixcc-plan-state.json"
plan_expect_exit 1 "$log" nixcc-plan "$build" -o "$SCRATCH/p2"
expect_message "$log" "version 1 to 3"
#    a version-1 state (it kept each manifest's text) is still read: the partition carries forward and
#    the batches whose manifest is unchanged keep it.
rm -rf "$SCRATCH/p7"
plan_expect_exit 0 "$log" nixcc-plan "$build" -o "$SCRATCH/p7" --batches 2
jq --rawfile b0 "$SCRATCH/p7/batches/b0.json" --rawfile b1 "$SCRATCH/p7/batches/b1.json" \
  '.version = 1 | .batches.b0.manifest = $b0 | .batches.b1.manifest = $b1 | del(.batches[].manifest_hash)' \
  "$SCRATCH/p7/nixcc-plan-state.json" >"$SCRATCH/v1.json"
mv "$SCRATCH/v1.json" "$SCRATCH/p7/nixcc-plan-state.json"
plan_expect_exit 0 "$log" nixcc-plan "$build" -o "$SCRATCH/p7"
expect_message "$log" "carried forward from the previous plan; 2 unchanged"
[ "$(jq -r .version "$SCRATCH/p7/nixcc-plan-state.json")" = 3 ] || fail "the re-plan should write a version-3 state"

# 8. CMakeLists.txt edited since the last configure: the reply is stale. --no-configure refuses (exit
#    2, naming the newer file); without it nixcc-plan re-runs cmake and plans the new target. A
#    CMakeLists.txt cmake rejects: cmake's own output, then one line naming the failed cmake command.
printf 'int extra() { return 2; }\n' >"$src/extra.cpp"
printf 'add_library(extra STATIC extra.cpp)\n' >>"$src/CMakeLists.txt"
plan_expect_exit 2 "$log" nixcc-plan "$build" -o "$SCRATCH/p8" --no-configure
one_line "$log"
expect_message "$log" "the File API reply is older than $src/CMakeLists.txt" "now re-run: cmake $build"
plan_run "$SCRATCH/p8" "$build"
expect_message "$PLAN_LOG" "the File API reply is older than $src/CMakeLists.txt; ran " "8 translation units"
cp "$src/CMakeLists.txt" "$SCRATCH/CMakeLists.txt.good"
printf 'message(FATAL_ERROR "nixcc e2e: broken on purpose")\n' >>"$src/CMakeLists.txt"
before=$(plan_sum "$SCRATCH/p8")
plan_expect_exit 1 "$log" nixcc-plan "$build" -o "$SCRATCH/p8"
expect_message "$log" "nixcc e2e: broken on purpose" "failed with exit status 1 (its output is above)"
tail -n 1 "$log" | grep -q "^nixcc-plan: $build: " || { cat "$log" >&2; fail "the last line should be nixcc-plan's, naming $build"; }
[ "$(plan_sum "$SCRATCH/p8")" = "$before" ] || fail "a failed configure changed the earlier plan"
cp "$SCRATCH/CMakeLists.txt.good" "$src/CMakeLists.txt"

# 9. A folder that is not a CMake build directory (no CMakeCache.txt, no compile_commands.json): one
#    line saying so, exit 1, with or without --no-configure, and nothing written into it.
plain="$SCRATCH/plain"
mkdir -p "$plain/sub"
printf 'notes\n' >"$plain/README"
listing() { (cd "$1" && find . -printf '%p %s %T@\n' | LC_ALL=C sort); }
before=$(listing "$plain")
for flags in --metrics --no-configure; do
  plan_expect_exit 1 "$log" nixcc-plan "$plain" -o "$SCRATCH/p9" "$flags"
  one_line "$log"
  expect_message "$log" "$plain: not a CMake build directory (no CMakeCache.txt) and no compile_commands.json in it"
done
[ "$(listing "$plain")" = "$before" ] || fail "nixcc-plan wrote into a folder that is not a build directory"
[ ! -e "$plain/.cmake" ] || fail "nixcc-plan created $plain/.cmake"
[ ! -e "$SCRATCH/p9" ] || fail "a refused plan left a plan directory behind"
#    ... and one holding a compile_commands.json is pointed at --compile-commands.
printf '[]\n' >"$plain/compile_commands.json"
plan_expect_exit 1 "$log" nixcc-plan "$plain" -o "$SCRATCH/p9"
one_line "$log"
expect_message "$log" "not a CMake build directory (no CMakeCache.txt); to plan its compile_commands.json: nixcc-plan --compile-commands $plain/compile_commands.json"
[ ! -e "$plain/.cmake" ] || fail "nixcc-plan created $plain/.cmake"

# 10. A source produced by a build step (not by configure) that has not been built yet: named, with its target.
mkdir -p "$src/gen"
cat >"$src/gen/CMakeLists.txt" <<'EOF'
add_custom_command(OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/made.cpp
  COMMAND ${CMAKE_COMMAND} -E echo "int made() { return 1; }" > ${CMAKE_CURRENT_BINARY_DIR}/made.cpp)
add_library(made STATIC ${CMAKE_CURRENT_BINARY_DIR}/made.cpp)
EOF
printf 'add_subdirectory(gen)\n' >>"$src/CMakeLists.txt"
cmake -S "$src" -B "$build" >"$SCRATCH/cmake.log" 2>&1 || { cat "$SCRATCH/cmake.log"; fail "configure with a generated source failed"; }
plan_expect_exit 1 "$log" nixcc-plan "$build" -o "$SCRATCH/p10"
one_line "$log"
expect_message "$log" "$build/gen/made.cpp" "made"

if [ "${#deferred[@]}" -gt 0 ]; then
  printf 'FAIL: %s\n' "${deferred[@]}" >&2
  fail "${#deferred[@]} deferred failure(s), above"
fi
pass "nixcc-plan's errors exit non-zero, name the culprit and leave earlier plans alone ($(plan_elapsed))"
