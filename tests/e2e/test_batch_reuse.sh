#!/usr/bin/env bash
# Reuse with --previous, with real g++, across a move of the source tree (the way a Nix store path
# changes with every edit):
#   - one edited .cpp: exactly it is compiled, the 19 others are reused, and every object equals the
#     one a clean build of the edited tree makes (byte for byte, despite -g and a new absolute path);
#   - an edited header: exactly the units that include it are compiled;
#   - nothing edited: nothing is compiled, also when --previous is the --out directory itself.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/batch_common.sh"
command -v g++ >/dev/null || fail "g++ is not installed"

N=20
# $1: log; $2: expected compiled; $3: expected reused.
expect_summary() {
  grep -Eq "^nixcc batch: reuse: $N units, $2 compiled, $3 reused, [0-9.]+s on 2 jobs\$" "$1" ||
    fail "expected a summary with $2 compiled and $3 reused in $1:
$(cat "$1")"
}
# $1: output dir; prints "source reused" rows.
compiled_sources() { sql "$1/timings.sqlite" "SELECT source FROM compiles WHERE reused = 0 ORDER BY source"; }
reused_count() { sql "$1/timings.sqlite" "SELECT count(*) FROM compiles WHERE reused = 1"; }
objects_of() { (cd "$1" && find . -type f -name '*.o' -printf '%P\n' | LC_ALL=C sort); }
checksums() { (cd "$1" && find . -type f -name '*.o' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum); }
run_batch() {  # run_batch LOG ARGS...
  local log=$1
  shift
  "$NIXCC" batch "$@" >"$log" 2>&1 || { cat "$log" >&2; fail "nixcc batch $* failed"; }
}

