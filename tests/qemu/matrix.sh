#!/usr/bin/env bash
# The QEMU runs of `make test`: the in-image suites over the machine matrix,
# and boots with broken or surprising device trees. PASS/FAIL lines only.
set -uo pipefail
cd "$(dirname "$0")/../.."
run=tests/qemu/qemu-run.sh
T=${QEMU_TIMEOUT:-180}

# In-image suites over the matrix: GICv3 with 1, 2, 4 and 8 cores (8 as two
# clusters of 4), EL2 entry (smc conduit), three CPU models, 128 MiB and 2 GiB.
$run virt-gicv3-1cpu     --suite --smp 1 --append test --timeout $T
$run virt-gicv3-2cpu     --suite --smp 2 --append test --timeout $T
$run virt-gicv3-4cpu     --suite --smp 4 --append test --timeout $T --expect 'power-off: PSCI SYSTEM_OFF via hvc'
# (8 cores in two clusters without sync: matrix-sync.sh runs it on this very machine.)
$run virt-gicv3-8cpu-2cl --suite --smp 8,clusters=2,cores=4 --append test=-sync --timeout $T
# 18 cores: Aff1 != 0 from cpu16 on (virt packs 16 per cluster under GICv3);
# the suites that route by affinity. (sync runs 1-8 cores: matrix-sync.sh;
# stress runs on 1-8 cores above and below: here, 18 vCPUs on a 2-core CI
# host, it took 40 of make test's 900 s.)
$run virt-gicv3-18cpu    --suite --smp 18 --cpu cortex-a53 --append test=smp,timer,psci,exception,sched,gic,messages --timeout $T
$run virt-el2-smc        --suite --machine virt,gic-version=3,virtualization=on --append test --timeout $T \
    --expect 'entered at EL2' --expect 'via smc'
$run virt-cortex-a53     --suite --cpu cortex-a53 --append test --timeout $T
$run virt-cpu-max        --suite --cpu max --append test --timeout $T
$run virt-128M           --suite --mem 128M --append test --timeout $T
$run virt-2G             --suite --mem 2G --append test --timeout $T
# Where time is exact (-icount shift=0: one instruction is one ns of virtual
# time), a deadline fires within microseconds on every core (test=icount is
# named-only: without -icount it cannot hold).
$run virt-icount-timer   --suite --append test=timer,icount --timeout $T -- -icount shift=0

# The diag boot word's screen (README, Boot arguments): each line's content.
$run diag-virt --suite --append "diag test=smp.boot_core_alive" --timeout $T \
    --expect '^diag: el: entered at EL1, running at EL1$' \
    --expect '^diag: image: loaded at 0x40200000 \(2 MiB aligned\), header magic ARM.x64 ok, text_offset 0, image_size 0x[0-9a-f]+, flags 0xa \(little-endian, 4K pages, place anywhere\)$' \
    --count '^diag: cpu[0-3]: MPIDR (0|0x[0-3]), SCTLR_EL1 0x[0-9a-f]+ M=1 C=1 I=1, LDAXR/STXR ok \(0 failed tries\)$' 4 \
    --expect '^diag: cpu3: enable-method psci, online$' \
    --expect '^diag: gic: GICv3, as found GICD_CTLR 0x[0-9a-f]+; now 0x[0-9a-f]*[2367abef] \(affinity routing on\)' \
    --expect '^diag: gic: SPI INTID 33 enabled, IROUTER 0$' \
    --expect '^diag: timer: CNTFRQ_EL0 62500000 Hz, no DT clock-frequency, ticking at 62500000 Hz$' \
    --expect '^diag: uart: PL011, DT clock 24000000 Hz' --expect '^diag: --- end ---$'
# A tree whose timer clock-frequency disagrees with CNTFRQ_EL0.
$run diag-timer-frequency --suite --dtb build/dts/virt-timer-frequency.dtb --append "diag test=timer" --timeout $T \
    --expect '^diag: timer: CNTFRQ_EL0 62500000 Hz, DT clock-frequency 54000000 Hz \(DIFFERS: CNTFRQ is used\), ticking at 62500000 Hz$'

# The lockup detector: a core stuck on purpose (interrupts masked; then in an
# RCU read-side section, not preemptible) is named with its process, pc and
# the lock it holds; with the detector's test-mode verdict left on, the run
# fails (a panic), which is what this run expects.
lockup_line='^lockup: cpu1 stuck for [0-9]+ ms \(limit 5000\) in pid [0-9]+, %s; pc 0x[0-9a-f]+ \([a-z_][a-z_0-9.]*\+0x[0-9a-f]+\) at its last interrupt \([0-9]+ ms ago\); holds 1 lock\(s\): "lockup-victim"$'
# shellcheck disable=SC2059
$run lockup-named --suite --append test=lockup --timeout $T \
    --expect "$(printf "$lockup_line" 'interrupts masked')" \
    --expect "$(printf "$lockup_line" 'no reduction point and no preemption')"
