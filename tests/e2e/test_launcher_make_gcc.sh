#!/usr/bin/env bash
# Launcher mode end to end: the demo project built with Unix Makefiles and g++, plain and through nixcc.
# See launcher_common.sh for every check.
set -euo pipefail
source "$NIXCC_REPO/tests/e2e/lib.sh"
source "$NIXCC_REPO/tests/e2e/launcher_common.sh"
run_launcher_demo_test "Unix Makefiles" gcc g++
