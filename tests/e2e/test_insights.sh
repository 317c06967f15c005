#!/usr/bin/env bash
# Timing insights on databases from real builds: a batch build, then the same tree with one header
# edited and rebuilt with --previous; plus a launcher build. Checks trace, diff, stats --by, merge and
# report (rendered in headless Chromium, which must show the units' names; a screenshot is kept).
source "$NIXCC_REPO/tests/e2e/lib.sh"
source "$NIXCC_REPO/tests/e2e/batch_common.sh"

tree="$SCRATCH/tree"
batch_make_tree "$tree" 8
mapfile -t sources < <(batch_sources "$tree")
batch_write_manifest "$SCRATCH/m.json" insights g++ "$tree" "$BATCH_CXXFLAGS_JSON" "${sources[@]}"
"$NIXCC" batch "$SCRATCH/m.json" --out "$SCRATCH/one" --jobs 2 >/dev/null
echo '// edited' >>"$tree/include/extra.h"
"$NIXCC" batch "$SCRATCH/m.json" --out "$SCRATCH/two" --jobs 2 --previous "$SCRATCH/one" >/dev/null
one="$SCRATCH/one/timings.sqlite" two="$SCRATCH/two/timings.sqlite"
readers=$(sql "$one" "SELECT count(DISTINCT c.source) FROM compiles c JOIN headers h ON h.compile_id = c.id WHERE h.path = 'include/extra.h'")
[ "$readers" -ge 2 ] || fail "expected several units to read include/extra.h, got $readers"

# diff names the header, for exactly the units that read it.
"$NIXCC" diff "$one" "$two" --format json >"$SCRATCH/diff.json"
python3 - "$SCRATCH/diff.json" "$readers" <<'PY' || fail "diff did not name the edited header for exactly its readers"
import json, sys
d = json.load(open(sys.argv[1])); readers = int(sys.argv[2])
changed = d["changed_inputs"]
assert len(changed) == readers, (len(changed), readers)
assert all(c["headers"] == ["include/extra.h"] and not c["arguments"] for c in changed), changed
assert d["before"]["compiles"] == d["after"]["compiles"] == 8
assert d["appeared"] == [] and d["vanished"] == []
PY
"$NIXCC" diff "$one" "$two" | grep -q "header include/extra.h" || fail "table diff does not name the header"
"$NIXCC" diff "$one" "$two" --format csv | head -1 | grep -qx "change,source,detail,old_s,new_s" || fail "csv diff header"
pass "diff names include/extra.h for its $readers readers"

# trace: valid Chrome Trace Event JSON, one complete slice per unit, on worker tracks 0 and 1.
"$NIXCC" trace --db "$two" -o "$SCRATCH/trace.json" >/dev/null
python3 - "$SCRATCH/trace.json" <<'PY' || fail "trace is not the expected Chrome Trace Event JSON"
import json, sys
t = json.load(open(sys.argv[1]))
slices = [e for e in t["traceEvents"] if e["ph"] == "X"]
assert len(slices) == 8, len(slices)
assert all(e["dur"] >= 0 and e["ts"] >= 0 and "input_hash" in e["args"] for e in slices)
names = {e["name"] for e in slices}
assert "a/util.cpp" in names and "b/util.cpp" in names, names
compiled = [e for e in slices if e["cat"] == "compile"]
assert {e["tid"] for e in compiled} <= {0, 1}, {e["tid"] for e in compiled}
assert any(e["cat"] == "reused" for e in slices)
meta = [e for e in t["traceEvents"] if e["ph"] == "M" and e["name"] == "process_name"]
assert meta and meta[0]["args"]["name"] == "insights", meta
PY
pass "trace"

# Launcher builds trace too (packed onto tracks, no worker slots). Outside any CMake build or git
# checkout there is no project folder: sources are recorded by their absolute paths.
mkdir -p "$SCRATCH/launch"
for i in 1 2 3; do printf 'int f%s() { return %s; }\n' "$i" "$i" >"$SCRATCH/launch/l$i.cpp"; done
(cd "$SCRATCH/launch" && for i in 1 2 3; do NIXCC_BUILD_ID=launch "$NIXCC" g++ -c "l$i.cpp" -o "l$i.o" & done; wait)
"$NIXCC" trace --db "$NIXCC_DB" --build launch | python3 -c '
import json, sys
t = json.load(sys.stdin)
s = [e for e in t["traceEvents"] if e["ph"] == "X"]
assert sorted(e["name"] for e in s) == [sys.argv[1] + f"/l{i}.cpp" for i in (1, 2, 3)], s
' "$SCRATCH/launch" || fail "launcher trace"
pass "launcher trace"

