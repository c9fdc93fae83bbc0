#!/usr/bin/env bash
# The scheduler's QEMU runs beyond the main matrix (which runs every suite,
# sched and messages included): memory limits, exact slices under -icount,
# the shell, and the shared-queue mode.
set -uo pipefail
cd "$(dirname "$0")/../.."
run=tests/qemu/qemu-run.sh
T=${QEMU_TIMEOUT:-300}

# 100 000 live processes in 1 GiB of guest RAM, each blocked in receive; a
# message to each, every one answers, the count comes back (tests/bench/million.c).
$run sched-100k-processes --suite --mem 1G --append test=big.hundred_thousand_processes --timeout $T
# Spawning until memory is gone: spawn says why, nothing crashes.
$run sched-out-of-memory --suite --mem 128M --append test=big.spawn_until_memory_runs_out --timeout $T
# The console shell under make run's workload: typed commands, one per line
# (spawn ring and ticker, kill ticker twice: the second finds no such name).
$run shell-commands --timeout $T --prompt '> ' \
    --input "$(printf 'help\rtrace on\rcpus\rspawn spinner\rkill spinner\rcpu off 3\rcpus\rcpu on 3\rstats\rlockstat\rtop 2\rps\rspawn ring\rspawn ticker\rps\rkill ticker\rkill ticker\rps\rtrace off\rtrace 1 5\rbogus\rtest smp.boot_core_alive\rpoweroff\r')" \
    --expect 'armada shell: type help' --expect 'poweroff +power the machine off' \
    --expect 'spawned spinner as <[0-9]+\.[0-9]+>' --expect 'killed <[0-9]+\.[0-9]+>' \
    --expect 'cpu3 is offline' --expect 'cpu3: offline' --expect '3 of 4 core\(s\) online' --expect 'cpu3 is online' \
    --expect 'switches +reductions' --expect 'cpu3 +[0-9]+% \[' --expect '[0-9]+ process\(es\)' \
    --expect 'trace of cpu1' --expect 'runqueue' --expect 'bogus: unknown command' --expect '^1 passed, 0 failed, 0 skipped$' --expect 'powering off'
# What those commands printed: stats rows, trace events, ps counts (see the script).
bash tests/qemu/check-shell-log.sh shell-commands 4
# Slices exactly, under -icount shift=0 (one instruction per ns: no host in
# the timing): CONTEXT_REDS reductions a turn, 2 ms for code without
# reduction points.
$run sched-slices-icount --suite --smp 2 --append test=icount --timeout $T -- -icount shift=0
# sched=global: the whole in-image suite with one shared run queue.
# The mailbox policy: a process that never takes its messages, flooded from
# 3 cores in 48 MiB (48 MiB of floods: without the limit, all of memory),
# holds at most its limit; the rest are refused and counted, and every other
# process gets all its messages (test_mailbox.c). (On 8 vCPUs it took 85 s
# of a 2-core host.)
$run sched-mailbox-flood --suite --smp 4 --mem 48M --append test=mailbox --timeout $T \
    --expect '^mailbox: limit [0-9]+ bytes; the sink took [0-9]+ floods \([0-9]+ bytes\), [1-9][0-9]* refused$'
$run sched-global-queue --suite --append "test sched=global" --timeout $T
# The races of the send, kill, exit and switch paths (tests/image/test_races.c),
# two runs each on 2 and on 4 cores: each forces its interleaving with a hook, so
# every run would fail without its fix (the timeout one, which needs three
# cores, only meets the two sides: it runs on 4).
for i in 1 2; do
    $run sched-races-smp2-run$i --suite --smp 2 --append test=races --timeout $T
    $run sched-races-smp4-run$i --suite --smp 4 --append test=races --timeout $T
done
