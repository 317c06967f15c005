#!/usr/bin/env bash
# Build ids in launcher mode, and the query side of the database: without NIXCC_BUILD_ID every
# compile of one `cmake --build` (or one recursive `make`) shares an automatic id and the next build
# gets a new one; NIXCC_BUILD_ID is used as given. Then `nixcc stats` (json, csv, --build, --top),
# its errors, the ccache-style aliases -s and -z.
set -euo pipefail
source "$NIXCC_REPO/tests/e2e/lib.sh"
source "$NIXCC_REPO/tests/e2e/launcher_common.sh"

work="$SCRATCH/work dir"
src="$work/launcher demo"
mkdir -p "$work"
cp -R "$NIXCC_REPO/tests/projects/launcher_demo" "$src"
export NIXCC_DB="$work/timings db.sqlite"
n_tus=$(printf '%s\n' "$DEMO_SOURCES" | wc -l)
launcher=(-DCMAKE_C_COMPILER_LAUNCHER="$NIXCC" -DCMAKE_CXX_COMPILER_LAUNCHER="$NIXCC")
for gen in Ninja "Unix Makefiles"; do
  CXX=g++ cmake -S "$src" -B "$work/build $gen" -G "$gen" --no-warn-unused-cli "${launcher[@]}" >"$work/configure.log" 2>&1 ||
    { cat "$work/configure.log" >&2; fail "configure ($gen) failed"; }
done
ninja_build="$work/build Ninja"
make_build="$work/build Unix Makefiles"
cmake_build() { cmake --build "$ninja_build" -j 2 >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; fail "build failed"; }; }
ids_of() { sql "$NIXCC_DB" "SELECT DISTINCT build_id FROM compiles WHERE source IN ($1) ORDER BY id"; }
count() { sql "$NIXCC_DB" "SELECT count(*) FROM compiles $1"; }

# --- automatic ids ----------------------------------------------------------------------------
cmake_build
expect_eq "rows of the first cmake --build" "$n_tus" "$(count '')"
expect_eq "build ids of the first cmake --build" 1 "$(sql "$NIXCC_DB" 'SELECT count(DISTINCT build_id) FROM compiles')"
id1=$(sql "$NIXCC_DB" 'SELECT build_id FROM compiles LIMIT 1')
[[ "$id1" == auto-* ]] || fail "automatic build id '$id1' does not start with auto-"
expect_eq "builds table" "$id1|launcher|$src" "$(sql "$NIXCC_DB" 'SELECT id, kind, base_dir FROM builds')"

touch "$src/app2/main.cpp"
cmake_build
expect_eq "rows of the second cmake --build" "app2/main.cpp" "$(sql "$NIXCC_DB" "SELECT source FROM compiles WHERE build_id != '$id1'")"
id2=$(sql "$NIXCC_DB" "SELECT build_id FROM compiles WHERE build_id != '$id1'")
[[ "$id2" == auto-* ]] || fail "automatic build id '$id2' does not start with auto-"

# A recursive make (CMake's Makefiles run make inside make): still one id for the whole build.
make -C "$make_build" -j2 >"$work/make.log" 2>&1 || { cat "$work/make.log" >&2; fail "make failed"; }
expect_eq "rows of the make build" "$((2 * n_tus + 1))" "$(count '')"
expect_eq "build ids of the make build" 1 \
  "$(sql "$NIXCC_DB" "SELECT count(DISTINCT build_id) FROM compiles WHERE build_id NOT IN ('$id1', '$id2')")"
id3=$(sql "$NIXCC_DB" "SELECT build_id FROM compiles WHERE build_id NOT IN ('$id1', '$id2') LIMIT 1")
[[ "$id3" == auto-* ]] || fail "automatic build id '$id3' does not start with auto-"

# --- an explicit id -----------------------------------------------------------------------------
touch "$src/lib/mathx.cpp"
NIXCC_BUILD_ID="my build 7" cmake_build
expect_eq "rows of the build with NIXCC_BUILD_ID" "lib/mathx.cpp" \
  "$(sql "$NIXCC_DB" "SELECT source FROM compiles WHERE build_id = 'my build 7'")"
