#!/usr/bin/env bash
# Benchmark: what a remote builder receives when a host-mode plan is built there, batched against one
# derivation per file.
#
#   bash bench/remote_closure.sh [--tus N [--tiny]] [--batches B]
#
# The project: examples/demo (7 units), or with --tus a synthetic project of N units (bench/gen_project.py,
# --tiny for its tiny units). Uses the end-to-end tests' remote builder (tests/e2e/nix_remote.sh: a
# private sshd on 127.0.0.1 serving a chroot store over ssh-ng) and their private sandboxed daemon, so
# it needs root, the nixbld group and openssh-server, like `ctest -L e2e`. For each layout, nixcc-plan
# --batches B (default 2) and then nixcc-plan --per-file, on an empty remote store:
#   cold      the whole plan built on the remote (nix-build --builders ... --max-jobs 0)
#   one edit  a function appended to one .cpp (the demo's apps/stats/main.cpp, the synthetic project's
#             bench-meta.json edit_cpp), re-planned with --previous, built on the remote again
# and prints, for each build: derivations built, store paths copied to the remote and their NAR size,
# bytes the remote's sshd received (the NARs plus the protocol and the derivations), ssh sessions, and
# how much the remote's /nix/store grew on disk (the outputs built there included). The remote store is
# emptied (garbage-collected) between the layouts, so each cold build copies nixcc again.
# NIXCC_BIN_DIR names the built binaries (default: build/bin in this repository).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
export NIXCC_REPO=$repo
export NIXCC_BIN_DIR=${NIXCC_BIN_DIR:-$repo/build/bin}
tus='' tiny='' batches=2
usage() { echo "remote_closure.sh: $*" >&2; exit 2; }
while (($#)); do
  case $1 in
    --tus) [[ $# -ge 2 ]] || usage "--tus needs a value"; tus=$2; shift 2 ;;
    --tiny) tiny=--tiny; shift ;;
    --batches) [[ $# -ge 2 ]] || usage "--batches needs a value"; batches=$2; shift 2 ;;
    -h|--help) sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) usage "unknown argument $1 (see --help)" ;;
  esac
done
[ -x "$NIXCC_BIN_DIR/nixcc-plan" ] || usage "no $NIXCC_BIN_DIR/nixcc-plan: build first, or set NIXCC_BIN_DIR"

source "$repo/tests/e2e/lib.sh"
source "$repo/tests/e2e/plan_common.sh"
source "$repo/tests/e2e/nix_remote.sh"
source "$repo/tests/e2e/plan_remote.sh"

src="$SCRATCH/src" build="$SCRATCH/build"
if [ -n "$tus" ]; then
  python3 "$repo/bench/gen_project.py" --tus "$tus" $tiny --out "$src" >/dev/null
  edit_cpp=$(jq -r .edit_cpp "$src/bench-meta.json")
  project="synthetic, $tus${tiny:+ tiny} units"
else
  plan_copy_demo "$src"
  edit_cpp=apps/stats/main.cpp
  project="examples/demo, 7 units"
fi
plan_configure "$src" "$build"
plan_remote_start
edits=0
edit() {
  edits=$((edits + 1))
  printf '\nint nixcc_remote_closure_edit_%d(int x) { return x * 3 + %d; }\n' "$edits" "$edits" >>"$src/$edit_cpp"
}

started=$SECONDS
layout() {
  local name=$1 plan="$SCRATCH/plan-$1"
  shift
  remote_gc
  plan_run "$plan" "$build" "$@"
  plan_remote_build "$name cold" "$plan" "$SCRATCH/result-$name-1"
  edit
  plan_run "$plan" "$build" "$@" --previous "$SCRATCH/result-$name-1" --timings "$SCRATCH/result-$name-1/timings.sqlite"
  plan_remote_build "$name one edit" "$plan" "$SCRATCH/result-$name-2"
}
layout batched --batches "$batches"
layout per-file --per-file

echo
echo "sent to the remote builder: $project, host mode; --batches $batches against --per-file;" \
  "load average $(cut -d' ' -f1-3 /proc/loadavg) ($((SECONDS - started)) s)"
printf '  %s\n' "${PLAN_REMOTE_MEASURED[@]}"
