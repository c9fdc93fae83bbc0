#!/usr/bin/env bash
# The boot words beyond `test`: `bench` (every benchmark) and `bench=NAME,...`
# (those only), checked for the shape of their results and never for a
# figure; and an unknown word, which the boot log reports.
set -uo pipefail
cd "$(dirname "$0")/../.."
run=tests/qemu/qemu-run.sh
T=${QEMU_TIMEOUT:-300}
CORES=2

# Rows each benchmark prints on $CORES cores: one per variant it measures.
declare -A ROWS=([locks_contended]=4 [locks_uncontended]=13 [sched_rings]=1 [sched_rings_pinned]=1 [sched_uncontended]=9)

# NAME BENCH...: run NAME's BENCH lines are `BENCH <bench> <variant> <cores>
# <value with 3 decimals> <unit> [<configuration>]`, each of the named benchmarks has all its
# rows and no other benchmark has any.
check_rows() {
    local name=$1; shift
    local rows bad want=0
    rows=$(tr -d '\r' < "build/test-logs/$name.log" | grep '^BENCH ')
    bad=$(printf '%s\n' "$rows" | awk -v c=$CORES 'NF < 6 || $4 != c || $5 !~ /^[0-9]+\.[0-9][0-9][0-9]$/ ||
        $6 !~ /^(ns\/op|acq\/ms|ns|bytes|hops\/ms)$/ || $3 == "COUNT-MISMATCH"' | head -1)
    [ -z "$bad" ] || { echo "FAIL $name-rows: a malformed row: $bad"; return; }
    for b in "$@"; do
        local got
        got=$(printf '%s\n' "$rows" | awk -v b="$b" '$2 == b' | wc -l)
        [ "$got" = "${ROWS[$b]}" ] || { echo "FAIL $name-rows: $b printed $got row(s), expected ${ROWS[$b]}"; return; }
        want=$((want + got))
    done
    local all
    all=$(printf '%s\n' "$rows" | grep -c .)
    [ "$all" = "$want" ] || { echo "FAIL $name-rows: $((all - want)) row(s) from benchmarks not selected"; return; }
    echo "PASS $name-rows: $all rows, each <bench> <variant> <cores> <number> <unit>"
}

$run bootargs-bench --smp $CORES --append bench --timeout $T --expect '^bench: 6 benchmark\(s\) done$'
check_rows bootargs-bench locks_contended locks_uncontended sched_rings sched_rings_pinned sched_uncontended
$run bootargs-bench-named --smp $CORES --append bench=locks_uncontended,sched_rings --timeout $T \
    --expect '^bench: 2 benchmark\(s\) done$'
check_rows bootargs-bench-named locks_uncontended sched_rings
# An unknown word is named in the boot log, and the rest of the line still counts.
$run bootargs-unknown-word --suite --append "test=smp.boot_core_alive frobnicate=1" --timeout $T \
    --expect '^bootargs: unknown word "frobnicate=1" ignored$'
