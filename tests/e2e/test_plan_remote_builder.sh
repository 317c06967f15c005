#!/usr/bin/env bash
# A host-mode plan built with every derivation on a remote builder (tests/e2e/nix_remote.sh: sshd on
# 127.0.0.1, ssh-ng, a second store local?root=...), by a client of the sandboxed test daemon passing
# --builders "$REMOTE_BUILDERS" --max-jobs 0.
#
#   1. Cold: every derivation (batches, links, timings, the collected result) is built on the remote;
#      the static nixcc, each batch's picked sources and manifest are copied there.
#   2. The batches' objects equal a local build's: the local daemon rebuilds each batch derivation in
#      its own sandbox (nix-build --check --keep-failed; the two builds' timings.sqlite differ, so Nix
#      keeps the local one at OUT.check) and every object is compared byte for byte.
#   3. One edited .cpp, re-planned with --previous: the changed batch is built on the remote, its
#      previous output's copy (nixcc-previous-<batch>) goes there as an input, and the batch compiles
#      the one unit and reuses every other; nixcc is not sent again.
#   4. Printed: what the remote received for each build (plan_remote.sh; bench/remote_closure.sh
#      compares with the same project planned --per-file).
#
# The remote is this machine, so the host toolchain the plan names is at the same paths there and the
# plan's extra-sandbox-paths line goes into the remote's nix.conf as it is. A real remote builder for a
# host-mode plan needs the same toolchain at the same paths, and that line in its nix.conf.
source "$NIXCC_REPO/tests/e2e/lib.sh"
source "$NIXCC_REPO/tests/e2e/plan_common.sh"
source "$NIXCC_REPO/tests/e2e/nix_remote.sh"
source "$NIXCC_REPO/tests/e2e/plan_remote.sh"
# store_names PATHS: the names of store paths (hash left off), on one line.
store_names() {
  local p
  for p in $1; do printf ' %s' "${p#/nix/store/*-}"; done
}

src="$SCRATCH/demo" build="$SCRATCH/build" plan="$SCRATCH/plan"
plan_copy_demo "$src"
plan_configure "$src" "$build"
plan_run "$plan" "$build" --batches 2

plan_remote_start
echo "remote builder on 127.0.0.1:$REMOTE_PORT ($(plan_elapsed))"

# --- 1. cold, batched ----------------------------------------------------------------------------------
plan_remote_build "cold" "$plan" "$SCRATCH/result1"
[ "$("$SCRATCH/result1/bin/stats")" = "primes below 50: 15, sum 328" ] || fail "stats built remotely printed the wrong thing"
[ "$("$SCRATCH/result1/bin/greet")" = "[ HELLO FROM NIXCC ] v1.4.2" ] || fail "greet built remotely printed the wrong thing"
[ "$REMOTE_BUILT" = "$(plan_drvs "$plan" | wc -l)" ] || fail "every derivation of the plan should have been built on the remote, $REMOTE_BUILT were"
echo "  copied:$(store_names "$PLAN_REMOTE_COPIED")"
nixcc_path=$(readlink "$plan/gcroots/nixcc")
grep -qxF "$nixcc_path" <<<"$PLAN_REMOTE_COPIED" || fail "nixcc ($nixcc_path) was not copied to the remote"
batches=$(jq -r '.batches | keys[]' "$plan/nixcc-plan-state.json")
for b in $batches; do
  grep -q -- "-nixcc-$b-src\$" <<<"$PLAN_REMOTE_COPIED" || fail "batch $b's sources were not copied to the remote"
  grep -q -- "-$b.json\$" <<<"$PLAN_REMOTE_COPIED" || fail "batch $b's manifest was not copied to the remote"
  out=$(readlink -f "$SCRATCH/result1/batches/$b")
  [ "$(remote_nix nix-store -q --hash "$out")" = "$(nix-store -q --hash "$out")" ] || fail "local and remote $out differ"
done

