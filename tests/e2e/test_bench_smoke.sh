#!/usr/bin/env bash
# The benchmark suite at its smallest size (bench/run.py --smoke: 6 synthetic TUs, one run, every
# contender and scenario, no real project): it must finish and write its JSON with the expected keys.
# Timings are not checked: this is a smoke test, not a gate on performance.
source "$NIXCC_REPO/tests/e2e/lib.sh"
for tool in python3 cmake make ninja ccache nix-build nix-instantiate; do
  command -v "$tool" >/dev/null || fail "$tool is not installed"
done
json="$SCRATCH/bench.json"
started=$SECONDS
if ! python3 "$NIXCC_REPO/bench/run.py" --smoke --json "$json" --work "$SCRATCH/work" --cache "$SCRATCH/cache" \
  --nixcc "$NIXCC" --nixcc-plan "$NIXCC_BIN_DIR/nixcc-plan" >"$SCRATCH/out" 2>"$SCRATCH/err"; then
  tail -n 60 "$SCRATCH/err" >&2
  fail "bench/run.py --smoke failed"
fi
[ -s "$json" ] || fail "bench/run.py --smoke wrote no $json"
grep -q '^## targets' "$SCRATCH/out" || { cat "$SCRATCH/out"; fail "no table printed"; }
python3 - "$json" <<'EOF' || fail "the JSON lacks expected keys"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["format"] == "nixcc-bench" and r["version"] == 1 and r["complete"] is True, "format/version/complete"
for k in ("date", "machine", "versions", "options", "projects", "targets", "elapsed_s"):
    assert k in r, k
assert r["machine"]["nproc"] >= 1 and r["versions"]["nix"], "machine/versions"
(p,) = r["projects"]
assert p["name"] == "synthetic-6" and p["tus"] == 6 and p["runs"] == 1, p["name"]
contenders = ["make", "ninja", "ccache_cold", "ccache_warm", "launcher", "nix_batched", "nix_per_file"]
for sc in ("cold", "noop", "edit_cpp", "edit_header", "add_tu"):
    for c in contenders:
        s = p["results"][sc][c]
        for k in ("wall_s", "cpu_s", "cpu_util", "tree_peak_mb", "max_rss_mb", "wall_vs_make", "tree_peak_vs_make",
                  "units_compiled", "runs"):
            assert k in s, f"{sc}/{c}/{k}"
        assert s["wall_s"] > 0, f"{sc}/{c} wall"
    for c in ("nix_batched", "nix_per_file"):
        assert "planner_s" in p["results"][sc][c] and "nix_build_s" in p["results"][sc][c], f"{sc}/{c} planner"
    assert p["results"][sc]["make"]["wall_vs_make"] == 1.0
assert p["results"]["cold"]["make"]["units_compiled"] == 6, "cold make compiles 6 units"
assert p["results"]["noop"]["nix_batched"]["derivations_built"] == 0, "a no-op plan builds nothing"
assert p["results"]["edit_cpp"]["nix_batched"]["units_compiled"] == 1, "one edited .cpp compiles one unit"
for c in ("nix_batched", "nix_per_file"):
    i = p["instantiate"][c]
    assert i["wall_s"] > 0 and i["peak_rss_mb"] > 0, f"instantiate {c}"
assert any(t["name"].startswith("launcher overhead") for t in r["targets"]), "targets"
print("json ok")
EOF
pass "bench/run.py --smoke finished in $((SECONDS - started))s and wrote $json"
