#!/usr/bin/env bash
# Every route by which a compile reaches its own project's files ends up in the batch: -isystem into the
# tree (spelled with "..", so GCC names its headers by their real path), -I, -iquote, -idirafter,
# -include, -imacros, #include_next, __has_include, a configure_file header, a symlink inside the
# tree, and a -I relative to the working directory. An #include of a project file by its absolute path
# cannot be honoured by a batch (it compiles a copy elsewhere): the planner refuses it with one line. The project's regexp.h has the
# name of a host header (/usr/include/regexp.h is an #error): a batch that lacks the project's copy
# fails loudly instead of quietly building something else. The program prints what each header
# defines; the Nix-built one must print exactly what ninja's prints.
#
# Then the guard: a manifest whose unit does not list a header it reads, and one whose unit reads a
# host file outside the compiler's own directories, each fail with one line that names the unit, the
# file and what the plan expected.
source "$NIXCC_REPO/tests/e2e/lib.sh"
source "$NIXCC_REPO/tests/e2e/plan_common.sh"

src="$SCRATCH/routes" build="$SCRATCH/routes/build" plan="$SCRATCH/plan" result="$SCRATCH/result"
cp -R "$NIXCC_REPO/tests/projects/include_routes" "$src"
plan_write_query "$build"
cmake -S "$src" -B "$build" -G Ninja "-DCMAKE_C_FLAGS=-DNIXCC_E2E_SALT=$PLAN_SALT" >"$SCRATCH/configure.log" 2>&1 ||
  { cat "$SCRATCH/configure.log"; fail "configure failed"; }
ninja -C "$build" >"$SCRATCH/ninja.log" 2>&1 || { cat "$SCRATCH/ninja.log"; fail "ninja failed"; }
expected=$("$build/routes")

plan_run "$plan" "$build"
manifest=$(ls "$plan"/batches/*.json)
for input in s/src/util/regexp.h s/src/next/string.h s/include/alias.h s/src/quoted/quoted.h \
  s/src/after/after.h s/src/relinc/relative.h s/src/forced.h s/src/macros.h b/generated/generated.h \
  s/src/opt/optional.h; do
  jq -e --arg i "$input" '.units[0].inputs | index($i)' "$manifest" >/dev/null ||
    fail "the plan does not list $input among the unit's inputs: $(jq -c '.units[0].inputs' "$manifest")"
done
jq -e '.units[0].inputs | all(startswith("/usr/") | not)' "$manifest" >/dev/null ||
  fail "the compiler's own headers should not be listed: $(jq -c '.units[0].inputs' "$manifest")"
grep -q '"src/real/aliased.h"' "$plan/default.nix" || fail "the batch's sources lack the target of the link include/alias.h"
jq -e '.units[0].directory == "b"' "$manifest" >/dev/null || fail "the build directory is not b: $(jq -c '.units[0].directory' "$manifest")"
jq -e '.units[0].arguments | index("-I@SOURCE_ROOT@/s/src/relinc")' "$manifest" >/dev/null ||
  fail "-I../src/relinc was not made absolute in the frame: $(jq -c '.units[0].arguments' "$manifest")"

plan_nixbuild "$plan" "$result"
got=$("$result/bin/routes")
[ "$got" = "$expected" ] || fail "the Nix-built program differs from ninja's:
  ninja: $expected
  nix:   $got"
grep -q "inputs of 1 checked in" "$NIX_LOG" || fail "the batch did not report its input check: $(cat "$NIX_LOG")"

# The guard, on the planned manifest run by hand in the plan's frame (links to the real tree, so every
# file is there): drop one planned header from the unit's inputs.
jq '.units[0].inputs -= ["s/src/util/regexp.h"]' "$manifest" >"$SCRATCH/unlisted.json"
plan_expect_exit 1 "$SCRATCH/unlisted.log" nixcc batch "$SCRATCH/unlisted.json" --source-root "$plan/.root" --out "$SCRATCH/out1"
line=$(grep '^nixcc batch: .*re-run nixcc-plan$' "$SCRATCH/unlisted.log") || fail "no guard line: $(cat "$SCRATCH/unlisted.log")"
[[ $line == *"s/src/main.c read s/src/util/regexp.h, a file inside the project that the plan did not list for it"* ]] ||
  fail "guard line: $line"
[ ! -e "$SCRATCH/out1" ] || fail "a failed batch left its output"

# A host header outside the compiler's own directories that the plan does not know of.
mkdir -p "$SCRATCH/host inc"
echo '#define UTIL_REGEXP "host"' >"$SCRATCH/host inc/regexp.h"
jq --arg d "$SCRATCH/host inc" '.units[0].arguments = ["-I" + $d] + .units[0].arguments' "$manifest" >"$SCRATCH/host.json"
plan_expect_exit 1 "$SCRATCH/host.log" nixcc batch "$SCRATCH/host.json" --source-root "$plan/.root" --out "$SCRATCH/out2"
line=$(grep '^nixcc batch: .*re-run nixcc-plan$' "$SCRATCH/host.log") || fail "no guard line: $(cat "$SCRATCH/host.log")"
[[ $line == *"read $SCRATCH/host inc/regexp.h, a host file outside the compiler's own include directories that the plan did not list (the plan expected s/src/util/regexp.h)"* ]] ||
  fail "guard line: $line"

# An absolute #include of a project file, written by configure_file: refused at plan time.
printf '#include "@CMAKE_SOURCE_DIR@/src/forced.h"\nint main(void) { return 0; }\n' >"$src/src/abs.c.in"
printf 'configure_file(src/abs.c.in abs.c)\nadd_executable(abs "${CMAKE_BINARY_DIR}/abs.c")\n' >>"$src/CMakeLists.txt"
cmake -S "$src" -B "$build" >"$SCRATCH/configure2.log" 2>&1 || { cat "$SCRATCH/configure2.log"; fail "reconfigure failed"; }
plan_expect_exit 1 "$SCRATCH/abs.log" nixcc-plan "$build" -o "$SCRATCH/plan2"
grep -q "abs.c: reads $src/src/forced.h by its absolute path" "$SCRATCH/abs.log" || fail "no clear refusal: $(cat "$SCRATCH/abs.log")"

pass "every include route planned and built like ninja ($(plan_elapsed)); unplanned reads refused"