# shellcheck disable=SC2059
$run lockup-fails-run --panic-expected --append test=lockup_fails_run --timeout $T \
    --expect "$(printf "$lockup_line" 'interrupts masked')" \
    --expect 'panic on cpu[02-9]: lockup on cpu1 \(pid [0-9]+, pc 0x[0-9a-f]+\): the run fails' \
    --expect 'powering off' --reject '^(PASS|FAIL) '

# ps past its first 256 rows still lists the running process that asked.
$run ps-caller --suite --append test=sched.ps_shows_the_caller --timeout $T --expect ' ps_probe\(\)$'

# Console input arrives by the UART's receive interrupt.
$run console-receive --suite --append test=console --input armada-rx --timeout $T

# Entered at EL3 (secure=on, started by the stand-in loader: QEMU's own
# -kernel path drops to EL1): a clear message, then a halt.
$run el3-entry --machine virt,secure=on,gic-version=3 --loader-dtb build/dts/qemu-virt-gicv3.dtb --timeout $T \
    --stop-on 'Halted' --expect 'entered at EL3' --expect 'have the firmware drop to EL2'

# Lines printed by every core at once arrive whole (4 cores x 25 lines).
$run console-lines-whole --suite --append test=console.lines_stay_whole --timeout $T \
    --count '^whole-line: cpu[0-9]+ x{40} end$' 100

# The panic path: an unexpected exception on a secondary is reported in full,
# the other cores are stopped, and test mode powers the machine off.
$run panic-on-secondary --panic-expected --append test=panic --timeout $T \
    --expect 'unexpected exception.*, cpu[1-9] at EL1: ESR 0x96' \
    --expect 'data abort \(same EL\), translation fault on read' \
    --expect 'pc in unexpected_fault\+0x[0-9a-f]+, lr in [a-z_]+\+0x' --expect 'x0 +0x' --expect 'panic: stopped 3 other core' --expect 'powering off'

# A panic while another core holds the console lock for good (interrupts
# masked: it cannot even be stopped): the report still comes out whole and
# test mode powers off. Two cores faulting at the same moment: both reports,
# one panic stops the machine (the other core stops itself), one power-off.
$run panic-console-held --panic-expected --append test=panic_console --timeout $T \
    --expect 'unexpected exception \(handler context\), cpu2 at EL1: ESR 0x96' --expect '^    x28 +0x' \
    --expect '^panic: stopped 2 other core' --expect '^panic: powering off'
$run panic-two-at-once --panic-expected --append test=panic_twice --timeout $T \
    --expect 'unexpected exception \(handler context\), cpu1 at EL1' \
    --expect 'unexpected exception \(handler context\), cpu2 at EL1' \
    --expect '^panic: stopped 3 other core' --count '^panic: powering off' 1
# A timer event removed on a core other than the one whose queue holds it
# (it would unlink from the wrong list: the soak's wedge) stops the run,
# naming the event's callback and both cores.
$run timer-wrong-core --panic-expected --smp 2 --append test=timerdebug.remove_on_wrong_core --timeout $T \
    --expect 'panic on cpu[01]: timer: event 0x[0-9a-f]+ \(callback never_fires, arg [^)]*\) queued on cpu[01], removed on cpu[01]' \
    --expect 'powering off'

# Device trees that lack what a full boot needs: the boot core still comes up
# and says why.
# (No PSCI and no PM watchdog either: the one board here with no power-off,
# so its suite run ends halted, --halts.)
$run dt-no-psci --suite --halts --loader-dtb build/dts/virt-no-psci.dtb --timeout $T \
    --expect 'no /psci' --expect 'cpu1: .*PSCI CPU_ON failed: NOT_SUPPORTED' \
    --expect 'power-off: none' --expect '^1 passed, 0 failed, 0 skipped$' --expect 'no way to power off'
# (cpu2's method is unknown: every test but the all-cores one must still pass.)
$run dt-unknown-enable-method --suite --dtb build/dts/virt-unknown-method.dtb --append test=smp.boot_core_alive,smp.sgi_every_pair,smp.call_function_all_wait,smp.concurrent_cross_calls,timer,exception --timeout $T \
    --expect 'cpu@2.* unknown enable-method "acme,teleport"' \
    --expect 'cpu2: .*enable-method "acme,teleport" is not supported' \
    --expect 'smp: 3 of 4 core'
$run dt-phantom-cpus --suite --dtb build/dts/virt-phantom-cpus.dtb --timeout $T \
    --append test=smp.boot_core_alive,smp.sgi_every_pair,smp.call_function_all_wait \
    --expect 'cpu4: MPIDR 0x4: did not come up within [0-9]+ ms after spin-table release at 0x5fff0000' \
    --expect 'cpu5: MPIDR 0x5: PSCI CPU_ON failed: INVALID_PARAMETERS \(-2\)' \
    --expect 'smp: 4 of 6 core' --expect '^3 passed, 0 failed, 0 skipped$'
$run dt-truncated --loader-dtb build/dts/virt-truncated.dtb --timeout $T \
    --stop-on 'halted|armada shell' --expect 'device tree: .*(FDT_ERR_TRUNCATED|damaged)' \
    --expect 'smp: 2 of 2 core' --reject 'unexpected exception'