# --- 2. the same objects as a local build -------------------------------------------------------------
# --check builds locally (max-jobs 2 in the daemon, no builders for this client) and compares with the
# output already there, the remote's.
check_args=()
for b in $batches; do check_args+=(-A "batches.$b"); done
for b in $batches; do at_exit rm -rf "$(readlink -f "$SCRATCH/result1/batches/$b").check"; done
check_log="$SCRATCH/check.log"
rc=0
as_user nix-build "$plan" "${check_args[@]}" --check --keep-failed --keep-going --no-out-link >"$check_log" 2>&1 || rc=$?
[ "$rc" = 0 ] || grep -q 'may not be deterministic' "$check_log" || { cat "$check_log" >&2; fail "nix-build --check of the batches failed (exit $rc)"; }
for b in $batches; do
  drv=$(plan_drvs "$plan" | awk -v a="batches.$b" '$1 == a { print $2 }')
  grep -qxF "checking outputs of '$drv'..." "$check_log" || { cat "$check_log" >&2; fail "batch $b was not rebuilt locally"; }
  remote_out=$(readlink -f "$SCRATCH/result1/batches/$b")
  local_out=$remote_out
  [ ! -d "$remote_out.check" ] || local_out="$remote_out.check"  # else: identical, nothing kept
  objects=$(cd "$remote_out" && find . -type f ! -name timings.sqlite | LC_ALL=C sort)
  [ "$objects" = "$(cd "$local_out" && find . -type f ! -name timings.sqlite | LC_ALL=C sort)" ] ||
    fail "batch $b: the local build has other files than the remote one"
  [ "$(grep -c '\.o$' <<<"$objects")" = "$(jq -r --arg b "$b" '.batches[$b].units | length' "$plan/nixcc-plan-state.json")" ] ||
    fail "batch $b should hold one object a unit: $objects"
  for f in $objects; do cmp -s "$remote_out/$f" "$local_out/$f" || fail "batch $b: $f built remotely differs from the local build"; done
  echo "batch $b: $(grep -c . <<<"$objects") files, the remote build's equal the local build's ($([ "$local_out" = "$remote_out" ] && echo "whole output identical" || echo "timings.sqlite aside"))"
  rm -rf "$remote_out.check"
done

# --- 3. one edit: the previous output travels to the remote ----------------------------------------------
sed -i 's/primes below/primes under/' "$src/apps/stats/main.cpp"
plan_run "$plan" "$build" --previous "$SCRATCH/result1" --timings "$SCRATCH/result1/timings.sqlite"
batch=$(plan_batch_of "$plan" "apps/stats/main.cpp")
copy=$(jq -r --arg b "$batch" '.batches[$b].previous' "$plan/nixcc-plan-state.json")
case $copy in /nix/store/*-nixcc-previous-"$batch") ;; *) fail "batch $batch should be given a copy of its previous output, got '$copy'" ;; esac
[ ! -e "$(remote_store_path "$copy")" ] || fail "the remote already holds $copy before the build"
plan_remote_build "one edit" "$plan" "$SCRATCH/result2"
echo "  copied:$(store_names "$PLAN_REMOTE_COPIED")"
grep -qxF "$copy" <<<"$PLAN_REMOTE_COPIED" || { cat "$NIX_LOG" >&2; fail "the previous output's copy $copy was not copied to the remote"; }
grep -qxF "$nixcc_path" <<<"$PLAN_REMOTE_COPIED" && fail "nixcc was copied to the remote again"
[ "$("$SCRATCH/result2/bin/stats")" = "primes under 50: 15, sum 328" ] || fail "stats printed the wrong thing after the edit"
db="$SCRATCH/result2/batches/$batch/timings.sqlite"
members=$(jq -r --arg b "$batch" '.batches[$b].units | length' "$plan/nixcc-plan-state.json")
[ "$(sql "$db" 'SELECT source FROM compiles WHERE reused = 0')" = "apps/stats/main.cpp" ] ||
  fail "on the remote, exactly the edited unit should be compiled: $(sql "$db" 'SELECT source, reused FROM compiles')"
[ "$(sql "$db" 'SELECT count(*) FROM compiles WHERE reused = 1')" = "$((members - 1))" ] ||
  fail "on the remote, the other $((members - 1)) units of $batch should be reused: $(sql "$db" 'SELECT source, reused FROM compiles')"
echo "batch $batch on the remote: 1 compiled, $((members - 1)) reused from $copy"

echo "sent to the remote builder (the demo, 7 units in 2 batches; bench/remote_closure.sh compares --per-file):"
printf '  %s\n' "${PLAN_REMOTE_MEASURED[@]}"
pass "host-mode plan built on the ssh-ng remote builder, objects equal a local build's, previous output reused there ($(plan_elapsed))"
