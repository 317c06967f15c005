#!/usr/bin/env bash
# Where objects land: a/util.cpp and b/util.cpp give two distinct objects a/util.cpp.o and b/util.cpp.o;
# a source whose path holds a space and a `$` (including such a header) compiles to the object of the
# same name, is reused by a rebuild with --previous and recompiled when that header changes; an explicit
# "object" and a "directory" are honoured; nothing but the objects and timings.sqlite is left in DIR.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/batch_common.sh"
command -v g++ >/dev/null || fail "g++ is not installed"
command -v nm >/dev/null || fail "nm is not installed"

work="$SCRATCH/lay out"  # a space in the root and the output directory too
root="$work/source tree"
batch_make_tree "$root" 4
odd='odd dir/we$ird name.cpp'
mkdir -p "$root/odd dir" "$root/sub"
odd_header='odd dir/h$ead er.h'
echo '#define WEIRD 7' >"$root/$odd_header"
printf '#include "h$ead er.h"\nint weird_name() { return WEIRD; }\n' >"$root/$odd"
echo '#define FROM_SUB 5' >"$root/sub/local.h"
echo '#include "local.h"
int from_sub() { return FROM_SUB; }' >"$root/sub/dir.cpp"

manifest="$work/manifest.json"
args=$BATCH_CXXFLAGS_JSON
cat >"$manifest" <<EOF
{
  "format": "nixcc-batch-manifest",
  "version": 1,
  "name": "layout",
  "compiler": "g++",
  "source_root": $(batch_json_str "$root"),
  "units": [
    {"source": "a/util.cpp", "arguments": $args},
    {"source": "b/util.cpp", "arguments": $args},
    {"source": "src/tu_001.cpp", "object": "custom/first.o", "arguments": $args},
    {"source": "src/tu_002.cpp", "arguments": $args, "cost": 3.5},
    {"source": $(batch_json_str "$odd"), "arguments": $args},
    {"source": "sub/dir.cpp", "directory": "sub", "arguments": ["-I."]}
  ]
}
EOF
out="$work/out dir"
"$NIXCC" batch "$manifest" --out "$out" --jobs 2 >"$SCRATCH/log" 2>&1 || { cat "$SCRATCH/log"; fail "nixcc batch failed"; }

expected=$'a/util.cpp.o\nb/util.cpp.o\ncustom/first.o\nodd dir/we$ird name.cpp.o\nsrc/tu_002.cpp.o\nsub/dir.cpp.o\ntimings.sqlite'
actual=$(cd "$out" && find . -type f -printf '%P\n' | LC_ALL=C sort)
[[ $actual == "$expected" ]] || fail "files in the output directory:
$actual
expected:
$expected"
nm "$out/a/util.cpp.o" | grep -q ' T _Z6a_utili$' || fail "a/util.cpp.o does not define a_util"
nm "$out/b/util.cpp.o" | grep -q ' T _Z6b_utili$' || fail "b/util.cpp.o does not define b_util"
nm "$out/a/util.cpp.o" | grep -q 'b_util' && fail "a/util.cpp.o holds b_util"
nm "$out/custom/first.o" | grep -q ' T _Z6tu_001i$' || fail "custom/first.o does not define tu_001"
nm "$out/$odd.o" | grep -q ' T _Z10weird_namev$' || fail "'$odd.o' does not define weird_name"
nm "$out/sub/dir.cpp.o" | grep -q ' T _Z8from_subv$' || fail "sub/dir.cpp.o does not define from_sub"

db="$out/timings.sqlite"
rows=$(sql "$db" "SELECT source || ' -> ' || object || ' in ' || quote(directory) FROM compiles ORDER BY source")
expected_rows="a/util.cpp -> a/util.cpp.o in ''
b/util.cpp -> b/util.cpp.o in ''
odd dir/we\$ird name.cpp -> odd dir/we\$ird name.cpp.o in ''
src/tu_001.cpp -> custom/first.o in ''
src/tu_002.cpp -> src/tu_002.cpp.o in ''
sub/dir.cpp -> sub/dir.cpp.o in 'sub'"
# The directory column may spell the root as '' or '.'; normalise before comparing.
[[ ${rows//in \'.\'/in \'\'} == "$expected_rows" ]] || fail "compiles rows:
$rows
expected:
$expected_rows"
grep -Fq "] $odd " "$SCRATCH/log" || fail "no progress line names '$odd':
$(cat "$SCRATCH/log")"
# The depfile spells such paths escaped ("\ ", "$$"): reuse works only if nixcc reads them back right.
"$NIXCC" batch "$manifest" --out "$work/again" --previous "$out" --jobs 2 >"$SCRATCH/log2" 2>&1 || { cat "$SCRATCH/log2"; fail "rebuild failed"; }
grep -Eq '^nixcc batch: layout: 6 units, 0 compiled, 6 reused, ' "$SCRATCH/log2" || fail "an unchanged rebuild did not reuse all 6 units:
$(cat "$SCRATCH/log2")"
[[ $(sql "$db" "SELECT count(*) FROM headers h JOIN compiles c ON c.id = h.compile_id WHERE c.source = '$odd' AND h.path = '$odd_header'") == 1 ]] ||
  fail "'$odd_header' is not recorded as a header of '$odd': $(sql "$db" "SELECT path FROM headers")"
echo '#define WEIRD 8' >"$root/$odd_header"
"$NIXCC" batch "$manifest" --out "$work/third" --previous "$work/again" --jobs 2 >"$SCRATCH/log3" 2>&1 || { cat "$SCRATCH/log3"; fail "rebuild after the header edit failed"; }
grep -Eq '^nixcc batch: layout: 6 units, 1 compiled, 5 reused, ' "$SCRATCH/log3" || fail "editing '$odd_header' did not recompile exactly one unit:
$(cat "$SCRATCH/log3")"
[[ $(sql "$work/third/timings.sqlite" "SELECT source FROM compiles WHERE reused = 0") == "$odd" ]] || fail "editing '$odd_header' recompiled the wrong unit"
pass "distinct a/ and b/ util objects, '$odd' compiled and reused, explicit object and directory honoured"
