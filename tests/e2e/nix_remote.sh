# shellcheck shell=bash
# A real Nix remote builder on this machine: a private sshd on 127.0.0.1 whose one key may only run
# `nix-daemon --stdio` on a second store, local?root=$REMOTE_ROOT (a chroot store: its paths are
# /nix/store/... to Nix, files under $REMOTE_ROOT/nix/store on disk). Sourced after lib.sh and
# nix_daemon.sh by tests that build remotely; never run on its own. Needs root and openssh-server
# (scripts/install-deps.sh).
#
#   remote_start [LINE...]       starts the sshd and writes the remote's nix.conf: sandbox = true,
#                                build-users-group = nixbld, no substituters, plus each nix.conf LINE
#                                (e.g. extra-sandbox-paths = /bin /usr /lib /lib64 for a /bin/sh builder);
#                                sets REMOTE_PORT, REMOTE_BUILDERS and REMOTE_SSHOPTS
#   remote_use_sandbox_paths PLAN  the remote's nix.conf gets the extra-sandbox-paths line nixcc-plan
#                                wrote into PLAN/sandbox-paths.conf, in place of the previous plan's
#                                (each ssh session starts its own nix-daemon --stdio: no restart)
#   remote_daemon_start [LINE...]  (re)starts the local daemon (daemon_start, nix_daemon.sh) for builds
#                                that go to the remote: NIX_SSHOPTS=$REMOTE_SSHOPTS in its environment
#                                and $E2E_USER trusted, so `as_user nix-build --builders
#                                "$REMOTE_BUILDERS" --max-jobs 0` sends every build there; LINEs as
#                                daemon_start's (a daemon already running, e.g. plan_common.sh's, is
#                                stopped first; its sandbox line is kept)
#   remote_built LOG             every derivation nix-build's LOG listed as to be built was built on
#                                the remote ("building '...' on 'ssh-ng://...'") and the remote store
#                                keeps its build log; fails otherwise, else sets REMOTE_BUILT (how many)
#   remote_gc                    deletes every path of the remote store (it has no garbage-collector
#                                roots): the next build there starts cold
#   remote_stop                  stops the sshd (also done on exit)
#   remote_store_path PATH       where store path PATH lies on disk in the remote store
#   remote_nix CMD...            runs a Nix command (nix-store, nix path-info, ...) as root on the remote
#                                store, e.g. remote_nix nix-store -q --size PATH
#   remote_paths                 the remote store's valid paths, sorted, one a line
#   remote_store_bytes           bytes under the remote's /nix/store on disk
#   remote_bytes_received        bytes the remote's sshd received, all connections so far (from its
#                                log; waits until the open ones have closed)
#   remote_bytes_sent            bytes the remote's sshd sent back (outputs copied back, protocol), the same way
#   remote_sessions              ssh sessions the remote's sshd has started so far
#   REMOTE_BUILDERS              the builders line: ssh-ng://root@127.0.0.1 SYSTEM KEY 2 1 - - HOSTKEY
#                                (SYSTEM: x86_64-linux here; KEY: the client key's file; HOSTKEY: the
#                                sshd's public host key, base64)
#   REMOTE_ROOT, REMOTE_DIR      the remote store's root; the folder with everything else (sshd_config,
#                                keys, logs: sshd.log, requests = one line per ssh session)
#
# Trust: `builders` is a restricted setting, so the local daemon takes a client's --builders only from
# a trusted user; from any other it drops it, and Nix 2.8 says so only at debug level ("ignoring the
# client-specified setting 'builders', because it is a restricted setting and you are not a trusted
# user"). --max-jobs, by contrast, travels in the protocol's fixed options and holds for every client,
# so an untrusted `--builders ... --max-jobs 0` ends in "unable to start any build".
# remote_daemon_start sets trusted-users. The alternative needs no trust: the daemon's own nix.conf says
# `builders = $REMOTE_BUILDERS` and `max-jobs = 0` (daemon_start's LINEs), and clients pass no flags.
# Either way the ssh client runs inside the local daemon (its build hook, `nix __build-remote`), so
# everything ssh needs beyond the builders line, here the port, comes from NIX_SSHOPTS in the daemon's
# environment; a client's NIX_SSHOPTS never reaches it.
#
# Nothing global changes: no /etc/ssh edits, no service; the ssh client reads no config (-F none) and
# writes no known_hosts. The one exception is /run/sshd, sshd's compiled-in privilege-separation folder,
# created (empty, root's, 0755) if missing, as Debian's ssh service does on start.
#
# The remote store is chosen by the remote, not by the URI. Nix 2.8's ssh-ng does take
# ?remote-store=local?root=... (encoded or not) and asks for `nix-daemon --stdio --store 'local?root=...'`,
# which serves that store when the remote runs what it is asked. But a forced command discards the
# requested command (here it is only logged, to $REMOTE_DIR/requests), and the remote's sandbox, build
# users and sandbox paths have to be set remote-side anyway (a URI cannot carry them). So the forced
# command sets NIX_CONF_DIR to a nix.conf holding `store = local?root=$REMOTE_ROOT`: the one key reaches
# that store and nothing else on the machine, and the builders line needs no remote-store.

