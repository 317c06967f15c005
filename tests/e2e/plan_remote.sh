# shellcheck shell=bash
# Plans built on the remote builder of nix_remote.sh, and what each build sent there. Sourced after
# lib.sh, plan_common.sh and nix_remote.sh (by test_plan_remote_builder.sh and bench/remote_closure.sh);
# never run on its own.
#
#   plan_remote_start            remote_start, then plan_common.sh's daemon restarted for remote builds
#                                (remote_daemon_start with PLAN_DAEMON_LINES: the client is trusted, so
#                                its --builders holds, and the build hook has the ssh options)
#   plan_remote_build LABEL PLAN RESULT
#                                plan_nixbuild PLAN RESULT with every derivation on the remote: the
#                                remote's nix.conf gets PLAN's extra-sandbox-paths line, the client
#                                passes --builders "$REMOTE_BUILDERS" --max-jobs 0, and every derivation
#                                built must have been built there (remote_built). Then:
#   PLAN_REMOTE_COPIED           the store paths copied to the remote for that build, one a line
#   PLAN_REMOTE_MEASURED         one line per build so far: LABEL, derivations built, ssh sessions; to
#                                the remote: paths copied, their NAR bytes, bytes its sshd received;
#                                back: bytes its sshd sent (the outputs copied back); growth of the
#                                remote's /nix/store on disk (the outputs built there included); seconds
#
# Host mode: the remote here is this machine, so the host toolchain the plan names is at the same paths
# and the plan's line goes into the remote's nix.conf unchanged. A real builder for a host-mode plan
# needs the same toolchain at the same paths, and that line in its nix.conf.

PLAN_REMOTE_URI="ssh-ng://root@127.0.0.1"
PLAN_REMOTE_COPIED=
PLAN_REMOTE_MEASURED=()

plan_remote_start() {
  remote_start
  remote_daemon_start "${PLAN_DAEMON_LINES[@]}"
}

plan_remote_build() {
  local label=$1 plan=$2 result=$3 bytes_before wire_before back_before sessions_before t=$SECONDS p nar=0 wire back grew
  remote_use_sandbox_paths "$plan"
  bytes_before=$(remote_store_bytes)
  wire_before=$(remote_bytes_received)
  back_before=$(remote_bytes_sent)
  sessions_before=$(remote_sessions)
  plan_nixbuild "$plan" "$result" --builders "$REMOTE_BUILDERS" --max-jobs 0
  t=$((SECONDS - t))
  remote_built "$NIX_LOG"
  PLAN_REMOTE_COPIED=$(sed -n "s|^copying path '\(/nix/store/[^']*\)' to '$PLAN_REMOTE_URI'.*|\1|p" "$NIX_LOG" | LC_ALL=C sort -u)
  for p in $PLAN_REMOTE_COPIED; do
    [ -e "$(remote_store_path "$p")" ] || fail "$p was copied to the remote, which does not hold it"
    nar=$((nar + $(remote_nix nix-store -q --size "$p")))
  done
  wire=$(($(remote_bytes_received) - wire_before))
  back=$(($(remote_bytes_sent) - back_before))
  grew=$(($(remote_store_bytes) - bytes_before))
  ((wire >= nar)) || fail "ssh carried $wire bytes to the remote, less than the $nar bytes of NAR copied"
  PLAN_REMOTE_MEASURED+=("$(printf '%-18s %3d drvs, %2d sessions | to the remote: %3d paths, NAR %9d B, ssh %9d B | back: ssh %9d B | remote store +%9d B | %3d s' \
    "$label" "$REMOTE_BUILT" "$(($(remote_sessions) - sessions_before))" "$(grep -c . <<<"$PLAN_REMOTE_COPIED")" "$nar" "$wire" \
    "$back" "$grew" "$t")")
  echo "${PLAN_REMOTE_MEASURED[-1]}"
}
