#!/usr/bin/env bash
# `make bench`: the lock benchmarks on QEMU virt (GICv3), LL/SC (build/armada.img
# on Cortex-A72) and LSE (build/lse/armada.img on -cpu max), as one table; then
# the scheduler's, the network's (tests/bench/net-bench.sh) and the Erlang
# distribution's (tests/bench/dist-bench.sh).
#  - uncontended cost, one core, under -icount shift=0: ns = guest instructions;
#  - contended throughput on 1, 2, 4 and 8 cores (MTTCG, wall clock of the guest).
# Every figure goes to build/bench/results.tsv (operation, figure, unit,
# configuration); the scheduler's, beside littlekernel's and BEAM's
# (tests/bench/peers.tsv), to the chart build/bench/sched.png; the locks' to
# build/bench/locks-uncontended.png and locks-contended.png (plot-locks.sh).
# The network's and distribution's go there after it is written (net/..., dist/...,
# results-add.sh), charted as build/bench/net.png and dist.png (plot-remote.sh).
# `tools/bench-readme.sh` puts the scheduler table into the README from it
# and copies the charts to docs/ (the README shows them).
# Then a million processes at once (bench=million, 6 GiB, one core under
# -icount shift=0). BENCH_PARTS="locks sched million net dist" (the default)
# chooses the parts.
# Raw logs: build/test-logs/bench-*.log. Not a test: prints no PASS/FAIL.
set -uo pipefail
cd "$(dirname "$0")/../.."
run=tests/qemu/qemu-run.sh
mkdir -p build/test-logs build/bench
out=build/test-logs/bench-results.txt
: > "$out"
T=${BENCH_TIMEOUT:-300}
CORES=${BENCH_CORES:-"1 2 4 8"}
PARTS=${BENCH_PARTS:-"locks sched million net dist"}
part() { [[ " $PARTS " == *" $1 "* ]]; }

collect() { # NAME ATOMICS: keep the BENCH lines of log NAME, tagged with the atomics kind
    tr -d '\r' < "build/test-logs/$1.log" | grep '^BENCH ' | sed "s/^BENCH /$2 /" >> "$out"
}

if part locks; then
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
bash tests/bench/results-tsv.sh "$out" build/bench/results.tsv
if command -v gnuplot >/dev/null; then bash tests/bench/plot-locks.sh build/bench/results.tsv build/bench
else echo "bench: no gnuplot (tools/setup.sh installs it): no lock charts"; fi
fi

# --- The scheduler (issue targets in brackets) ---
if part sched; then
$run bench-sched-1core --smp 1 --cpu cortex-a72 --append bench=sched_uncontended --timeout $T \
    --expect 'benchmark\(s\) done' -- -icount shift=0
collect bench-sched-1core llsc
$run bench-sched-2core --smp 2 --cpu cortex-a72 --append bench=sched_uncontended --timeout $T \
    --expect 'benchmark\(s\) done' -- -icount shift=0
collect bench-sched-2core llsc2
for n in $CORES; do
    for mode in "" "sched=global"; do
        name=bench-rings-$n${mode:+-global}
        $run "$name" --smp $n --cpu cortex-a72 --append "bench=sched_rings,sched_rings_pinned $mode" --timeout $T \
            --expect 'benchmark\(s\) done'
        collect "$name" llsc
    done
done
bash tests/bench/results-tsv.sh "$out" build/bench/results.tsv
echo
echo "Scheduler, -icount shift=0: guest instructions (on two cores, the sum of both)"
printf '%-42s %8s %8s %8s %8s\n' "" "Armada" "LK" "BEAM" "target"
bash tests/bench/sched-figures.sh build/bench/results.tsv |
    awk -F'\t' '{ printf "%-42s %8s %8s %8s %8s\n", $2, $3, $4, $5, $6 }'
printf '%-42s %8s\n' "memory per idle process, bytes" \
    "$(awk -F'\t' '$1 == "sched_uncontended/memory-per-idle-process" {printf "%d", $2; exit}' build/bench/results.tsv)"
echo "(littlekernel and BEAM: tests/bench/peers.tsv; where each figure ran: build/bench/results.tsv)"
if command -v gnuplot >/dev/null; then bash tests/bench/plot-sched.sh build/bench/results.tsv build/bench/sched.png
else echo "bench: no gnuplot (tools/setup.sh installs it): no chart"; fi
echo
echo "Independent rings, one per core (hops per ms of guest time, multi-threaded TCG; pinned: ring r on core r)"
printf '%-8s %16s %14s %16s\n' "cores" "per-core queues" "sched=global" "pinned rings"
for n in $CORES; do
    pc=$(awk -v n="$n" '$2 == "sched_rings" && $3 == "per-core-queues" && $4 == n {print $5}' "$out" | cut -d. -f1)
    gl=$(awk -v n="$n" '$2 == "sched_rings" && $3 == "global-queue" && $4 == n {print $5}' "$out" | cut -d. -f1)
    pn=$(awk -v n="$n" '$2 == "sched_rings_pinned" && $3 == "per-core-queues" && $4 == n {print $5}' "$out" | cut -d. -f1)
    printf '%-8s %16s %14s %16s\n' "$n" "$pc" "$gl" "$pn"
done
echo "(many cores: tests/bench/scaling.sh, on a host with as many cores as the guest)"
fi

# --- A million processes at once, each blocked in receive, then each answers ---
if part million; then
$run bench-million --smp 1 --cpu cortex-a72 --mem 6G --append bench=million --timeout $T \
    --expect 'BENCH million memory-per-process' --reject 'million: (FAILED|skipped)' \
    --expect 'benchmark\(s\) done' -- -icount shift=0
collect bench-million llsc
echo
echo "A million processes (one core, -icount shift=0; BEAM's process starts at 2616 bytes)"
awk '$2 == "million" { printf "%-24s %12s %s\n", $3, $5, $6 }' "$out"
fi

bash tests/bench/results-tsv.sh "$out" build/bench/results.tsv
echo "bench: every figure in build/bench/results.tsv, charts in build/bench/*.png; tools/bench-readme.sh puts the scheduler's figures into README.md and the charts into docs/"

# --- The network: TCP echo throughput and latency, socat on the host as the reference ---
if part net; then bash tests/bench/net-bench.sh; fi
if part dist; then bash tests/bench/dist-bench.sh; fi
