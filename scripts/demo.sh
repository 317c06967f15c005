#!/usr/bin/env bash
# nixcc's main job on the bundled example: install, build nixcc, configure examples/demo, plan it
# into Nix derivations, nix-build them, run the programs, and show the timing report.
# Everything it makes goes under build/demo/ (re-running it is a no-op build).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build

work="$repo/build/demo"
mkdir -p "$work"
# A plain configure: the first plan writes nixcc-plan's File API query and runs cmake there again.
cmake -S examples/demo -B "$work/cmake" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
previous=()
[ -e "$work/result" ] && previous=(--previous "$work/result" --timings "$work/result/timings.sqlite")
build/bin/nixcc-plan "$work/cmake" -o "$work/plan" --batches 3 "${previous[@]}"
# Nix's defaults: the sandbox on, builds run by the nixbld users. Root may pass the plan's
# extra-sandbox-paths line on the command line; other users need it in /etc/nix/nix.conf (README).
sandbox_paths=$(sed 's/^extra-sandbox-paths = //' "$work/plan/sandbox-paths.conf")
nix-build "$work/plan" -o "$work/result" \
  --option sandbox true --option build-users-group nixbld --option extra-sandbox-paths "$sandbox_paths" \
  --option substituters '' --option max-jobs 2 --option cores 1
"$work/result/bin/greet"
"$work/result/bin/stats"
build/bin/nixcc stats --db "$work/result/timings.sqlite" --build all
