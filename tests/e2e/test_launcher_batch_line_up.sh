#!/usr/bin/env bash
# One project built two ways, with the launcher under ninja and with nixcc-plan + nix-build: both
# databases name every unit and header alike (relative to CMake's source or build directory), so
# `nixcc diff` finds every unit on both sides. Then an incremental nix-build: a result's database is
# one build, whose default view in stats, report and trace is the batches that nix-build ran, and the
# report's compile time is diff's total.
source "$NIXCC_REPO/tests/e2e/lib.sh"
source "$NIXCC_REPO/tests/e2e/plan_common.sh"

src="$SCRATCH/demo" lbuild="$SCRATCH/launcher-build" build="$SCRATCH/build" plan="$SCRATCH/plan"
plan_copy_demo "$src"

# --- the launcher's build ------------------------------------------------------------------------
launcher_db="$SCRATCH/launcher.sqlite"
cmake -S "$src" -B "$lbuild" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER_LAUNCHER="$NIXCC" \
  >"$SCRATCH/launcher-configure.log" 2>&1 || { cat "$SCRATCH/launcher-configure.log"; fail "configure with the launcher failed"; }
NIXCC_DB="$launcher_db" ninja -C "$lbuild" -j2 >"$SCRATCH/ninja.log" 2>&1 || { cat "$SCRATCH/ninja.log"; fail "ninja failed"; }
[ "$(sql "$launcher_db" 'SELECT count(*) FROM compiles')" = 7 ] || fail "the launcher should record 7 compiles"

# --- the batches' build --------------------------------------------------------------------------
plan_configure "$src" "$build"
plan_run "$plan" "$build" --batches 3
plan_nixbuild "$plan" "$SCRATCH/result1"
db1="$SCRATCH/result1/timings.sqlite"

# Every unit's project files, as each database names them: the same on both sides.
project_files() {
  sql "$1" "SELECT c.source_root || '|' || c.source || ' reads ' || h.root || '|' || h.path
            FROM headers h JOIN compiles c ON c.id = h.compile_id WHERE h.root != '' ORDER BY 1"
}
project_files "$launcher_db" >"$SCRATCH/files.launcher"
project_files "$db1" >"$SCRATCH/files.batch"
diff -u "$SCRATCH/files.launcher" "$SCRATCH/files.batch" || fail "the launcher and the batches name files differently"
grep -q ' reads build|generated/demo/version.h$' "$SCRATCH/files.batch" || fail "no unit reads the generated header from the build directory"

"$NIXCC" diff "$launcher_db" "$db1" --format json >"$SCRATCH/diff.json" || fail "nixcc diff failed"
jq -e '.appeared == [] and .vanished == [] and .before.compiles == 7 and .after.compiles == 7' "$SCRATCH/diff.json" >/dev/null ||
  fail "diff should find all 7 units on both sides: $(jq -c '{appeared, vanished, before, after}' "$SCRATCH/diff.json")"
"$NIXCC" diff "$launcher_db" "$db1" >"$SCRATCH/diff.txt"
grep -qx 'Appeared (0)' "$SCRATCH/diff.txt" && grep -qx 'Vanished (0)' "$SCRATCH/diff.txt" || { cat "$SCRATCH/diff.txt"; fail "table diff"; }
# The two util.cpp of two targets stay two units (they never pair with each other).
jq -e '[.changed_inputs[].source] | map(select(endswith("util.cpp"))) | length == 2' "$SCRATCH/diff.json" >/dev/null ||
  fail "the two util.cpp should be compared as two units: $(jq -c '[.changed_inputs[].source]' "$SCRATCH/diff.json")"
pass "the launcher's and the batches' databases line up: diff finds all 7 units on both sides"

