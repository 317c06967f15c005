# shellcheck shell=bash
# Nix as its users run it: a nix-daemon with the sandbox on and builds done by the nixbld users, and
# a client that is not root. Sourced after lib.sh by tests that build through it; never run on its own.
# Needs root (to start the daemon and to become the user) and the nixbld group (scripts/install-deps.sh
# installs Debian's multi-user set-up, nix-setup-systemd).
#
#   daemon_start [LINE...]   starts a private nix-daemon on $DAEMON_SOCKET: sandbox = true,
#                            build-users-group = nixbld, no substituters, plus each nix.conf LINE;
#                            DAEMON_ENV (NAME=VALUE words) adds to its environment, which its build
#                            hook inherits (NIX_SSHOPTS for remote builders: see nix_remote.sh)
#   daemon_use_sandbox_paths PLAN
#                            restarts it, when needed, with the extra-sandbox-paths line nixcc-plan
#                            wrote into PLAN/sandbox-paths.conf (nix.conf is read at start only)
#   daemon_stop              stops it (also done on exit)
#   as_user CMD...           runs CMD as $E2E_USER, a client of that daemon, with nixcc and
#                            nixcc-plan first on PATH (from $USER_BIN_DIR); the test's folder is
#                            handed to the user first, so whatever root wrote there is the user's
#   user_dir PATH...         creates folders the user owns
#
# The daemon is private (its own socket and nix.conf, in a folder only root can change), so tests
# never depend on, or change, the machine's daemon or /etc/nix; the store is the machine's.

E2E_USER=nixcc-e2e
DAEMON_DIR=$(mktemp -d "${TMPDIR:-/tmp}/nixcc-daemon.XXXXXX")
chmod 755 "$DAEMON_DIR"
DAEMON_SOCKET="$DAEMON_DIR/socket"
USER_HOME="$SCRATCH/home"
DAEMON_PID=
DAEMON_LINES=()          # what daemon_start was given
DAEMON_SANDBOX_LINE=     # the extra-sandbox-paths line it runs with
DAEMON_ENV=()

[ "$(id -u)" = 0 ] || fail "this test starts a nix-daemon and becomes another user: run it as root"
getent group nixbld >/dev/null || fail "no nixbld group: run scripts/install-deps.sh (Debian's nix-setup-systemd)"
command -v nix-daemon >/dev/null || fail "nix-daemon is not installed"
if ! id "$E2E_USER" >/dev/null 2>&1; then
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
    --comment "nixcc end-to-end tests" "$E2E_USER" 2>/dev/null || id "$E2E_USER" >/dev/null || fail "cannot create user $E2E_USER"
fi
chown "$E2E_USER" "$SCRATCH"  # mktemp's folder is private; the user works inside it
mkdir -p "$DAEMON_DIR/conf" "$USER_HOME"
chown "$E2E_USER" "$USER_HOME"

# The user runs the built binaries; a checkout under a private folder (/root) is out of its reach, so
# it gets copies then.
USER_BIN_DIR=$NIXCC_BIN_DIR
if ! runuser -u "$E2E_USER" -- test -x "$NIXCC_BIN_DIR/nixcc"; then
  USER_BIN_DIR="$SCRATCH/bin"
  mkdir -p "$USER_BIN_DIR"
  cp "$NIXCC_BIN_DIR/nixcc" "$NIXCC_BIN_DIR/nixcc-plan" "$USER_BIN_DIR/"
fi

user_dir() {
  mkdir -p "$@"
  chown "$E2E_USER" "$@"
}

daemon_start() {
  DAEMON_LINES=("$@")
  {
    echo "sandbox = true"
    echo "build-users-group = nixbld"
    echo "substituters ="
    printf '%s\n' "$@"
    [ -z "$DAEMON_SANDBOX_LINE" ] || echo "$DAEMON_SANDBOX_LINE"
  } >"$DAEMON_DIR/conf/nix.conf"
  rm -f "$DAEMON_SOCKET"
  env "${DAEMON_ENV[@]}" NIX_CONF_DIR="$DAEMON_DIR/conf" NIX_DAEMON_SOCKET_PATH="$DAEMON_SOCKET" setsid nix-daemon \
    >"$DAEMON_DIR/log" 2>&1 &
  DAEMON_PID=$!
  local i
  for i in $(seq 100); do
    [ -S "$DAEMON_SOCKET" ] && return 0
    kill -0 "$DAEMON_PID" 2>/dev/null || break
    sleep 0.05
  done
  cat "$DAEMON_DIR/log" >&2
  fail "nix-daemon did not start"
}

daemon_stop() {
  [ -n "$DAEMON_PID" ] || return 0
  kill "$DAEMON_PID" 2>/dev/null || true
  wait "$DAEMON_PID" 2>/dev/null || true
  DAEMON_PID=
}
at_exit daemon_stop
at_exit rm -rf "$DAEMON_DIR"

daemon_use_sandbox_paths() {
  local file="$1/sandbox-paths.conf" line=
  [ ! -f "$file" ] || line=$(cat "$file")
  [ "$line" != "$DAEMON_SANDBOX_LINE" ] || return 0
  DAEMON_SANDBOX_LINE=$line
  daemon_stop
  daemon_start "${DAEMON_LINES[@]}"
}

as_user() {
  chown -R -h "$E2E_USER" "$SCRATCH"
  runuser -u "$E2E_USER" -- env -i PATH="$USER_BIN_DIR:$PATH" HOME="$USER_HOME" TMPDIR="${TMPDIR:-/tmp}" LANG=C.UTF-8 \
    NIX_REMOTE=daemon NIX_DAEMON_SOCKET_PATH="$DAEMON_SOCKET" NIX_CONF_DIR="$DAEMON_DIR/conf" \
    NIXCC_DB="$USER_HOME/timings.sqlite" "$@"
}
