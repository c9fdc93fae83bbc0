#!/usr/bin/env bash
# The scheduler comparison, from build/bench/results.tsv and the peer figures
# in tests/bench/peers.tsv and targets in tests/bench/targets.tsv: one row per
# operation, tab-separated, "-" where a system has no figure:
#   key  label  armada  littlekernel  beam  target  armada's configuration
# Read by plot-sched.sh (the chart) and tools/bench-readme.sh (the README).
#   sched-figures.sh [RESULTS]
set -euo pipefail
here=$(dirname "$0")
results=${1:-build/bench/results.tsv}
[ -r "$results" ] || { echo "sched-figures: no $results (run make bench)" >&2; exit 1; }
# key, label, operation in results.tsv, the configuration it must start with
rows='yield-per-switch|yield, per switch, one core|sched_uncontended/yield-per-switch|LL/SC, 1 core,
spawn+exit|spawn + exit|sched_uncontended/spawn+exit|LL/SC, 1 core,
round-trip-same-core|round trip, same core|sched_uncontended/round-trip-same-core|LL/SC, 1 core,
round-trip-two-cores|round trip, two cores (sum of both)|sched_uncontended/round-trip-two-cores|LL/SC, 2 cores,
round-trip-unpinned|round trip, unpinned, two cores|sched_uncontended/round-trip-unpinned|LL/SC, 2 cores,
ring-1000-per-hop|ring of 1000, per hop|sched_uncontended/ring-1000-per-hop|LL/SC, 1 core,
ring-1000-unpinned|ring of 1000 unpinned, two cores, per hop|sched_uncontended/ring-1000-unpinned-per-hop|LL/SC, 2 cores,
ring-1000-timeouts|ring of 1000, each receive with a timeout, per hop|sched_uncontended/ring-1000-timeouts-per-hop|LL/SC, 1 core,
spinlock|uncontended spinlock acquire + release|locks_uncontended/ticket|LL/SC, 1 core,'
printf '%s\n' "$rows" | while IFS='|' read -r key label op conf; do
    line=$(awk -F'\t' -v op="$op" -v c="$conf" '$1 == op && index($4, c) == 1 {print; exit}' "$results")
    fig=$(printf '%s' "$line" | awk -F'\t' '{printf "%d", $2 + 0.5}')
    how=$(printf '%s' "$line" | cut -f4)
    peer() { awk -F'\t' -v k="$key" -v s="$1" '!/^#/ && $1 == k && $2 == s {print $3}' "$here/peers.tsv"; }
    target=$(awk -F'\t' -v k="$key" '!/^#/ && $1 == k {print $2}' "$here/targets.tsv")
    lk=$(peer littlekernel) beam=$(peer BEAM)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$key" "$label" "${fig:--}" "${lk:--}" "${beam:--}" "${target:--}" "${how:--}"
done
