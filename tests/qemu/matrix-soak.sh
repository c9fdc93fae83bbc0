#!/usr/bin/env bash
# One minute of the soak in make test (tests/qemu/soak.sh: 8 cores, every
# invariant checked, message blocks included). `make soak MINUTES=N` runs
# longer ones. PASS/FAIL lines only.
set -uo pipefail
cd "$(dirname "$0")/../.."
SOAK_SECONDS=${MAKE_TEST_SOAK_SECONDS:-60} exec bash tests/qemu/soak.sh
