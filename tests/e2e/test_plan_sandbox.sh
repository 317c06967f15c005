#!/usr/bin/env bash
# Nix's sandbox and what a plan declares. nixcc-plan prints the exact extra-sandbox-paths line its
# host tools need; a daemon without it stops every derivation with one line saying so; with it the
# plan builds. nixcc is a store path, the builder of every derivation. An earlier output reaches a
# changed batch as a copy in the store, kept by the plan's garbage-collector roots; once collected,
# the batch compiles everything rather than fail, and the next plan copies afresh.
source "$NIXCC_REPO/tests/e2e/lib.sh"
source "$NIXCC_REPO/tests/e2e/plan_common.sh"

src="$SCRATCH/demo" build="$SCRATCH/build" plan="$SCRATCH/plan"
plan_copy_demo "$src"
plan_configure "$src" "$build"
plan_run "$plan" "$build" --batches 2

# --- the line --------------------------------------------------------------------------------------
line=$(cat "$plan/sandbox-paths.conf") || fail "nixcc-plan wrote no sandbox-paths.conf"
case $line in "extra-sandbox-paths = /"*) ;; *) fail "sandbox-paths.conf is not an extra-sandbox-paths line: $line" ;; esac
grep -qxF "$line" "$PLAN_LOG" || { cat "$PLAN_LOG"; fail "nixcc-plan should print the extra-sandbox-paths line"; }
for p in ${line#extra-sandbox-paths = }; do
  [ -e "$p" ] || [ -L "$p" ] || fail "the line names $p, which is not on this machine"
done
plan_run "$plan" "$build" --batches 2
grep -q "extra-sandbox-paths" "$PLAN_LOG" && { cat "$PLAN_LOG"; fail "an unchanged line should not be printed again"; }

# --- nixcc in the store, as every builder ------------------------------------------------------------
nixcc_path=$(readlink "$plan/gcroots/nixcc") || fail "the plan keeps no garbage-collector root for nixcc"
case $nixcc_path in /nix/store/*-nixcc) ;; *) fail "nixcc should be a store path, got '$nixcc_path'" ;; esac
"$nixcc_path" --version >/dev/null || fail "the store's nixcc does not run"
file "$nixcc_path" | grep -q 'statically linked' || fail "the store's nixcc must be static, to run in any sandbox: $(file "$nixcc_path")"
for attr in batches.b0 targets.stats timings ""; do
  drv=$(as_user nix-instantiate "$plan" -A "$attr" 2>"$SCRATCH/inst.log") || { cat "$SCRATCH/inst.log"; fail "nix-instantiate -A '$attr'"; }
  builder=$(nix --extra-experimental-features nix-command show-derivation "$drv" | jq -r '.[].builder')
  [ "$builder" = "$nixcc_path" ] || fail "the builder of '$attr' should be $nixcc_path, not $builder"
  nix-store --query --references "$drv" | grep -qxF "$nixcc_path" || fail "nixcc is not an input of '$attr'"
done

# --- without the line: one line, then stop -------------------------------------------------------------
daemon_use_sandbox_paths "$SCRATCH/no-plan-here"
log="$SCRATCH/no-line.log"
as_user nix-build "$plan" -o "$SCRATCH/never" >"$log" 2>&1 && { cat "$log"; fail "a build without the sandbox line should stop"; }
grep -q "^nixcc: the Nix sandbox lacks /[^ ]* and [0-9]* more host paths this plan's host tools need: add the extra-sandbox-paths line nixcc-plan printed" "$log" ||
  { cat "$log"; fail "the build should stop with nixcc's one line naming a missing host path"; }
grep -q "executing '/bin/sh'" "$log" && { cat "$log"; fail "the builder should not get as far as /bin/sh"; }
[ ! -e "$SCRATCH/never" ] || fail "a failed build left a result"

# --- with it: the plan builds -----------------------------------------------------------------------------
plan_nixbuild "$plan" "$SCRATCH/result1"
[ "$("$SCRATCH/result1/bin/stats")" = "primes below 50: 15, sum 328" ] || fail "stats printed the wrong thing"

# --- an earlier output, copied and kept --------------------------------------------------------------------
printf '\n// edited %s\n' "$PLAN_SALT" >>"$src/apps/stats/main.cpp"
plan_run "$plan" "$build" --previous "$SCRATCH/result1"
batch=$(plan_batch_of "$plan" "apps/stats/main.cpp")
copy=$(jq -r --arg b "$batch" '.batches[$b].previous' "$plan/nixcc-plan-state.json")
[ "$(readlink "$plan/gcroots/previous-$batch")" = "$copy" ] || fail "the plan keeps no root for the copy $copy"
members=$(jq -r --arg b "$batch" '.batches[$b].units | length' "$plan/nixcc-plan-state.json")

# Collected between plan and build: the batch compiles every unit instead of failing.
rm "$plan/gcroots/previous-$batch"
nix-store --delete "$copy" >"$SCRATCH/delete.log" 2>&1 || { cat "$SCRATCH/delete.log"; fail "could not delete $copy"; }
plan_nixbuild "$plan" "$SCRATCH/result2"
db="$SCRATCH/result2/batches/$batch/timings.sqlite"
[ "$(sql "$db" 'SELECT count(*) FROM compiles WHERE reused = 0')" = "$members" ] ||
  fail "with its previous output collected, batch $batch should compile all $members units"
[ "$("$SCRATCH/result2/bin/stats")" = "primes below 50: 15, sum 328" ] || fail "stats printed the wrong thing after the edit"

# The next plan sees the copy is gone: a new derivation, a new copy, everything reused.
plan_run "$plan" "$build" --previous "$SCRATCH/result2"
copy2=$(jq -r --arg b "$batch" '.batches[$b].previous' "$plan/nixcc-plan-state.json")
[ -e "$copy2" ] && [ "$copy2" != "$copy" ] || fail "re-planning after the copy was collected should copy afresh (got '$copy2')"
[ "$(readlink "$plan/gcroots/previous-$batch")" = "$copy2" ] || fail "the root should follow the new copy"
plan_nixbuild "$plan" "$SCRATCH/result3"
db="$SCRATCH/result3/batches/$batch/timings.sqlite"
[ "$(sql "$db" 'SELECT count(*) FROM compiles WHERE reused = 1')" = "$members" ] ||
  fail "after copying afresh, batch $batch should reuse all $members units: $(sql "$db" 'SELECT source, reused FROM compiles')"

pass "sandbox line printed and required, nixcc in the store, previous outputs copied, rooted and survivable ($(plan_elapsed))"