one="$SCRATCH/first checkout"
two="$SCRATCH/second checkout"
mkdir -p "$one"
batch_make_tree "$one/tree" $N
mapfile -t sources < <(batch_sources "$one/tree")
[[ ${#sources[@]} == "$N" ]] || fail "generated ${#sources[@]} sources, expected $N"
batch_write_manifest "$one/manifest.json" reuse g++ tree "$BATCH_CXXFLAGS_JSON" "${sources[@]}"

# 1. A first build.
run_batch "$SCRATCH/log1" "$one/manifest.json" --out "$SCRATCH/out1" --jobs 2
expect_summary "$SCRATCH/log1" $N 0
[[ $(objects_of "$SCRATCH/out1" | wc -l) == "$N" ]] || fail "out1 does not hold $N objects"

# 2. The tree moves (new absolute path) and one .cpp changes.
cp -R "$one" "$two"
edited=src/tu_003.cpp
echo 'int tu_003_more(int x) { return x + 42; }' >>"$two/tree/$edited"
run_batch "$SCRATCH/log2" "$two/manifest.json" --out "$SCRATCH/out2" --jobs 2 --previous "$SCRATCH/out1"
expect_summary "$SCRATCH/log2" 1 $((N - 1))
[[ $(compiled_sources "$SCRATCH/out2") == "$edited" ]] ||
  fail "expected only $edited compiled, got: $(compiled_sources "$SCRATCH/out2" | tr '\n' ' ')"
[[ $(reused_count "$SCRATCH/out2") == $((N - 1)) ]] || fail "expected $((N - 1)) reused rows"
[[ $(grep -Ec '^\[[^ ]+ [0-9]+/20\] [^ ]+ reused$' "$SCRATCH/log2") == $((N - 1)) ]] ||
  fail "expected $((N - 1)) '[k/$N] SOURCE reused' lines:
$(cat "$SCRATCH/log2")"
grep -Eq "^\[[^ ]+ [0-9]+/20\] $edited [0-9]+\.[0-9]s\$" "$SCRATCH/log2" || fail "no progress line for $edited"
bad_original=$(sql "$SCRATCH/out2/timings.sqlite" \
  "SELECT count(*) FROM compiles WHERE reused = 1 AND NOT (original_wall_s > 0)")
[[ $bad_original == 0 ]] || fail "$bad_original reused rows lack original_wall_s > 0"
[[ $(sql "$SCRATCH/out2/timings.sqlite" "SELECT base_dir FROM builds") == "$two/tree" ]] ||
  fail "builds.base_dir is not the new tree"

# A clean build of the edited tree: the reference every object must equal.
run_batch "$SCRATCH/log3" "$two/manifest.json" --out "$SCRATCH/out3" --jobs 2
expect_summary "$SCRATCH/log3" $N 0
[[ $(objects_of "$SCRATCH/out2") == "$(objects_of "$SCRATCH/out3")" ]] || fail "out2 and out3 hold different objects"
[[ $(objects_of "$SCRATCH/out2" | wc -l) == "$N" ]] || fail "out2 does not hold $N objects"
while IFS= read -r o; do
  cmp -s "$SCRATCH/out2/$o" "$SCRATCH/out3/$o" || fail "$o: the object in out2 differs from a clean build's"
done < <(objects_of "$SCRATCH/out2")
cmp -s "$SCRATCH/out1/$edited.o" "$SCRATCH/out2/$edited.o" && fail "$edited.o did not change after the edit"
if grep -qa -- "$one" "$SCRATCH/out1/src/tu_001.cpp.o"; then fail "an object embeds the absolute source root"; fi

# 3. A header included by a subset of the units changes: exactly that subset is compiled.
mapfile -t includers < <(cd "$two/tree" && grep -rl --include='*.cpp' '#include "extra.h"' . | sed 's|^\./||' | LC_ALL=C sort)
((${#includers[@]} > 1 && ${#includers[@]} < N)) || fail "the tree has ${#includers[@]} includers of extra.h"
echo 'namespace synth { inline int extra2(int x) { return x - 1; } }' >>"$two/tree/include/extra.h"
run_batch "$SCRATCH/log4" "$two/manifest.json" --out "$SCRATCH/out4" --jobs 2 --previous "$SCRATCH/out2"
expect_summary "$SCRATCH/log4" ${#includers[@]} $((N - ${#includers[@]}))
[[ $(compiled_sources "$SCRATCH/out4") == "$(printf '%s\n' "${includers[@]}")" ]] ||
  fail "after editing extra.h expected exactly ${includers[*]} compiled, got: $(compiled_sources "$SCRATCH/out4" | tr '\n' ' ')"

# 4. Nothing changes: nothing is compiled; original times survive a chain of reuses.
run_batch "$SCRATCH/log5" "$two/manifest.json" --out "$SCRATCH/out5" --jobs 2 --previous "$SCRATCH/out4"
expect_summary "$SCRATCH/log5" 0 $N
[[ -z $(compiled_sources "$SCRATCH/out5") ]] || fail "a no-op rebuild compiled: $(compiled_sources "$SCRATCH/out5")"
first_wall=$(sql "$SCRATCH/out1/timings.sqlite" "SELECT wall_s FROM compiles WHERE source = 'src/tu_001.cpp'")
chained=$(sql "$SCRATCH/out5/timings.sqlite" "SELECT original_wall_s FROM compiles WHERE source = 'src/tu_001.cpp'")
[[ $chained == "$first_wall" ]] || fail "src/tu_001.cpp: original_wall_s $chained after three reuses, first compile took $first_wall"
# ... and when the previous output is the output directory itself.
before=$(checksums "$SCRATCH/out5")
run_batch "$SCRATCH/log6" "$two/manifest.json" --out "$SCRATCH/out5" --jobs 2 --previous "$SCRATCH/out5"
expect_summary "$SCRATCH/log6" 0 $N
[[ $(checksums "$SCRATCH/out5") == "$before" ]] || fail "rebuilding in place changed objects"
[[ -z $(compgen -G "$SCRATCH/out5.nixcc-old-*" || true) ]] || fail "a set-aside copy of out5 was left behind"

pass "1 compiled + $((N - 1)) reused after a move and an edit, byte-identical to a clean build; header edit rebuilt ${#includers[@]}; no-op rebuilt 0"
