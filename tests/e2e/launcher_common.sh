# Shared by the launcher end-to-end tests (test_launcher_make_gcc.sh, test_launcher_ninja_clang.sh,
# and the fixture constants for test_launcher_ccache.sh and test_launcher_build_id.sh): sourced after
# lib.sh, never run on its own (CTest only runs tests/e2e/test_*.sh). Another generator/compiler
# pair is one three-line test_launcher_<tool>_<compiler>.sh calling run_launcher_demo_test; the two
# here cover both generators and both compilers within the e2e time budget.
#
# run_launcher_demo_test GENERATOR CC CXX builds tests/projects/launcher_demo twice from one copy,
# plainly and with nixcc as the C and C++ compiler launcher, and checks that nixcc changed nothing
# about the build while recording exactly one row per translation unit; then it edits a shared
# header and checks what was rebuilt and which input hashes changed.

# What the fixture project is built to contain (asserted against the sources, so edits to the
# fixture that break these assumptions fail loudly rather than weakening the test).
DEMO_SOURCES=$'app1/main.cpp\napp1/util.cpp\napp2/main.cpp\nlib/greet.cpp\nlib/mathx.cpp\nlib/scale.cpp'
DEMO_OBJECTS=$'app1/CMakeFiles/app1.dir/main.cpp.o\napp1/CMakeFiles/app1.dir/util.cpp.o\napp2/CMakeFiles/app2.dir/main.cpp.o\nlib/CMakeFiles/demo.dir/greet.cpp.o\nlib/CMakeFiles/demo.dir/mathx.cpp.o\nlib/CMakeFiles/demo.dir/scale.cpp.o'
DEMO_SHARED_USERS=$'app1/main.cpp\nlib/greet.cpp'  # include "demo/shared.h"
DEMO_SHARED_USER_OBJECTS=$'app1/CMakeFiles/app1.dir/main.cpp.o\nlib/CMakeFiles/demo.dir/greet.cpp.o'
DEMO_DETAIL_USERS='lib/mathx.cpp'                   # include "detail.h"
DEMO_WARNING_TU='lib/scale.cpp'                     # -Wall: unused variable
DEMO_DEMO_H_USERS=$'app1/main.cpp\napp2/main.cpp\nlib/greet.cpp\nlib/mathx.cpp\nlib/scale.cpp'
DEMO_APP1_LINE='app1: launcher_demo answer=42 sum=42'
DEMO_APP2_LINE='app2: launcher_demo scale=42'

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
  if [[ "$2" != "$3" ]]; then
    fail "$1: expected
---
$2
---
got
---
$3
---"
  fi
}

# Lines of a build log that are not the build tool's own progress chatter: the compiler's diagnostics.
build_diagnostics() {
  grep -v -E '^\[ *[0-9]+(%|/[0-9]+)\]|^(g?make|ninja)(\[[0-9]+\])?: |^Consolidate compiler generated dependencies|^Scanning dependencies' \
    "$1" || true
}

# Sorted list of objects (relative to the build directory) under CMake's per-target folders.
list_objects() {
  (cd "$1" && find . -path '*/CMakeFiles/*.dir/*' -name '*.o' -printf '%P\n' | LC_ALL=C sort)
}

# "path mtime" for every object, to see which ones a rebuild rewrote.
object_mtimes() {
  (cd "$1" && find . -path '*/CMakeFiles/*.dir/*' -name '*.o' -printf '%P %T@\n' | LC_ALL=C sort)
}

# Sources (relative to DIR) whose object changed between two object_mtimes listings.
objects_rewritten() {
  LC_ALL=C join -j1 "$1" "$2" | awk '$2 != $3 { print $1 }'
}