# Outside $SCRATCH, which the test hands to its user: the remote store stays root's, and its build
# users must be able to reach it.
REMOTE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/nixcc-remote.XXXXXX")
chmod 755 "$REMOTE_DIR"
at_exit rm -rf "$REMOTE_DIR"
REMOTE_ROOT="$REMOTE_DIR/root"
REMOTE_SSH_DIR="$REMOTE_DIR/ssh"
REMOTE_PORT=
REMOTE_BUILDERS=
REMOTE_SSHOPTS=
REMOTE_SSHD_PID=
REMOTE_LINES=()          # what remote_start was given
REMOTE_SANDBOX_LINE=     # the plan's extra-sandbox-paths line (remote_use_sandbox_paths)
REMOTE_BUILT=0

SSHD=/usr/sbin/sshd
[ -x "$SSHD" ] || fail "no $SSHD: install openssh-server (scripts/install-deps.sh)"
command -v ssh >/dev/null || fail "no ssh: install openssh-client"
command -v ssh-keygen >/dev/null || fail "no ssh-keygen: install openssh-client"
[ -n "${E2E_USER:-}" ] || fail "source nix_daemon.sh before nix_remote.sh"

remote_start() {
  local nix_daemon
  nix_daemon=$(command -v nix-daemon)
  mkdir -p "$REMOTE_DIR/conf" "$REMOTE_ROOT"
  # Keys, authorized_keys and sshd_config: root's alone. (sshd's StrictModes would also want every
  # folder up to / not group/world-writable, and the scratch folder lies in /tmp: see sshd_config.)
  mkdir -m 700 "$REMOTE_SSH_DIR"
  [ -d /run/sshd ] || mkdir -m 755 /run/sshd 2>/dev/null || [ -d /run/sshd ] || fail "cannot create /run/sshd"

  REMOTE_LINES=("$@")
  remote_write_conf

  # The forced command: whatever the client asked for, it gets a daemon on the remote store, as root
  # (an ssh-ng peer on stdio is trusted: it may import unsigned paths, as builds need).
  cat >"$REMOTE_SSH_DIR/serve" <<EOF
#!/bin/sh
printf '%s\n' "\${SSH_ORIGINAL_COMMAND:-}" >>'$REMOTE_DIR/requests'
NIX_CONF_DIR='$REMOTE_DIR/conf' exec '$nix_daemon' --stdio
EOF
  chmod 700 "$REMOTE_SSH_DIR/serve"
  : >"$REMOTE_DIR/requests"

  ssh-keygen -q -t ed25519 -N '' -C nixcc-e2e-remote-host -f "$REMOTE_SSH_DIR/host_key"
  ssh-keygen -q -t ed25519 -N '' -C nixcc-e2e-remote-client -f "$REMOTE_SSH_DIR/client_key"
  echo "command=\"$REMOTE_SSH_DIR/serve\",restrict $(cat "$REMOTE_SSH_DIR/client_key.pub")" \
    >"$REMOTE_SSH_DIR/authorized_keys"
  chmod 600 "$REMOTE_SSH_DIR/authorized_keys"

  # A free port: try random high ones until sshd binds one (no window between probing and binding).
  local _
  for _ in $(seq 20); do
    REMOTE_PORT=$((20000 + RANDOM % 40000))
    cat >"$REMOTE_SSH_DIR/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $REMOTE_PORT
HostKey $REMOTE_SSH_DIR/host_key
PidFile $REMOTE_DIR/sshd.pid
AuthorizedKeysFile $REMOTE_SSH_DIR/authorized_keys
AuthorizedPrincipalsFile none
PermitRootLogin forced-commands-only
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
HostbasedAuthentication no
UsePAM no
# /tmp (mode 1777) is on the way to every file here, and StrictModes would refuse authorized_keys for
# it. The files themselves are root's and private (folder 0700, files 0600).
StrictModes no
AllowUsers root
PermitUserEnvironment no
X11Forwarding no
AllowTcpForwarding no
AllowAgentForwarding no
PermitTTY no
PrintMotd no
LogLevel VERBOSE
EOF
    rm -f "$REMOTE_DIR/sshd.pid" "$REMOTE_DIR/sshd.log"
    "$SSHD" -D -f "$REMOTE_SSH_DIR/sshd_config" -E "$REMOTE_DIR/sshd.log" </dev/null >"$REMOTE_DIR/sshd.out" 2>&1 &
    REMOTE_SSHD_PID=$!
    for _ in $(seq 100); do
      [ -s "$REMOTE_DIR/sshd.pid" ] && break
      kill -0 "$REMOTE_SSHD_PID" 2>/dev/null || break
      sleep 0.05
    done
    [ -s "$REMOTE_DIR/sshd.pid" ] && break
    wait "$REMOTE_SSHD_PID" 2>/dev/null || true
    REMOTE_SSHD_PID=
    grep -qiE 'bind|address already in use' "$REMOTE_DIR/sshd.log" || break
  done
  [ -n "$REMOTE_SSHD_PID" ] || { cat "$REMOTE_DIR/sshd.out" "$REMOTE_DIR/sshd.log" >&2; fail "sshd did not start"; }

  # Nix 2.8's ssh-ng URI has no port: ssh gets it from NIX_SSHOPTS (split at spaces, so no spaces in
  # these paths). The host key travels in the builders line (8th column, base64): Nix writes it to a
  # known_hosts file of its own as "127.0.0.1 KEY", and HostKeyAlias makes ssh look it up under that
  # name rather than "[127.0.0.1]:PORT". StrictHostKeyChecking=yes: a wrong key fails, nothing is
  # learnt; BatchMode: never a prompt; -F none: no ~/.ssh/config or /etc/ssh/ssh_config.
  REMOTE_SSHOPTS="-p $REMOTE_PORT -F none -o HostKeyAlias=127.0.0.1 -o StrictHostKeyChecking=yes -o BatchMode=yes -o IdentitiesOnly=yes"
  # URI, systems, ssh key, max jobs, speed factor, supported features, mandatory features, host key.
  REMOTE_BUILDERS="ssh-ng://root@127.0.0.1 $(uname -m)-linux $REMOTE_SSH_DIR/client_key 2 1 - - $(base64 -w0 "$REMOTE_SSH_DIR/host_key.pub")"

  # The key, the forced command and the remote store answer (this also creates the store).
  NIX_SSHOPTS="$REMOTE_SSHOPTS" nix --extra-experimental-features nix-command store ping \
    --store "ssh-ng://root@127.0.0.1?ssh-key=$REMOTE_SSH_DIR/client_key&base64-ssh-public-host-key=$(base64 -w0 "$REMOTE_SSH_DIR/host_key.pub")" \
    >"$REMOTE_DIR/ping.log" 2>&1 || { cat "$REMOTE_DIR/ping.log" "$REMOTE_DIR/sshd.log" >&2; fail "the remote store does not answer over ssh-ng"; }
  [ -d "$REMOTE_ROOT/nix/store" ] || fail "the remote store was not created under $REMOTE_ROOT"
}

