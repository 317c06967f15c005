#!/usr/bin/env bash
# One edited .cpp: re-planned with --previous RESULT, only the batch holding that unit gets a new
# derivation, and only the link targets downstream of that batch (targets with an object in it, and
# targets linking those). The rebuilt batch recompiles the one edited unit and reuses every other
# object from its previous output, byte for byte; the program prints the new text.
source "$NIXCC_REPO/tests/e2e/lib.sh"
source "$NIXCC_REPO/tests/e2e/plan_common.sh"

src="$SCRATCH/demo" build="$SCRATCH/build" plan="$SCRATCH/plan"
plan_copy_demo "$src"
plan_configure "$src" "$build"
plan_run "$plan" "$build" --batches 3
plan_nixbuild "$plan" "$SCRATCH/result1"
plan_drvs "$plan" >"$SCRATCH/drvs.before"
# The same edit seen by a per-file plan (instantiated, not built): there, exactly the stats batch and the
# stats target may change, whatever the 3-batch partition happens to group with the edited unit.
per_file="$SCRATCH/plan-per-file"
plan_run "$per_file" "$build" --per-file
plan_drvs "$per_file" >"$SCRATCH/per-file.before"
plan_members "$plan" >"$SCRATCH/members.before"

edited_key="stats/s/apps/stats/main.cpp"
batch=$(plan_batch_of "$plan" "$edited_key")
old_batch_out=$(readlink -f "$SCRATCH/result1/batches/$batch")

