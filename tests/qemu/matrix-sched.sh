#!/usr/bin/env bash
# The scheduler's QEMU runs beyond the main matrix (which runs every suite,
# sched and messages included): memory limits and the shared-queue mode.
set -uo pipefail
cd "$(dirname "$0")/../.."
run=tests/qemu/qemu-run.sh
T=${QEMU_TIMEOUT:-300}

# 100 000 live processes in 1 GiB of guest RAM.
$run sched-100k-processes --suite --mem 1G --append test=big.hundred_thousand_processes --timeout $T
# Spawning until memory is gone: spawn says why, nothing crashes.
$run sched-out-of-memory --suite --mem 128M --append test=big.spawn_until_memory_runs_out --timeout $T
