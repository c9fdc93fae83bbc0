#!/usr/bin/env bash
# The lock benchmarks' charts, from make bench's build/bench/results.tsv:
#   OUTDIR/locks-uncontended.png  acquire + release on one core (-icount
#                                 shift=0: guest instructions), LL/SC beside LSE;
#   OUTDIR/locks-contended.png    acquisitions per ms of guest time against the
#                                 cores sharing one lock (multi-threaded TCG).
#   plot-locks.sh [RESULTS] [OUTDIR]
# Exits 1 with a message if RESULTS has no lock figures (the locks part did not run).
set -euo pipefail
results=${1:-build/bench/results.tsv}
outdir=${2:-build/bench}
[ -r "$results" ] || { echo "plot-locks: no $results (run make bench)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# lock <TAB> LL/SC <TAB> LSE, in the order the benchmark ran them; "-" where one is missing.
awk -F'\t' '$1 ~ /^locks_uncontended\// && $3 == "ns/op" {
    lock = substr($1, 19); a = ($4 ~ /^LSE/) ? "lse" : "llsc"
    if (!(lock in seen)) { seen[lock] = 1; order[n++] = lock }
    fig[lock, a] = $2
} END {
    for (i = 0; i < n; i++) {
        l = order[i]
        printf "\"%s\"\t%s\t%s\n", l, ((l, "llsc") in fig ? fig[l, "llsc"] : "-"), ((l, "lse") in fig ? fig[l, "lse"] : "-")
    }
}' "$results" > "$tmp/uncontended"

# cores <TAB> one column per lock and atomics ("ticket LL/SC", "ticket LSE", ...).
awk -F'\t' '$1 ~ /^locks_contended\// && $3 == "acq/ms" {
    lock = substr($1, 17); a = ($4 ~ /^LSE/) ? "LSE" : "LL/SC"
    split($4, c, ", "); cores = c[2] + 0
    if (!(lock in seen)) { seen[lock] = 1; locks[nl++] = lock }
    if (!(cores in seenc)) { seenc[cores] = 1; ncores[m++] = cores }
    fig[cores, lock " " a] = $2
} END {
    if (!nl) exit
    for (i = 0; i < nl; i++) { cols[n++] = locks[i] " LL/SC"; cols[n++] = locks[i] " LSE" } # pairs: one colour each
    printf "cores"; for (i = 0; i < n; i++) printf "\t%s", cols[i]; printf "\n"
    for (j = 0; j < m; j++) {
        printf "%d", ncores[j]
        for (i = 0; i < n; i++) printf "\t%s", ((ncores[j], cols[i]) in fig ? fig[ncores[j], cols[i]] : "-")
        printf "\n"
    }
}' "$results" | sort -n -k1,1 > "$tmp/contended"

if [ ! -s "$tmp/uncontended" ] || [ ! -s "$tmp/contended" ]; then
    echo "plot-locks: $results has no lock figures (BENCH_PARTS without locks?): no charts" >&2
    exit 1
fi
columns=$(head -1 "$tmp/contended" | awk -F'\t' '{print NF}')
mkdir -p "$outdir"

gnuplot <<GNUPLOT
set terminal pngcairo size 1200,560 font ",10" noenhanced
set datafile separator "\t"
set datafile missing "-"
set output "$outdir/locks-uncontended.png"
set title "Uncontended acquire + release, one core, QEMU virt -icount shift=0 (lower is better)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel "guest instructions per pair"
set yrange [0:*]
set key top right
set grid ytics
set xtics rotate by -30 font ",9"
set bmargin 5
plot "$tmp/uncontended" using 2:xtic(1) title "LL/SC (Cortex-A72)", \
     "" using 3 title "LSE (-cpu max)"
GNUPLOT

gnuplot <<GNUPLOT
set terminal pngcairo size 1200,560 font ",10" noenhanced
set datafile separator "\t"
set datafile missing "-"
set output "$outdir/locks-contended.png"
set title "Contended throughput: every core on one lock, QEMU virt, multi-threaded TCG (higher is better; host-dependent)"
set xlabel "cores"
set ylabel "acquisitions per ms of guest time"
set logscale x 2
set xrange [0.8:12]
set xtics (1, 2, 4, 8)
set yrange [0:*]
set grid
set key outside right
set key autotitle columnhead
# One colour per lock; LL/SC solid, LSE dashed (columns come in pairs).
dash(c) = c % 2 == 0 ? 1 : 2
plot for [c=2:$columns] "$tmp/contended" using 1:c with linespoints lw 2 pt 7 lc ((c - 2) / 2 + 1) dt dash(c)
GNUPLOT
echo "bench: charts in $outdir/locks-uncontended.png and $outdir/locks-contended.png"