remote_write_conf() {
  {
    echo "store = local?root=$REMOTE_ROOT"
    echo "sandbox = true"
    echo "build-users-group = nixbld"
    echo "substituters ="
    printf '%s\n' "${REMOTE_LINES[@]}"
    [ -z "$REMOTE_SANDBOX_LINE" ] || echo "$REMOTE_SANDBOX_LINE"
  } >"$REMOTE_DIR/conf/nix.conf"
}

remote_use_sandbox_paths() {
  local file="$1/sandbox-paths.conf" line=
  [ ! -f "$file" ] || line=$(cat "$file")
  REMOTE_SANDBOX_LINE=$line
  remote_write_conf
}

remote_daemon_start() {
  daemon_stop
  local e env=()
  for e in "${DAEMON_ENV[@]}"; do [[ $e == NIX_SSHOPTS=* ]] || env+=("$e"); done
  DAEMON_ENV=("${env[@]}" "NIX_SSHOPTS=$REMOTE_SSHOPTS")
  daemon_start "trusted-users = root $E2E_USER" "$@"
}

# With --max-jobs 0 the local daemon cannot build at all; these lines are what show where a build ran.
remote_built() {
  local log=$1 drvs drv base
  REMOTE_BUILT=0
  drvs=$(sed -n 's|^  \(/nix/store/.*\.drv\)$|\1|p' "$log")
  [ -n "$drvs" ] || { cat "$log" >&2; fail "nix-build built nothing: were its derivations built before? (salt them)"; }
  for drv in $drvs; do
    grep -qF "building '$drv' on 'ssh-ng://root@127.0.0.1'" "$log" || { cat "$log" >&2; fail "$drv was not built on the remote"; }
    base=${drv#/nix/store/}
    compgen -G "$REMOTE_ROOT/nix/var/log/nix/drvs/${base:0:2}/${base:2}*" >/dev/null ||
      fail "the remote store has no build log for $drv"
    REMOTE_BUILT=$((REMOTE_BUILT + 1))
  done
}

remote_gc() {
  remote_nix nix-store --gc >"$REMOTE_DIR/gc.log" 2>&1 || { cat "$REMOTE_DIR/gc.log" >&2; fail "cannot empty the remote store"; }
  [ -z "$(remote_paths)" ] || fail "the remote store still holds paths after a garbage collection: $(remote_paths | head -3)"
}

remote_stop() {
  [ -n "$REMOTE_SSHD_PID" ] || return 0
  kill "$REMOTE_SSHD_PID" 2>/dev/null || true
  wait "$REMOTE_SSHD_PID" 2>/dev/null || true
  REMOTE_SSHD_PID=
}
at_exit remote_stop

remote_store_path() { echo "$REMOTE_ROOT$1"; }
remote_nix() { NIX_CONF_DIR="$REMOTE_DIR/conf" "$@"; }
remote_paths() { remote_nix nix --extra-experimental-features nix-command path-info --all | sort; }
remote_store_bytes() { du -sb "$REMOTE_ROOT/nix/store" | cut -f1; }
# Nix kills its ssh once a build is done; sshd logs "Transferred: sent N, received M bytes" when it
# sees the connection close, a moment later. Connections still open after 10 s are left out.
remote_transferred() {
  local log="$REMOTE_DIR/sshd.log" _
  for _ in $(seq 200); do
    (($(grep -c '^Transferred: ' "$log") >= $(grep -c '^Starting session: ' "$log"))) && break
    sleep 0.05
  done
  awk -v f="$1" '$1 == "Transferred:" { n += $f } END { print n + 0 }' "$log"
}
remote_bytes_received() { remote_transferred 5; }
remote_bytes_sent() { remote_transferred 3; }
remote_sessions() { grep -c '^Starting session: ' "$REMOTE_DIR/sshd.log" || true; }
