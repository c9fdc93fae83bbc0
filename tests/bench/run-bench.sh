#!/usr/bin/env bash
# `make bench`: the lock benchmarks on QEMU virt (GICv3), LL/SC (build/armada.img
# on Cortex-A72) and LSE (build/lse/armada.img on -cpu max), as one table.
#  - uncontended cost, one core, under -icount shift=0: ns = guest instructions;
#  - contended throughput on 1, 2, 4 and 8 cores (MTTCG, wall clock of the guest).
# Raw logs: build/test-logs/bench-*.log. Not a test: prints no PASS/FAIL.
set -uo pipefail
cd "$(dirname "$0")/../.."
run=tests/qemu/qemu-run.sh
out=build/test-logs/bench-results.txt
: > "$out"
T=${BENCH_TIMEOUT:-300}
CORES=${BENCH_CORES:-"1 2 4 8"}

collect() { # NAME ATOMICS: keep the BENCH lines of log NAME, tagged with the atomics kind
    tr -d '\r' < "build/test-logs/$1.log" | grep '^BENCH ' | sed "s/^BENCH /$2 /" >> "$out"
}

$run bench-uncontended-llsc --smp 1 --cpu cortex-a72 --append bench=locks_uncontended --timeout $T \
    --expect 'benchmark\(s\) done' -- -icount shift=0
collect bench-uncontended-llsc llsc
$run bench-uncontended-lse --smp 1 --cpu max --image build/lse/armada.img --append bench=locks_uncontended \
    --timeout $T --expect 'benchmark\(s\) done' -- -icount shift=0
collect bench-uncontended-lse lse
for n in $CORES; do
    $run bench-contended-llsc-$n --smp $n --cpu cortex-a72 --append bench=locks_contended --timeout $T \
        --expect 'benchmark\(s\) done'
    collect bench-contended-llsc-$n llsc
    $run bench-contended-lse-$n --smp $n --cpu max --image build/lse/armada.img --append bench=locks_contended \
        --timeout $T --expect 'benchmark\(s\) done'
    collect bench-contended-lse-$n lse
done

echo
echo "Uncontended acquire+release (one core, -icount shift=0: guest instructions per pair)"
printf '%-20s %10s %10s\n' "lock" "LL/SC" "LSE"
for v in $(awk '$2 == "locks_uncontended" {print $3}' "$out" | awk '!seen[$0]++'); do
    llsc=$(awk -v v="$v" '$1 == "llsc" && $2 == "locks_uncontended" && $3 == v {print $5}' "$out")
    lse=$(awk -v v="$v" '$1 == "lse" && $2 == "locks_uncontended" && $3 == v {print $5}' "$out")
    printf '%-20s %10s %10s\n' "$v" "${llsc%.*}" "${lse%.*}"
done
echo
echo "Contended throughput (acquisitions per ms of guest time; every core on one lock)"
header=$(printf '%-20s' "lock / cores")
for n in $CORES; do header+=$(printf ' %9s %9s' "LL/SC:$n" "LSE:$n"); done
echo "$header"
for v in $(awk '$2 == "locks_contended" {print $3}' "$out" | awk '!seen[$0]++'); do
    row=$(printf '%-20s' "$v")
    for n in $CORES; do
        for a in llsc lse; do
            x=$(awk -v v="$v" -v a="$a" -v n="$n" '$1 == a && $2 == "locks_contended" && $3 == v && $4 == n {print $5}' "$out")
            row+=$(printf ' %9s' "${x%.*}")
        done
    done
    echo "$row"
done
