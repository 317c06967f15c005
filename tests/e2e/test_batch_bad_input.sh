#!/usr/bin/env bash
# Bad input to `nixcc batch`: every case exits non-zero with one error line on stderr that names the
# problem, compiles nothing, and leaves the earlier output directory given as --out exactly as it was.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/batch_common.sh"

root="$SCRATCH/tree"
mkdir -p "$root/src"
echo 'int one() { return 1; }' >"$root/src/one.cpp"
echo 'int two() { return 2; }' >"$root/src/two.cpp"
# The stand-in logs every call: no case may start a compiler.
calls="$SCRATCH/compiler-calls"
batch_make_standin "$SCRATCH/real-cc" 0
printf '#!/usr/bin/env bash\necho "$*" >>%q\nexec %q "$@"\n' "$calls" "$SCRATCH/real-cc" >"$SCRATCH/cc"
chmod +x "$SCRATCH/cc"

m="$SCRATCH/manifests"
mkdir -p "$m"
# unit_manifest FILE UNITS_JSON [TOP_LEVEL_OVERRIDES]: a valid manifest but for the given units.
unit_manifest() {
  printf '{"format": "nixcc-batch-manifest", "version": 1, "name": "bad", "compiler": %s,\n "source_root": %s,\n "units": [%s]}\n' \
    "$(batch_json_str "$SCRATCH/cc")" "$(batch_json_str "$root")" "$2" >"$1"
}
unit_manifest "$m/good.json" '{"source": "src/one.cpp"}, {"source": "src/two.cpp"}'

out="$SCRATCH/out"
"$NIXCC" batch "$m/good.json" --out "$out" --jobs 2 >"$SCRATCH/log" 2>&1 || { cat "$SCRATCH/log"; fail "the good batch failed"; }
snapshot() { (cd "$out" && find . -print0 | LC_ALL=C sort -z | xargs -0 stat -c '%n %s %Y %a' && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum); }
before=$(snapshot)
rm -f "$calls"

cases=0
# expect_error NAME PATTERN ARGS...: `nixcc ARGS` fails with one stderr line matching PATTERN (grep -E).
expect_error() {
  local name=$1 pattern=$2 status=0
  shift 2
  cases=$((cases + 1))
  "$NIXCC" "$@" >"$SCRATCH/case.out" 2>"$SCRATCH/case.err" || status=$?
  local err
  err=$(cat "$SCRATCH/case.err")
  [[ $status != 0 ]] || fail "$name: exit status 0; stderr: $err"
  # CLI11 may add its standard hint line; every other line counts.
  local lines
  lines=$(grep -v -x 'Run with --help for more information\.' "$SCRATCH/case.err" | grep -c . || true)
  [[ $lines == 1 ]] || fail "$name: expected one error line on stderr, got $lines:
$err"
  grep -Eq -- "$pattern" "$SCRATCH/case.err" || fail "$name: stderr does not match /$pattern/:
$err"
  [[ ! -s $SCRATCH/case.out ]] || fail "$name: unexpected stdout: $(cat "$SCRATCH/case.out")"
  [[ ! -e $calls ]] || fail "$name: a compiler was started: $(cat "$calls")"
  [[ $(snapshot) == "$before" ]] || fail "$name: the earlier output directory changed"
  [[ -z $(compgen -G "$out.nixcc-old-*" || true) ]] || fail "$name: a set-aside copy of the output was left behind"
}

printf '{"format": "nixcc-batch-manifest", "version": 1, "units": [' >"$m/malformed.json"
expect_error "malformed JSON" 'malformed\.json.*not valid JSON' batch "$m/malformed.json" --out "$out"

expect_error "missing manifest" 'no-such\.json.*(cannot read|no such|not found)' batch "$m/no-such.json" --out "$out"

sed 's/"nixcc-batch-manifest"/"nixcc-batch-manifesto"/' "$m/good.json" >"$m/format.json"
expect_error "wrong format" 'format\.json.*format must be "nixcc-batch-manifest"' batch "$m/format.json" --out "$out"

sed 's/"version": 1/"version": 2/' "$m/good.json" >"$m/version.json"
expect_error "wrong version" 'version\.json.*version must be 1' batch "$m/version.json" --out "$out"

sed 's/"version": 1,//' "$m/good.json" >"$m/no-version.json"
expect_error "missing version" 'no-version\.json.*version must be 1' batch "$m/no-version.json" --out "$out"

unit_manifest "$m/dash-o.json" '{"source": "src/one.cpp"}, {"source": "src/two.cpp", "arguments": ["-O2", "-o", "x.o"]}'
expect_error "-o in arguments" 'units\[1\].*src/two\.cpp.*(-o|plain compile flags)' batch "$m/dash-o.json" --out "$out"

unit_manifest "$m/depfile.json" '{"source": "src/one.cpp", "arguments": ["-MD", "-MF", "x.d"]}'
expect_error "depfile option in arguments" 'units\[0\].*src/one\.cpp.*(depfile|plain compile flags)' batch "$m/depfile.json" --out "$out"

unit_manifest "$m/abs.json" "{\"source\": $(batch_json_str "$root/src/one.cpp")}"
expect_error "absolute source" 'units\[0\]\.source.*must be a relative path' batch "$m/abs.json" --out "$out"

unit_manifest "$m/dotdot.json" '{"source": "src/one.cpp", "object": "../escape.o"}'
expect_error ".. in object" 'units\[0\]\.object.*\.\./escape\.o.*climbs out' batch "$m/dotdot.json" --out "$out"

unit_manifest "$m/dup.json" '{"source": "src/one.cpp", "object": "same.o"}, {"source": "src/two.cpp", "object": "same.o"}'
expect_error "duplicate objects" 'units\[1\]\.object.*same\.o.*produced twice' batch "$m/dup.json" --out "$out"

unit_manifest "$m/dup-default.json" '{"source": "src/one.cpp", "object": "src/two.cpp.o"}, {"source": "src/two.cpp"}'
expect_error "duplicate default object" 'units\[1\]\.object.*src/two\.cpp\.o.*produced twice' batch "$m/dup-default.json" --out "$out"

unit_manifest "$m/compiler.json" '{"source": "src/one.cpp"}, {"source": "src/two.cpp", "compiler": "no-such-compiler-nixcc"}'
expect_error "unknown compiler" 'units\[1\].*no-such-compiler-nixcc.*not found' batch "$m/compiler.json" --out "$out"

unit_manifest "$m/missing-source.json" '{"source": "src/one.cpp"}, {"source": "src/three.cpp"}'
expect_error "missing source file" 'units\[1\].*src/three\.cpp.*no such source file' batch "$m/missing-source.json" --out "$out"

expect_error "unknown flag" '--frobnicate' batch "$m/good.json" --out "$out" --frobnicate
expect_error "--jobs -1" '--jobs' batch "$m/good.json" --out "$out" --jobs -1
expect_error "--jobs 100000" '--jobs' batch "$m/good.json" --out "$out" --jobs 100000
expect_error "no --out" '--out' batch "$m/good.json"

# --out naming something that is not an earlier batch output is refused and left alone.
mkdir -p "$SCRATCH/precious"
echo keep >"$SCRATCH/precious/file"
expect_error "--out over a foreign directory" 'precious.*not an earlier batch output' batch "$m/good.json" --out "$SCRATCH/precious"
[[ $(cat "$SCRATCH/precious/file") == keep && $(ls -A "$SCRATCH/precious") == file ]] || fail "the foreign directory was touched"

pass "$cases bad inputs rejected with one error line each; the earlier output left intact"