expect_eq "builds, in order" "$id1|$n_tus"$'\n'"$id2|1"$'\n'"$id3|$n_tus"$'\n'"my build 7|1" \
  "$(sql "$NIXCC_DB" 'SELECT b.id, count(c.id) FROM builds b JOIN compiles c ON c.build_id = b.id
                      GROUP BY b.id ORDER BY b.started_at')"
expect_eq "distinct automatic ids" 3 "$(printf '%s\n' "$id1" "$id2" "$id3" | sort -u | wc -l)"
total=$(count '')
expect_eq "rows in all" "$((2 * n_tus + 2))" "$total"

# --- nixcc stats ---------------------------------------------------------------------------------
json() {  # json FILE EXPR: evaluates a Python expression over the parsed JSON document `d`
  python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
run() {  # run NAME ARGS...: runs nixcc ARGS, keeps stdout, stderr, status in $work/NAME.*
  local name=$1 rc=0
  shift
  "$NIXCC" "$@" >"$work/$name.out" 2>"$work/$name.err" || rc=$?
  echo "$rc" >"$work/$name.rc"
}
status() { cat "$work/$1.rc"; }

run latest stats --db "$NIXCC_DB" --format json
expect_eq "stats exit status" 0 "$(status latest)"
expect_eq "stats (latest build): build, totals" "my build 7 1 1 0 $NIXCC_DB nixcc-stats" \
  "$(json "$work/latest.out" 'd["build"], d["totals"]["builds"], d["totals"]["compiles"], d["totals"]["failures"], d["database"], d["format"]' |
    tr -d "(),'")"
expect_eq "stats (latest build): slowest by wall" "lib/mathx.cpp" \
  "$(json "$work/latest.out" '"\n".join(r["source"] for r in d["slowest_by_wall"])')"

run all stats --db "$NIXCC_DB" --build all --format json
expect_eq "stats --build all: totals.compiles" "$total" "$(json "$work/all.out" 'd["totals"]["compiles"]')"
expect_eq "stats --build all: totals.builds, failures, build" "4 0 all" \
  "$(json "$work/all.out" 'd["totals"]["builds"], d["totals"]["failures"], d["build"]' | tr -d "(),'")"
expect_eq "stats --build all: sum of wall times" "$(sql "$NIXCC_DB" 'SELECT round(sum(wall_s), 6) FROM compiles')" \
  "$(json "$work/all.out" 'round(d["totals"]["wall_s"], 6)')"
expect_eq "stats --build all: slowest 10 by wall" \
  "$(sql "$NIXCC_DB" 'SELECT source FROM compiles ORDER BY wall_s DESC, id LIMIT 10')" \
  "$(json "$work/all.out" '"\n".join(r["source"] for r in d["slowest_by_wall"])')"

run one stats --db "$NIXCC_DB" --build "$id1" --format json
expect_eq "stats --build <first automatic id>" "$id1 $n_tus" \
  "$(json "$work/one.out" 'd["build"], d["totals"]["compiles"]' | tr -d "(),'")"

run top1 stats --db "$NIXCC_DB" --build all --top 1 --format json
expect_eq "stats --top 1: lengths" "1 1" \
  "$(json "$work/top1.out" 'len(d["slowest_by_wall"]), len(d["slowest_by_cpu"])' | tr -d "(),")"
expect_eq "stats --top 1: the slowest compile" \
  "$(sql "$NIXCC_DB" 'SELECT source || " " || build_id FROM compiles ORDER BY wall_s DESC, id LIMIT 1')" \
  "$(json "$work/top1.out" 'd["slowest_by_wall"][0]["source"] + " " + d["slowest_by_wall"][0]["build"]')"

run csv stats --db "$NIXCC_DB" --build all --top 2 --format csv
expect_eq "stats --format csv: status" 0 "$(status csv)"
expect_eq "stats --format csv: header" "list,rank,source,object,build,wall_s,cpu_s,max_rss_kb,exit_status" \
  "$(head -n 1 "$work/csv.out")"
expect_eq "stats --format csv: list and rank columns" $'wall,1\nwall,2\ncpu,1\ncpu,2' \
  "$(tail -n +2 "$work/csv.out" | cut -d, -f1,2)"
expect_eq "stats --format csv: slowest by wall" \
  "$(sql "$NIXCC_DB" 'SELECT source FROM compiles ORDER BY wall_s DESC, id LIMIT 2')" \
  "$(grep '^wall,' "$work/csv.out" | cut -d, -f3)"

