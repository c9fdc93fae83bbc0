#!/usr/bin/env bash
# The network's and the distribution's charts, from the rows net-bench.sh and
# dist-bench.sh put into build/bench/results.tsv (host wall time; Armada's
# figures emulated under multi-threaded TCG):
#   OUTDIR/net.png   TCP echo: throughput, and the 64-byte round trip (median, p90);
#   OUTDIR/dist.png  Erlang distribution echo: round trip one at a time
#                    (median, p90), and round trips per second with 64 in flight.
#   plot-remote.sh net|dist [RESULTS] [OUTDIR]
# Exits 1 with a message if RESULTS has no figures of that part.
set -euo pipefail
part=$1 results=${2:-build/bench/results.tsv} outdir=${3:-build/bench}
[ -r "$results" ] || { echo "plot-remote: no $results (run make bench)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# echo <TAB> median <TAB> p90 <TAB> rate, one row per echo in the order they ran.
awk -F'\t' -v p="$part/" 'substr($1, 1, length(p)) == p {
    f = substr($1, length(p) + 1); who = $4
    if (!(who in seen)) { seen[who] = 1; order[n++] = who }
    fig[who, f] = $2
} END {
    for (i = 0; i < n; i++) {
        w = order[i]
        printf "\"%s\"", w
        split("round-trip-median round-trip-p90 rate", fs, " ")
        for (j = 1; j <= 3; j++) printf "\t%s", ((w, fs[j]) in fig ? fig[w, fs[j]] : "-")
        printf "\n"
    }
}' "$results" > "$tmp/figs"
[ -s "$tmp/figs" ] || { echo "plot-remote: $results has no $part figures (BENCH_PARTS without $part?): no chart" >&2; exit 1; }
case $part in
net) title="TCP echo, host client on 127.0.0.1" rate="throughput, MiB/s (one 10 MiB echo)" ;;
dist) title="Erlang distribution: a BEAM process's round trips to an echo" rate="round trips per second, 64 in flight" ;;
*) echo "plot-remote: net or dist, not $part" >&2; exit 1 ;;
esac
mkdir -p "$outdir"
gnuplot <<GNUPLOT
set terminal pngcairo size 1200,480 font ",10" noenhanced
set datafile separator "\t"
set datafile missing "-"
set output "$outdir/$part.png"
set multiplot layout 1,2 title "$title (host wall time; Armada emulated, multi-threaded TCG; log scale)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set grid ytics
set xtics font ",9" rotate by -15
set bmargin 4
set title "round trip (lower is better)"
set ylabel "microseconds"
set key top left
plot "$tmp/figs" using 2:xtic(1) title "median", "" using 3 title "90th percentile"
set title "$rate (higher is better)"
set ylabel ""
unset key
plot "$tmp/figs" using 4:xtic(1) lc 3
unset multiplot
GNUPLOT
echo "bench: chart in $outdir/$part.png"
