#!/usr/bin/env bash
# Installs everything nixcc needs to build, test and benchmark, from Debian's archive only.
# Idempotent: packages already present are left alone; apt-get update runs only when something is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  clang ccache
  libboost-filesystem-dev libboost-dev
  libxxhash-dev libsqlite3-dev sqlite3 libfmt-dev
  nlohmann-json3-dev libcli11-dev catch2
  # nix-setup-systemd is Debian's multi-user Nix: the nixbld group and its build users, the nix-users
  # group, and the nix-daemon socket and service (systemd starts the daemon on first use; without
  # systemd, root starts `nix-daemon`). The tests start private daemons of their own.
  nix-bin nix-setup-systemd
  # The remote-builder test (tests/e2e/nix_remote.sh) runs a private sshd of its own on 127.0.0.1 and
  # never uses the package's service (which, where systemd runs, installing enables on port 22:
  # `systemctl disable --now ssh` if it is not wanted).
  openssh-server
  python3 time jq dpkg-dev
  chromium
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "install-deps: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "install-deps: all dependencies present"