run table stats --db "$NIXCC_DB"
expect_eq "stats (table): status" 0 "$(status table)"
# The table is for people; only its figures are checked, not its layout.
grep -E -q '^Units +1 \(1 compiled, 0 reused, 0 failed\)' "$work/table.out" || fail "stats table: no 'Units 1 (1 compiled, ...' line: $(cat "$work/table.out")"
grep -E -q '^Build +my build 7 \(launcher,' "$work/table.out" || fail "stats table: no 'Build my build 7' line: $(cat "$work/table.out")"

run env-db stats --format json
expect_eq "stats uses NIXCC_DB" "$NIXCC_DB" "$(json "$work/env-db.out" 'd["database"]')"

# --- errors: non-zero, one line, naming what is wrong, nothing on stdout ------------------------
run nosuch stats --db "$NIXCC_DB" --build nosuch
[[ "$(status nosuch)" != 0 ]] || fail "stats --build nosuch exited 0"
expect_eq "stats --build nosuch: stdout" "" "$(cat "$work/nosuch.out")"
expect_eq "stats --build nosuch: stderr lines" 1 "$(wc -l <"$work/nosuch.err")"
grep -q "nosuch" "$work/nosuch.err" || fail "stats --build nosuch: the error does not name the build: $(cat "$work/nosuch.err")"

for missing in /nonexistent "$work/no such dir/timings.sqlite"; do
  run missing stats --db "$missing"
  [[ "$(status missing)" != 0 ]] || fail "stats --db $missing exited 0"
  expect_eq "stats --db $missing: stdout" "" "$(cat "$work/missing.out")"
  expect_eq "stats --db $missing: stderr lines" 1 "$(wc -l <"$work/missing.err")"
  grep -q -F "$missing" "$work/missing.err" || fail "stats --db $missing: the error does not name the path: $(cat "$work/missing.err")"
  [[ ! -e "$missing" ]] || fail "stats --db $missing created it"
done

# --- ccache spellings ---------------------------------------------------------------------------
for alias in -s --show-stats; do
  run alias stats --db "$NIXCC_DB" --build all --format json
  run "alias$alias" "$alias" --db "$NIXCC_DB" --build all --format json
  expect_eq "nixcc $alias: status" 0 "$(status "alias$alias")"
  cmp "$work/alias.out" "$work/alias$alias.out" || fail "nixcc $alias differs from nixcc stats"
done

cp "$NIXCC_DB" "$work/copy.sqlite"  # -z on a copy first: --db is honoured, NIXCC_DB left alone
[[ ! -e "$NIXCC_DB-wal" ]] || cp "$NIXCC_DB-wal" "$work/copy.sqlite-wal"
run zero-copy -z --db "$work/copy.sqlite"
expect_eq "nixcc -z --db copy: status and message" "0 nixcc: cleared $work/copy.sqlite" \
  "$(status zero-copy) $(cat "$work/zero-copy.out")"
expect_eq "rows after -z (copy)" "0 0 0" \
  "$(sql "$work/copy.sqlite" 'SELECT (SELECT count(*) FROM compiles), (SELECT count(*) FROM headers), (SELECT count(*) FROM builds)' | tr '|' ' ')"
expect_eq "rows of NIXCC_DB after -z --db copy" "$total" "$(count '')"

run zero --zero-stats --db "$NIXCC_DB"
expect_eq "nixcc --zero-stats: status" 0 "$(status zero)"
expect_eq "rows after --zero-stats" "0 0 0" \
  "$(sql "$NIXCC_DB" 'SELECT (SELECT count(*) FROM compiles), (SELECT count(*) FROM headers), (SELECT count(*) FROM builds)' | tr '|' ' ')"
run empty stats --db "$NIXCC_DB" --format json
expect_eq "stats of a cleared database" "None 0" \
  "$(json "$work/empty.out" 'd["build"], d["totals"]["compiles"]' | tr -d "(),'")"

# The database still works after -z: the next build records into it.
touch "$src/app1/util.cpp"
NIXCC_BUILD_ID=after-zero cmake_build
expect_eq "rows after -z and a build" "after-zero|app1/util.cpp" "$(sql "$NIXCC_DB" 'SELECT build_id, source FROM compiles')"

pass "build ids: one per build, NIXCC_BUILD_ID honoured; stats json/csv/table, errors, -s and -z"