# stats --by: header ranking puts the header every unit reads first; the other groupings add up.
"$NIXCC" stats --db "$one" --by header --format json >"$SCRATCH/by_header.json"
python3 - "$SCRATCH/by_header.json" <<'PY' || fail "stats --by header"
import json, sys
d = json.load(open(sys.argv[1]))
g = d["groups"]
assert g[0]["key"] == "include/common.h" and g[0]["compiles"] == 8, g[0]
assert all(not x["key"].startswith("/") for x in g), "system headers listed without --system-headers"
PY
"$NIXCC" stats --db "$one" --by header --system-headers --top 500 --format csv | grep -q '^/usr/include' || fail "--system-headers"
for by in target batch dir; do
  total=$("$NIXCC" stats --db "$one" --by "$by" --format json | python3 -c '
import json, sys; d = json.load(sys.stdin); print(sum(x["compiles"] for x in d["groups"]))')
  [ "$total" = 8 ] || fail "stats --by $by counts $total compiles, expected 8"
done
"$NIXCC" stats --db "$one" --by batch | grep -q "^insights " || fail "stats --by batch names the batch"
"$NIXCC" stats --db "$one" --by dir --format json | grep -q '"key": "src"' || fail "stats --by dir"
"$NIXCC" stats --db "$one" --by nonsense >/dev/null 2>&1 && fail "--by nonsense accepted"
pass "stats --by"

# merge: both batch databases into one; merging again adds nothing; inputs untouched.
before=$(sha256sum "$one" | cut -d' ' -f1)
"$NIXCC" merge "$SCRATCH/merged.sqlite" "$one" "$two" >/dev/null
"$NIXCC" merge "$SCRATCH/merged.sqlite" "$one" >/dev/null
[ "$(sql "$SCRATCH/merged.sqlite" 'SELECT count(*) FROM compiles')" = 16 ] || fail "merge count"
[ "$(sha256sum "$one" | cut -d' ' -f1)" = "$before" ] || fail "merge modified an input"
"$NIXCC" merge "$SCRATCH/m2.sqlite" "$one" "$SCRATCH/nonexistent.sqlite" 2>"$SCRATCH/err" && fail "merge of a missing input succeeded"
grep -q "nonexistent.sqlite" "$SCRATCH/err" || fail "merge error does not name the missing input"
[ ! -e "$SCRATCH/m2.sqlite" ] || fail "failed merge left an output"
"$NIXCC" stats --db "$one" --db "$two" --build all --format json | grep -q '"compiles": 16' || fail "stats over two databases"
pass "merge"

# Bad option values: one plain line naming the option and what it takes, exit status 1 or more.
bad_option() {
  local expected=$1
  shift
  "$NIXCC" "$@" >"$SCRATCH/out" 2>"$SCRATCH/err" && fail "nixcc $* succeeded"
  grep -qF -- "$expected" "$SCRATCH/err" || fail "nixcc $*: expected '$expected' in: $(cat "$SCRATCH/err")"
  grep -qE '[0-9]{30}|OR \{|->' "$SCRATCH/err" && fail "nixcc $*: CLI11's internals leak into the message: $(cat "$SCRATCH/err")"
  return 0
}
bad_option "--top: -1 is too small: must be at least 0" stats --db "$one" --top -1
bad_option "--top: x is not a number" stats --db "$one" --top x
bad_option "--format: 'xml' is not one of csv, json, table" stats --db "$one" --format xml
bad_option "--by: 'file' is not one of batch, dir, header, target" stats --db "$one" --by file
bad_option "--format: 'yaml' is not one of csv, json, table" diff "$one" "$two" --format yaml
bad_option "--min-ratio: -0.5 is too small: must be at least 0" diff "$one" "$two" --min-ratio -0.5
bad_option "--top: 0 is too small: must be at least 1" report --db "$two" -o "$SCRATCH/r.html" --top 0
"$NIXCC" stats --db "$one" --format JSON | grep -q '"compiles"' || fail "--format is case-insensitive"
# A trace that cannot be written (the output names a folder) fails in one line and leaves nothing behind.
mkdir -p "$SCRATCH/trace-dir"
"$NIXCC" trace --db "$two" -o "$SCRATCH/trace-dir" >"$SCRATCH/out" 2>"$SCRATCH/err" && fail "trace into a folder succeeded"
grep -qF "$SCRATCH/trace-dir" "$SCRATCH/err" || fail "trace error does not name the output: $(cat "$SCRATCH/err")"
[[ $(wc -l <"$SCRATCH/err") == 1 ]] || fail "trace error is not one line: $(cat "$SCRATCH/err")"
[[ -d "$SCRATCH/trace-dir" && ! -e "$SCRATCH/trace-dir.tmp" ]] || fail "a failed trace left a temporary file or lost the folder"
pass "bad option values"

# report: self-contained HTML that headless Chromium renders with the units' names.
"$NIXCC" report --db "$two" --previous "$one" -o "$SCRATCH/report.html" >/dev/null
grep -qiE '<script|https?://' "$SCRATCH/report.html" && fail "report is not self-contained"
chrome=(chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
        --disable-component-update --disable-sync "--user-data-dir=$SCRATCH/chromium")
timeout 120 "${chrome[@]}" --dump-dom "file://$SCRATCH/report.html" >"$SCRATCH/dom.html" 2>/dev/null
for name in a/util.cpp b/util.cpp include/extra.h "Changed inputs"; do
  grep -qF "$name" "$SCRATCH/dom.html" || fail "rendered report does not show $name"
done
mkdir -p "$NIXCC_ARTIFACTS_DIR"
timeout 120 "${chrome[@]}" --window-size=1200,1600 --screenshot="$NIXCC_ARTIFACTS_DIR/report.png" \
  "file://$SCRATCH/report.html" >/dev/null 2>&1
[ -s "$NIXCC_ARTIFACTS_DIR/report.png" ] || fail "no screenshot"
pass "report rendered; screenshot at $NIXCC_ARTIFACTS_DIR/report.png"
