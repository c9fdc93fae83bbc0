#!/usr/bin/env bash
# The multi-core scaling runs, for a host with many cores (make bench runs the
# same benchmarks on 1 to 8 guest cores; on a 2-core host more vCPUs than host
# cores only measure the host's descheduling):
#  - sched_rings: one ring of 100 unpinned processes per core, hops per ms of
#    guest time, per-core queues against sched=global; sched_rings_pinned, ring
#    r pinned to core r (what the cores and the emulator do with no placement);
#  - locks_contended: every core on one lock, acquisitions per ms (LL/SC and LSE).
# Each configuration runs REPEAT times (default 3; the locks LOCK_REPEAT times); the table gives the median
# and the range. Multi-threaded TCG, wall clock of the guest: run it on an idle
# host with at least as many cores as the most guest cores asked for.
#   SCALING_CORES="1 2 4 8 16" REPEAT=3 SCALING_PARTS="rings locks" \
#       tests/bench/scaling.sh [OUT.tsv]
#   tests/bench/scaling.sh --table OUT.tsv    the table of an earlier (or cut-off) run
# OUT.tsv (default build/bench/scaling.tsv): benchmark, variant, cores, run,
# figure, unit, host cores. Needs build/armada.img (and build/lse/armada.img
# for the LSE locks). Raw logs: build/test-logs/scaling-*.log.
set -uo pipefail
cd "$(dirname "$0")/../.."
run=tests/qemu/qemu-run.sh
table_only=0
[ "${1:-}" = --table ] && { table_only=1; shift; }
out=${1:-build/bench/scaling.tsv}
CORES=${SCALING_CORES:-"1 2 4 8 16"}
REPEAT=${REPEAT:-3}
LOCK_REPEAT=${LOCK_REPEAT:-$REPEAT}
PARTS=${SCALING_PARTS:-"rings locks"}
T=${SCALING_TIMEOUT:-120}
host_cores=$(nproc)
part() { [[ " $PARTS " == *" $1 "* ]]; }

one() { # NAME RUN IMAGE ATOMICS -- qemu-run.sh options: one boot, its BENCH lines into $out
    local name=$1 rep=$2 image=$3 atomics=$4; shift 5
    "$run" "scaling-$name-$rep" --image "$image" --timeout "$T" --expect 'benchmark\(s\) done' "$@" >&2 ||
        { echo "scaling: $name run $rep failed (build/test-logs/scaling-$name-$rep.log)" >&2; return; }
    tr -d '\r' < "build/test-logs/scaling-$name-$rep.log" | awk -v rep="$rep" -v a="$atomics" -v h="$host_cores" \
        '$1 == "BENCH" { v = $3; if (a != "") v = v "/" a; printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", $2, v, $4, rep, $5, $6, h }' >> "$out"
}

table() { # median (min-max) of the runs, one row per benchmark/variant, one column per core count.
    local hc; hc=$(awk -F'\t' 'NR == 2 {print $7}' "$out")
    echo "Scaling on a ${hc:-?}-core host (multi-threaded TCG; each cell the median of its runs, their range in brackets)"
    awk -F'\t' -v cores="$CORES" '
    NR > 1 { key = $1 "/" $2; if (!(key in seen)) { seen[key] = 1; order[++k] = key; unit[key] = $6 }
             v[key, $3, ++cnt[key, $3]] = $5 }
    END {
        nc = split(cores, c, " ")
        printf "%-44s", "benchmark (unit) / cores"; for (j = 1; j <= nc; j++) printf " %18s", c[j]; printf "\n"
        for (i = 1; i <= k; i++) {
            key = order[i]; printf "%-44s", key " (" unit[key] ")"
            for (j = 1; j <= nc; j++) {
                m = cnt[key, c[j]]
                if (!m) { printf " %18s", "-"; continue }
                for (a = 1; a <= m; a++) s[a] = v[key, c[j], a] + 0
                for (a = 1; a <= m; a++) for (b = a + 1; b <= m; b++) if (s[b] < s[a]) { t = s[a]; s[a] = s[b]; s[b] = t }
                med = (m % 2) ? s[(m + 1) / 2] : (s[m / 2] + s[m / 2 + 1]) / 2
                printf " %18s", sprintf("%d (%d-%d)", med, s[1], s[m])
            }
            printf "\n"
        }
    }' "$out"
}

if [ "$table_only" = 1 ]; then table; exit 0; fi
mkdir -p build/test-logs "$(dirname "$out")"
printf 'benchmark\tvariant\tcores\trun\tfigure\tunit\thost_cores\n' > "$out"
# The rings first, every repetition, then the locks (a fair lock on many
# vCPUs can take long under TCG): a cut-off run still has the rings whole.
if part rings; then
    for rep in $(seq 1 "$REPEAT"); do
        for n in $CORES; do
            one "rings-$n" "$rep" build/armada.img "" -- --smp "$n" --append bench=sched_rings,sched_rings_pinned
            one "rings-$n-global" "$rep" build/armada.img "" -- --smp "$n" --append "bench=sched_rings sched=global"
        done
    done
fi
if part locks; then
    for rep in $(seq 1 "$LOCK_REPEAT"); do
        for n in $CORES; do
            one "locks-$n-llsc" "$rep" build/armada.img llsc -- --smp "$n" --cpu cortex-a72 --append bench=locks_contended
            [ -f build/lse/armada.img ] &&
                one "locks-$n-lse" "$rep" build/lse/armada.img lse -- --smp "$n" --cpu max --append bench=locks_contended
        done
    done
fi

table
