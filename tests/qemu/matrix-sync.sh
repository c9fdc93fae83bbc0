#!/usr/bin/env bash
# sync/ on QEMU (a group of `make test`): the `sync` suite with 1, 2, 4 and 8
# cores (LL/SC, Cortex-A72), the LSE image on -cpu max, the LSE image refusing
# a Cortex-A72, and the lock-debug build (its checks' reports). PASS/FAIL lines only.
set -uo pipefail
cd "$(dirname "$0")/../.."
run=tests/qemu/qemu-run.sh
T=${QEMU_TIMEOUT:-300}

$run sync-1cpu        --suite --smp 1 --append test=sync --timeout $T
$run sync-2cpu        --suite --smp 2 --append test=sync --timeout $T
$run sync-4cpu        --suite --smp 4 --append test=sync --timeout $T
$run sync-8cpu-2cl    --suite --smp 8,clusters=2,cores=4 --append test=sync --timeout $T

# The LSE build (build/lse/armada.img, LDADDAL/CASAL/SWPAL) where LSE exists...
if make --no-print-directory lse > build/test-logs/sync-lse-build.log 2>&1; then
    $run sync-lse-max-4cpu --suite --cpu max --smp 4 --image build/lse/armada.img --append test=sync --timeout $T \
        --expect 'atomics: lse; this core has FEAT_LSE'
    # ...and its refusal where it does not (the Pi 4's core).
    $run sync-lse-refuses-a72 --cpu cortex-a72 --smp 2 --image build/lse/armada.img --append test=sync \
        --timeout 60 --stop-on 'cpu0 halted' --expect 'cpu0 has no LSE atomics \(ID_AA64ISAR0_EL1.Atomic = 0' \
        --expect 'refusing to run' --reject 'unexpected exception|PASS '
else
    echo "FAIL sync-lse-build: make lse failed (log: build/test-logs/sync-lse-build.log)"
fi

# The lock-debug build (build/lockdebug/armada.img, make LOCKS=debug): the
# sync suite and the links-lock listing with every acquisition counted, and
# its checks: a clear report, then panic (test mode powers off). The lean
# default skips those two tests (it has no checks).
if make --no-print-directory LOCKS=debug all > build/test-logs/sync-lockdebug-build.log 2>&1; then
    dbg="--image build/lockdebug/armada.img"
    $run sync-lockdebug-4cpu --suite --smp 4 $dbg --append "test=sync,messages.exit_leaves_links_lock_unlisted" \
        --timeout $T
    $run sync-debug-recursive --panic-expected --smp 2 $dbg --append test=syncdebug.recursive_lock --timeout 60 \
        --expect 'spinlock: recursive lock of "debug-victim" .* by cpu0, which already holds it' \
        --expect 'panic on cpu0: recursive spin_lock\("debug-victim"\)' --expect 'powering off'
    $run sync-debug-non-owner --panic-expected --smp 2 $dbg --append test=syncdebug.unlock_by_non_owner --timeout 60 \
        --expect 'spinlock: unlock of "debug-victim" .* by cpu0, but cpu1 holds it' \
        --expect 'panic on cpu0: spin_unlock\("debug-victim"\) by non-owner cpu0' --expect 'powering off'
else
    echo "FAIL sync-lockdebug-build: make LOCKS=debug failed (log: build/test-logs/sync-lockdebug-build.log)"
fi
# The lean build skips them, saying where they run (and counts what it counts).
$run sync-debug-skipped-lean --suite --smp 2 --append test=syncdebug.recursive_lock,sync.lockstat_counts_acquisitions \
    --timeout 60 \
    --expect 'SKIP syncdebug.recursive_lock: the lean build has no lock checks'
