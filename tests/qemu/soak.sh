#!/usr/bin/env bash
# The soak (tests/image/test_soak.c) on 8 cores for SOAK_SECONDS (default 60):
# random spawn, exit, kill, links, monitors, selective receives with
# timeouts, faults, cpu off/on, with every invariant checked. `make soak
# MINUTES=N` runs it; make test runs one minute (tests/qemu/matrix-soak.sh).
set -uo pipefail
cd "$(dirname "$0")/../.."
run=tests/qemu/qemu-run.sh
seconds=${SOAK_SECONDS:-60}
$run soak-${seconds}s --suite --smp 8 --append "test=soak soak=$seconds" --timeout $((seconds * 3 + 120)) \
    --expect "^soak: $seconds s on 8 cores: [1-9][0-9]* workers, [0-9]+ messages sent and [0-9]+ received in order"