# Downstream of the batch: every target with an object in it, then (to a fixed point) every target
# linking one of those. The demo's link graph: render <- core; greet <- render, core; stats <- core.
declare -A links=([core]="" [render]="core" [greet]="render core" [stats]="core")
declare -A changed=()
for key in $(jq -r --arg b "$batch" '.batches[$b].units[]' "$plan/nixcc-plan-state.json"); do changed[${key%%/*}]=1; done
grown=1
while [ "$grown" = 1 ]; do
  grown=0
  for t in "${!links[@]}"; do
    [ -n "${changed[$t]:-}" ] && continue
    for dep in ${links[$t]}; do
      if [ -n "${changed[$dep]:-}" ]; then changed[$t]=1 grown=1; fi
    done
  done
done
echo "edited unit is in batch $batch; expected changed targets: ${!changed[*]}"

sed -i 's/primes below/primes under/' "$src/apps/stats/main.cpp"
grep -q 'primes under' "$src/apps/stats/main.cpp" || fail "the edit did not apply"
plan_run "$plan" "$build" --previous "$SCRATCH/result1" --timings "$SCRATCH/result1/timings.sqlite"
grep -q 'carried forward from the previous plan; 2 unchanged' "$PLAN_LOG" ||
  { cat "$PLAN_LOG"; fail "re-plan should carry the partition forward with 2 of 3 batches unchanged"; }
plan_members "$plan" >"$SCRATCH/members.after"
diff -u "$SCRATCH/members.before" "$SCRATCH/members.after" || fail "an edit must not change batch membership"
plan_drvs "$plan" >"$SCRATCH/drvs.after"
plan_run "$per_file" "$build" --per-file
plan_drvs "$per_file" >"$SCRATCH/per-file.after"
stats_batch=$(plan_batch_of "$per_file" "$edited_key")
per_file_changed=$(LC_ALL=C join "$SCRATCH/per-file.before" "$SCRATCH/per-file.after" | awk '$2 != $3 { print $1 }' | tr '\n' ' ')
[ "$per_file_changed" = "batches.$stats_batch default targets.stats timings " ] ||
  fail "per-file plan: the edit should change batches.$stats_batch, targets.stats, timings and default only, changed: $per_file_changed"

while read -r attr drv; do
  after=$(awk -v a="$attr" '$1 == a { print $2 }' "$SCRATCH/drvs.after")
  [ -n "$after" ] || fail "$attr disappeared from the plan"
  case $attr in
    "batches.$batch") want=changed ;;
    batches.*) want=same ;;
    targets.*) if [ -n "${changed[${attr#targets.}]:-}" ]; then want=changed; else want=same; fi ;;
    *) want=changed ;;  # timings and the collected result
  esac
  if [ "$want" = same ] && [ "$drv" != "$after" ]; then
    fail "$attr should keep its derivation after editing $edited_key (in $batch): $drv -> $after"
  fi
  if [ "$want" = changed ] && [ "$drv" = "$after" ]; then
    fail "$attr should have a new derivation after editing $edited_key (in $batch)"
  fi
done <"$SCRATCH/drvs.before"
[ "$(wc -l <"$SCRATCH/drvs.after")" = "$(wc -l <"$SCRATCH/drvs.before")" ] || fail "the plan gained derivations"
# The changed batch is handed a copy of its previous output, as an input: inside the sandbox and on a
# remote builder it is there. The copy refers to no build output (at most to the manifest its database
# names), so it keeps no older build alive.
new_batch_drv=$(as_user nix-instantiate "$plan" -A "batches.$batch" 2>/dev/null)
[ "$new_batch_drv" = "$(awk -v a="batches.$batch" '$1 == a { print $2 }' "$SCRATCH/drvs.after")" ] ||
  fail "nix-instantiate and the evaluated drvPath of batches.$batch disagree"
copy=$(jq -r --arg b "$batch" '.batches[$b].previous' "$plan/nixcc-plan-state.json")
case $copy in /nix/store/*-nixcc-previous-"$batch") ;; *) fail "batch $batch should be given a copy of its previous output, got '$copy'" ;; esac
diff -r "$old_batch_out" "$copy" >/dev/null || fail "$copy is not a copy of $old_batch_out"
grep -qF "\"previous\",\"$copy\"" "$new_batch_drv" || fail "batch $batch is not given its previous output's copy $copy"
nix-store --query --references "$new_batch_drv" | grep -qxF "$copy" || fail "the copy $copy is not an input of batch $batch"
nix-store --query --references "$new_batch_drv" | grep -qxF "$old_batch_out" &&
  fail "batch $batch depends on its previous output itself, which would keep every earlier build alive"
if nix-store --query --references "$copy" | grep -E -- '-nixcc-(batch|previous)-'; then
  fail "the copy $copy refers to an earlier build's output"
fi
[ "$(grep -c 'previous = "/nix/store/' "$plan/default.nix")" = 1 ] || fail "only the changed batch should be given a previous output"

plan_nixbuild "$plan" "$SCRATCH/result2"
# The batch, its downstream targets, the merged timings and the collected result.
want_built=$((1 + ${#changed[@]} + 2))
[ "$NIX_BUILT" = "$want_built" ] || { cat "$NIX_LOG"; fail "expected $want_built derivations built, got $NIX_BUILT"; }
out=$("$SCRATCH/result2/bin/stats") || fail "stats failed"
[ "$out" = "primes under 50: 15, sum 328" ] || fail "stats printed '$out' after the edit"
out=$("$SCRATCH/result2/bin/greet") || fail "greet failed"
[ "$out" = "[ HELLO FROM NIXCC ] v1.4.2" ] || fail "greet printed '$out'"

db="$SCRATCH/result2/batches/$batch/timings.sqlite"
members=$(jq -r --arg b "$batch" '.batches[$b].units | length' "$plan/nixcc-plan-state.json")
[ "$(sql "$db" 'SELECT count(*) FROM compiles')" = "$members" ] || fail "batch $batch should record $members compiles"
[ "$(sql "$db" 'SELECT source_root, source FROM compiles WHERE reused = 0')" = "source|apps/stats/main.cpp" ] ||
  fail "exactly the edited unit should be compiled afresh: $(sql "$db" 'SELECT source, reused FROM compiles')"
[ "$(sql "$db" 'SELECT count(*) FROM compiles WHERE reused = 1')" = "$((members - 1))" ] ||
  fail "every other unit of $batch should be reused: $(sql "$db" 'SELECT source, reused FROM compiles')"
# Reused objects are the previous objects' bytes.
for object in $(sql "$db" 'SELECT object FROM compiles WHERE reused = 1'); do
  cmp -s "$old_batch_out/$object" "$SCRATCH/result2/batches/$batch/$object" || fail "reused $object differs from the previous output's"
done
# The unchanged batches are the very same store paths.
for b in "$SCRATCH"/result1/batches/*; do
  name=$(basename "$b")
  [ "$name" = "$batch" ] && continue
  [ "$(readlink -f "$b")" = "$(readlink -f "$SCRATCH/result2/batches/$name")" ] || fail "unchanged batch $name got a new output"
done
[ "$(sql "$SCRATCH/result2/timings.sqlite" 'SELECT count(*) FROM compiles')" = 7 ] || fail "the merged timings should still hold 7 compiles"

# The next plan, with nothing edited since, keeps every derivation (the rebuilt batch keeps the manifest
# and previous output it was built with, though --previous now names the new result) and builds nothing.
plan_run "$plan" "$build" --previous "$SCRATCH/result2" --timings "$SCRATCH/result2/timings.sqlite"
grep -q '3 unchanged' "$PLAN_LOG" || { cat "$PLAN_LOG"; fail "the plan after the rebuild should find all 3 batches unchanged"; }
plan_drvs "$plan" >"$SCRATCH/drvs.next"
diff -u "$SCRATCH/drvs.after" "$SCRATCH/drvs.next" || fail "re-planning after the rebuild, with no new edit, changed derivations"
[ "$(plan_dry_run_count "$plan")" = 0 ] || { cat "$SCRATCH/dry-run.log"; fail "nothing should be left to build"; }

pass "edit of $edited_key rebuilt batch $batch and targets ${!changed[*]} only, 1 compile, $((members - 1)) reused ($(plan_elapsed))"