# --- an incremental nix-build --------------------------------------------------------------------
edited_key="stats/s/apps/stats/main.cpp"
batch=$(plan_batch_of "$plan" "$edited_key")
members=$(jq -r --arg b "$batch" '.batches[$b].units | length' "$plan/nixcc-plan-state.json")
echo '// edited' >>"$src/apps/stats/main.cpp"
plan_run "$plan" "$build" --previous "$SCRATCH/result1" --timings "$db1"
plan_nixbuild "$plan" "$SCRATCH/result2"
db2="$SCRATCH/result2/timings.sqlite"

# stats: the whole result by default, of which the latest nix-build compiled one unit.
"$NIXCC" stats --db "$db2" --format json >"$SCRATCH/stats.json" || fail "stats failed"
jq -e '.totals.builds == 3 and .totals.compiles == 7 and .totals.compiled == 1 and .totals.reused == 6' "$SCRATCH/stats.json" >/dev/null ||
  fail "stats of the result: $(jq -c .totals "$SCRATCH/stats.json")"
"$NIXCC" stats --db "$db2" | grep -q '^Build  *latest result: 3 batches, 1 run by the latest nix-build$' ||
  fail "stats should say which build it shows: $("$NIXCC" stats --db "$db2" | head -3)"

# trace: only the batch this nix-build ran, unless every build is asked for.
slices() { python3 -c 'import json, sys; print(sum(e["ph"] == "X" for e in json.load(open(sys.argv[1]))["traceEvents"]))' "$1"; }
"$NIXCC" trace --db "$db2" -o "$SCRATCH/trace.json" >/dev/null || fail "trace failed"
[ "$(slices "$SCRATCH/trace.json")" = "$members" ] || fail "the default trace should hold batch $batch's $members units, not $(slices "$SCRATCH/trace.json")"
"$NIXCC" trace --db "$db2" --build all -o "$SCRATCH/trace-all.json" >/dev/null || fail "trace --build all failed"
[ "$(slices "$SCRATCH/trace-all.json")" = 7 ] || fail "trace --build all should hold all 7 units"

# report: this build's batch on the timeline, its true span, and diff's compile time.
"$NIXCC" report --db "$db2" -o "$SCRATCH/report.html" >/dev/null || fail "report failed"
grep -qF "Not drawn: $((7 - members)) units of 2 batches an earlier nix-build made" "$SCRATCH/report.html" ||
  fail "the report should leave out the 2 batches the latest nix-build did not run"
span=$(sql "$db2" "SELECT printf('%.3f', max(c.started_at + c.wall_s) - min(c.started_at)) FROM compiles c
                   JOIN builds b ON b.id = c.build_id WHERE b.invocation = (SELECT invocation FROM builds ORDER BY started_at DESC LIMIT 1)")
card() { sed -n "s|.*<div class=\"card\"><b>\\([^<]*\\)</b>$1</div>.*|\\1|p" "$SCRATCH/report.html"; }
python3 -c 'import sys; a, b = float(sys.argv[1]), float(sys.argv[2].split()[0]); sys.exit(abs(a - b) > 0.002)' "$span" "$(card span)" ||
  fail "the report's span is $(card span), the batch that ran took $span s"
"$NIXCC" diff "$db1" "$db2" --format json >"$SCRATCH/diff2.json" || fail "diff of the two results failed"
total=$(jq -r '.after.wall_s' "$SCRATCH/diff2.json")
[ "$(card 'compile time')" = "$(printf '%.3f s' "$total")" ] || fail "report compile time $(card 'compile time'), diff's total $total"
python3 -c 'import json, sys; s = json.load(open(sys.argv[1]))["totals"]["compile_wall_s"]; sys.exit(abs(s - float(sys.argv[2])) > 1e-6)' \
  "$SCRATCH/stats.json" "$total" || fail "stats compile time differs from diff's total $total"
jq -e '.changed_inputs | length == 1 and .[0].source == "apps/stats/main.cpp"' "$SCRATCH/diff2.json" >/dev/null ||
  fail "diff of the results should name the edited unit: $(jq -c .changed_inputs "$SCRATCH/diff2.json")"
pass "an incremental result: stats, trace and report show the latest nix-build's batch; compile time agrees with diff ($(plan_elapsed))"