run_launcher_demo_test() {
  local gen=$1 cc=$2 cxx=$3
  local tool
  case "$gen" in
    Ninja) tool="ninja" ;;
    "Unix Makefiles") tool="make" ;;
    *) fail "unknown generator $gen" ;;
  esac
  local cxx_path
  cxx_path=$(command -v "$cxx") || fail "$cxx is not installed"

  # Spaces in every path the build sees: the source tree, both build trees, the database.
  local work="$SCRATCH/work dir"
  local src="$work/launcher demo"
  local plain="$work/build plain"
  local nx="$work/build nixcc"
  export NIXCC_DB="$work/timings db.sqlite"
  mkdir -p "$work"
  cp -R "$NIXCC_REPO/tests/projects/launcher_demo" "$src"

  # --- the fixture is what the checks below assume -------------------------------------------
  expect_eq "the fixture's translation units" "$DEMO_SOURCES" \
    "$(cd "$src" && find . -name '*.cpp' -printf '%P\n' | LC_ALL=C sort)"
  expect_eq "the fixture's includers of demo/shared.h" "$DEMO_SHARED_USERS" \
    "$(cd "$src" && grep -rl --include='*.cpp' '#include "demo/shared.h"' . | sed 's|^\./||' | LC_ALL=C sort)"
  expect_eq "the fixture's includers of detail.h" "$DEMO_DETAIL_USERS" \
    "$(cd "$src" && grep -rl --include='*.cpp' '#include "detail.h"' . | sed 's|^\./||' | LC_ALL=C sort)"
  local n_tus
  n_tus=$(printf '%s\n' "$DEMO_SOURCES" | wc -l)

  # --- configure and build, plain and through nixcc ------------------------------------------
  configure() {
    local dir=$1
    shift
    CC="$cc" CXX="$cxx_path" cmake -S "$src" -B "$dir" -G "$gen" --no-warn-unused-cli -DCMAKE_BUILD_TYPE= "$@" \
      >"$dir.configure.log" 2>&1 || { cat "$dir.configure.log" >&2; fail "configure of $dir failed"; }
  }
  build() {
    local dir=$1 log=$2
    "$tool" -C "$dir" -j2 >"$log" 2>&1 || { cat "$log" >&2; fail "$tool build of $dir failed"; }
  }
  configure "$plain"
  configure "$nx" -DCMAKE_C_COMPILER_LAUNCHER="$NIXCC" -DCMAKE_CXX_COMPILER_LAUNCHER="$NIXCC"
  expect_eq "the C++ launcher in the cache" "$NIXCC" \
    "$(sed -n 's/^CMAKE_CXX_COMPILER_LAUNCHER:[A-Z]*=//p' "$nx/CMakeCache.txt")"
  [[ ! -e "$NIXCC_DB" ]] || fail "configuring recorded compiles: $(sql "$NIXCC_DB" 'SELECT source FROM compiles')"

  build "$plain" "$work/plain.log"
  NIXCC_BUILD_ID=first build "$nx" "$work/first.log"

  # --- one row per translation unit -------------------------------------------------------------
  if [[ "$(sql "$NIXCC_DB" 'SELECT count(*) FROM compiles')" != "$n_tus" ]]; then  # say what is missing
    echo "recorded: $(sql "$NIXCC_DB" 'SELECT source, build_id, exit_status FROM compiles' | tr '\n' ' ')" >&2
    echo "build log of the nixcc build:" >&2
    cat "$work/first.log" >&2
  fi
  expect_eq "compile rows" "$n_tus" "$(sql "$NIXCC_DB" 'SELECT count(*) FROM compiles')"
  expect_eq "recorded sources (each once)" "$DEMO_SOURCES" \
    "$(sql "$NIXCC_DB" "SELECT source FROM compiles WHERE build_id = 'first' ORDER BY source")"
  expect_eq "recorded objects" "$DEMO_OBJECTS" \
    "$(sql "$NIXCC_DB" "SELECT object FROM compiles ORDER BY object")"
  expect_eq "roots: sources under the source directory, objects and working directories under the build directory" \
    "source|build|build" "$(sql "$NIXCC_DB" "SELECT DISTINCT source_root, object_root, directory_root FROM compiles")"
  expect_eq "builds" "first|launcher|$src" "$(sql "$NIXCC_DB" 'SELECT id, kind, base_dir FROM builds')"
  expect_eq "rows with exit 0, c++, the configured compiler, a 128-bit input hash, a wall time" "$n_tus" \
    "$(sql "$NIXCC_DB" "SELECT count(*) FROM compiles WHERE exit_status = 0 AND language = 'c++'
        AND compiler = '$cxx_path' AND length(input_hash) = 32 AND input_hash NOT GLOB '*[^0-9a-f]*'
        AND length(args_hash) = 32 AND wall_s > 0 AND wall_s < 60 AND max_rss_kb > 0")"
  expect_eq "one compiler identity" 1 "$(sql "$NIXCC_DB" 'SELECT count(DISTINCT compiler_id) FROM compiles')"
  local obj
  while IFS= read -r obj; do
    [[ -f "$nx/$obj" ]] || fail "recorded object $obj does not exist in $nx"
  done <<<"$DEMO_OBJECTS"

  # --- the build is untouched: same objects, programs, diagnostics ------------------------------
  expect_eq "objects of the plain build" "$DEMO_OBJECTS" "$(list_objects "$plain")"
  expect_eq "objects of the nixcc build" "$DEMO_OBJECTS" "$(list_objects "$nx")"
  while IFS= read -r obj; do
    cmp "$plain/$obj" "$nx/$obj" || fail "$obj differs between the plain and the nixcc build"
  done <<<"$DEMO_OBJECTS"
  local dir
  for dir in "$plain" "$nx"; do
    expect_eq "app1 output ($dir)" "$DEMO_APP1_LINE" "$("$dir/app1/app1")"
    expect_eq "app2 output ($dir)" "$DEMO_APP2_LINE" "$("$dir/app2/app2")"
  done
  local plain_diag nx_diag
  plain_diag=$(build_diagnostics "$work/plain.log")
  nx_diag=$(build_diagnostics "$work/first.log")
  expect_eq "warnings in the plain build" 1 "$(grep -c 'warning: unused variable .unused_total.' <<<"$plain_diag")"
  expect_eq "compiler output in the build log (plain vs nixcc)" "$plain_diag" "$nx_diag"

  # The same compile run directly, with and without nixcc: every byte of stdout/stderr, the exit
  # code and the object are the same, and the nixcc run is recorded.
  mkdir -p "$work/direct plain" "$work/direct nixcc"
  local rc_plain=0 rc_nx=0
  (cd "$work/direct plain" && "$cxx" -Wall -std=c++17 -I"$src/include" -c "$src/$DEMO_WARNING_TU" -o scale.o \
    >stdout 2>stderr) || rc_plain=$?
  (cd "$work/direct nixcc" && NIXCC_DB="$work/direct.sqlite" "$NIXCC" "$cxx" -Wall -std=c++17 -I"$src/include" \
    -c "$src/$DEMO_WARNING_TU" -o scale.o >stdout 2>stderr) || rc_nx=$?
  expect_eq "direct compile exit code" "0 0" "$rc_plain $rc_nx"
  grep -q 'warning: unused variable .unused_total.' "$work/direct plain/stderr" || fail "no warning from a direct compile"
  cmp "$work/direct plain/stderr" "$work/direct nixcc/stderr" || fail "direct compile: stderr differs"
  cmp "$work/direct plain/stdout" "$work/direct nixcc/stdout" || fail "direct compile: stdout differs"
  cmp "$work/direct plain/scale.o" "$work/direct nixcc/scale.o" || fail "direct compile: object differs"
  # No CMake build and no git checkout around it: every path is absolute, with no root.
  expect_eq "direct compile row" "|$src/$DEMO_WARNING_TU||$work/direct nixcc/scale.o|0" \
    "$(sql "$work/direct.sqlite" 'SELECT source_root, source, object_root, object, exit_status FROM compiles')"

  # --- headers: each TU lists exactly the project headers it includes --------------------------
  headers_users() {  # BUILD HEADER -> sorted sources whose row lists HEADER
    sql "$NIXCC_DB" "SELECT c.source FROM headers h JOIN compiles c ON c.id = h.compile_id
                     WHERE c.build_id = '$1' AND h.path = '$2' ORDER BY c.source"
  }
  expect_eq "TUs listing include/demo/shared.h" "$DEMO_SHARED_USERS" "$(headers_users first include/demo/shared.h)"
  expect_eq "TUs listing lib/detail.h" "$DEMO_DETAIL_USERS" "$(headers_users first lib/detail.h)"
  expect_eq "TUs listing include/demo/demo.h" "$DEMO_DEMO_H_USERS" "$(headers_users first include/demo/demo.h)"
  expect_eq "project headers recorded (relative to the source dir)" \
    $'include/demo/demo.h\ninclude/demo/shared.h\nlib/detail.h' \
    "$(sql "$NIXCC_DB" "SELECT DISTINCT path FROM headers WHERE root = 'source' ORDER BY path")"
  expect_eq "header roots" $'\nsource' "$(sql "$NIXCC_DB" "SELECT DISTINCT root FROM headers ORDER BY root")"
  expect_eq "header rows naming their own source, or with a bad hash" 0 \
    "$(sql "$NIXCC_DB" "SELECT count(*) FROM headers h JOIN compiles c ON c.id = h.compile_id
                        WHERE h.path = c.source OR length(h.hash) != 32")"
  expect_eq "distinct hashes of shared.h" 1 \
    "$(sql "$NIXCC_DB" "SELECT count(DISTINCT hash) FROM headers WHERE path = 'include/demo/shared.h'")"

  # --- edit the shared header: exactly its includers rebuild, and only their hashes change ------
  local before after
  before=$(object_mtimes "$nx")
  printf '// edited by the end-to-end test\n' >>"$src/include/demo/shared.h"
  NIXCC_BUILD_ID=second build "$nx" "$work/second.log"
  after=$(object_mtimes "$nx")
  expect_eq "objects the build tool rewrote" \
    "$DEMO_SHARED_USER_OBJECTS" \
    "$(objects_rewritten <(printf '%s\n' "$before") <(printf '%s\n' "$after"))"
  expect_eq "compiles the build tool ran" 2 "$(grep -c 'Building CXX object' "$work/second.log")"
  expect_eq "rows of the second build" "$DEMO_SHARED_USERS" \
    "$(sql "$NIXCC_DB" "SELECT source FROM compiles WHERE build_id = 'second' ORDER BY source")"
  expect_eq "shared.h hash changed in the second build" 1 \
    "$(sql "$NIXCC_DB" "SELECT count(DISTINCT h.hash) FROM headers h JOIN compiles c ON c.id = h.compile_id
                        WHERE c.build_id = 'second' AND h.path = 'include/demo/shared.h'
                        AND h.hash NOT IN (SELECT hash FROM headers WHERE path = 'include/demo/shared.h'
                                           AND compile_id IN (SELECT id FROM compiles WHERE build_id = 'first'))")"
  # The latest row per source against the first build's row: changed exactly for the includers.
  local changed_latest
  changed_latest=$(sql "$NIXCC_DB" "
    SELECT f.source FROM compiles f
    JOIN compiles l ON l.source = f.source AND l.id = (SELECT max(id) FROM compiles WHERE source = f.source)
    WHERE f.build_id = 'first' AND l.input_hash != f.input_hash ORDER BY f.source")
  expect_eq "sources whose latest input hash differs from the first build's" "$DEMO_SHARED_USERS" "$changed_latest"

  # A build with nothing to do runs no compiler and records nothing.
  NIXCC_BUILD_ID=noop build "$nx" "$work/noop.log"
  expect_eq "rows of a no-op build" 0 "$(sql "$NIXCC_DB" "SELECT count(*) FROM compiles WHERE build_id = 'noop'")"
  expect_eq "builds after a no-op build" $'first\nsecond' "$(sql "$NIXCC_DB" 'SELECT id FROM builds ORDER BY started_at')"

  # Unchanged sources were skipped above, so their latest row is still the first build's. Recompile
  # everything to see that the hash is a function of the inputs: a full rebuild reproduces the first
  # build's hash for every TU that does not read shared.h and the second build's for those that do.
  "$tool" -C "$nx" clean >"$work/clean.log" 2>&1 || { cat "$work/clean.log" >&2; fail "clean failed"; }
  [[ -z "$(list_objects "$nx")" ]] || fail "clean left objects behind"
  NIXCC_BUILD_ID=third build "$nx" "$work/third.log"
  expect_eq "rows of the full rebuild" "$DEMO_SOURCES" \
    "$(sql "$NIXCC_DB" "SELECT source FROM compiles WHERE build_id = 'third' ORDER BY source")"
  expect_eq "sources whose full-rebuild hash differs from the first build's" "$DEMO_SHARED_USERS" \
    "$(sql "$NIXCC_DB" "SELECT t.source FROM compiles t JOIN compiles f ON f.source = t.source AND f.build_id = 'first'
                        WHERE t.build_id = 'third' AND t.input_hash != f.input_hash ORDER BY t.source")"
  expect_eq "sources whose full-rebuild hash differs from the second build's" "" \
    "$(sql "$NIXCC_DB" "SELECT t.source FROM compiles t JOIN compiles s ON s.source = t.source AND s.build_id = 'second'
                        WHERE t.build_id = 'third' AND t.input_hash != s.input_hash")"
  expect_eq "args hash stable across builds" "$n_tus" \
    "$(sql "$NIXCC_DB" "SELECT count(*) FROM compiles t JOIN compiles f ON f.source = t.source AND f.build_id = 'first'
                        WHERE t.build_id = 'third' AND t.args_hash = f.args_hash")"
  while IFS= read -r obj; do
    cmp "$plain/$obj" "$nx/$obj" || fail "$obj of the full rebuild differs from the plain build's"
  done <<<"$DEMO_OBJECTS"
  expect_eq "app1 output after the edit" "$DEMO_APP1_LINE" "$("$nx/app1/app1")"

  pass "launcher: $tool with $cxx: $n_tus rows, identical objects and diagnostics, header edit rebuilt exactly its includers"
}
