#!/usr/bin/env bash
# Builds go to a real remote builder (tests/e2e/nix_remote.sh: sshd on 127.0.0.1, ssh-ng, a second
# store local?root=...) when a non-root client of the sandboxed test daemon asks with
# --builders "$REMOTE_BUILDERS" --max-jobs 0: the output lies in the remote store and is copied back;
# a derivation whose input is that output builds there too, the input copied over first (and the bytes
# that took are printed). Then the trust rule: an untrusted client's --builders is dropped, and the
# daemon-side way (builders and max-jobs in the daemon's nix.conf) needs no trust.
source "$NIXCC_REPO/tests/e2e/lib.sh"
source "$NIXCC_REPO/tests/e2e/nix_daemon.sh"
source "$NIXCC_REPO/tests/e2e/nix_remote.sh"

t_start=$SECONDS
# The builders are /bin/sh, so the remote's sandbox needs it and its libraries (Debian 12 is
# merged-usr: /bin, /lib and /lib64 are links into /usr; the sandbox binds what they point at).
remote_start "extra-sandbox-paths = /bin /usr /lib /lib64"
remote_daemon_start
echo "remote builder on 127.0.0.1:$REMOTE_PORT, up in $((SECONDS - t_start)) s"

work="$SCRATCH/work"
user_dir "$work"
# The salt makes every run's derivations new: nothing is ever already built, here or there.
salt="$(date +%s%N)-$$"
cat >"$work/default.nix" <<'EOF'
{ salt }:
let
  sh = name: script: attrs: derivation ({
    inherit name salt;
    system = builtins.currentSystem;
    builder = "/bin/sh";
    args = [ "-c" script ];
    PATH = "/usr/bin:/bin";
  } // attrs);
in rec {
  first = sh "remote-first" ''
    mkdir $out
    echo "$salt" > $out/salt
    head -c 100000 /dev/zero > $out/blob
  '' { };
  # A store path input: the output of first.
  second = sh "remote-second" ''
    { cat $input/salt; wc -c < $input/blob; } > $out
  '' { input = first; };
}
EOF

# remote_build ATTR [nix-build ARGS...]: builds ATTR as the user; OUT = its output, LOG = what
# nix-build printed.
remote_build() {
  local attr=$1
  shift
  LOG="$SCRATCH/build-$attr.log"
  OUT=$(cd "$work" && as_user nix-build default.nix -A "$attr" --argstr salt "$salt" --no-out-link "$@" 2>"$LOG") ||
    { cat "$LOG" >&2; fail "nix-build -A $attr failed"; }
}
# built_remotely LOG: every derivation nix-build built went to the remote (remote_built, nix_remote.sh).
built_remotely() {
  remote_built "$1"
  echo "  $REMOTE_BUILT derivation(s), all built on the remote"
}

# 1. A derivation with no inputs.
t=$SECONDS
remote_build first --builders "$REMOTE_BUILDERS" --max-jobs 0
first=$OUT
echo "first: $first ($((SECONDS - t)) s)"
built_remotely "$LOG"
[ -f "$(remote_store_path "$first")/blob" ] || fail "$first is not in the remote store ($REMOTE_ROOT)"
[ "$(cat "$(remote_store_path "$first")/salt")" = "$salt" ] || fail "the remote's $first holds the wrong salt"
[ "$(cat "$first/salt")" = "$salt" ] || fail "$first was not copied back to the local store"
[ "$(remote_nix nix-store -q --hash "$first")" = "$(nix-store -q --hash "$first")" ] ||
  fail "local and remote $first differ"
grep -qx 'nix-daemon --stdio' "$REMOTE_DIR/requests" || fail "the remote was never asked for nix-daemon --stdio: $(cat "$REMOTE_DIR/requests")"

# 2. A derivation whose input is first's output. Removed from the remote first, so that the input has
# to travel there.
remote_nix nix-store --delete "$first" >/dev/null 2>&1 || fail "cannot delete $first from the remote store"
[ ! -e "$(remote_store_path "$first")" ] || fail "$first is still in the remote store"
paths_before=$(remote_paths)
bytes_before=$(remote_store_bytes)
wire_before=$(remote_bytes_received)
t=$SECONDS
remote_build second --builders "$REMOTE_BUILDERS" --max-jobs 0
second=$OUT
echo "second: $second ($((SECONDS - t)) s)"
built_remotely "$LOG"
grep -qF "copying path '$first' to 'ssh-ng://root@127.0.0.1'" "$LOG" || { cat "$LOG" >&2; fail "$first was not copied to the remote"; }
[ "$(cat "$second")" = "$(printf '%s\n100000' "$salt")" ] || fail "$second holds '$(cat "$second")'"
[ "$(cat "$(remote_store_path "$second")")" = "$(cat "$second")" ] || fail "$second is not in the remote store"
new_paths=$(comm -13 <(echo "$paths_before") <(remote_paths) | tr '\n' ' ')
[ "$new_paths" = "$(printf '%s\n' "$first" "$second" | sort | tr '\n' ' ')" ] ||
  fail "the remote store should have gained $first (copied) and $second (built), gained: $new_paths"
copied_nar=$(remote_nix nix-store -q --size "$first")
grew=$(($(remote_store_bytes) - bytes_before))
wire=$(($(remote_bytes_received) - wire_before))
echo "copied to the remote for the second build: $first, NAR $copied_nar bytes;" \
  "the remote's /nix/store grew by $grew bytes (with the $(remote_nix nix-store -q --size "$second")-byte output built there);" \
  "ssh carried $wire bytes to it"
((wire >= copied_nar)) || fail "ssh carried $wire bytes to the remote, less than the $copied_nar-byte input"

# 3. Trust. builders is a restricted setting: from an untrusted client the daemon drops it (at debug
# level only, in Nix 2.8), while --max-jobs 0 still holds, so nothing can build.
daemon_stop
daemon_start
salt="$salt-untrusted"
LOG="$SCRATCH/untrusted.log"
! (cd "$work" && as_user nix-build default.nix -A first --argstr salt "$salt" --no-out-link \
  --builders "$REMOTE_BUILDERS" --max-jobs 0) >/dev/null 2>"$LOG" || fail "an untrusted client's --builders was obeyed"
grep -q 'unable to start any build' "$LOG" || { cat "$LOG" >&2; fail "expected 'unable to start any build' for an untrusted client"; }
echo "untrusted client: --builders dropped, as expected"
# The daemon-side way: the daemon's own nix.conf names the builder; any client, no flags.
daemon_stop
DAEMON_ENV=("NIX_SSHOPTS=$REMOTE_SSHOPTS")
daemon_start "builders = $REMOTE_BUILDERS" "max-jobs = 0"
salt="$salt-daemon-side"
t=$SECONDS
remote_build first
echo "untrusted client, builders in the daemon's nix.conf: $OUT ($((SECONDS - t)) s)"
built_remotely "$LOG"

pass "builds went to the ssh-ng remote builder, inputs copied there and outputs back ($((SECONDS - t_start)) s)"
