#!/usr/bin/env bash
# build/bench/sched.png: Armada's scheduler figures beside littlekernel's and
# BEAM's (tests/bench/peers.tsv) and the targets, guest instructions on a log
# scale (they span 16 to 13 000).
#   plot-sched.sh [RESULTS] [OUT]
set -euo pipefail
here=$(dirname "$0")
results=${1:-build/bench/results.tsv}
out=${2:-build/bench/sched.png}
data=$(mktemp)
trap 'rm -f "$data"' EXIT
# gnuplot reads "-" as missing with `set datafile missing`.
bash "$here/sched-figures.sh" "$results" | awk -F'\t' '$1 != "round-trip-unpinned" && $1 != "ring-1000-unpinned" && $1 != "ring-1000-timeouts" {
    gsub(/ \(sum of both\)/, "\\n(sum of both cores)", $2); gsub(/, per hop/, "\\nper hop", $2)
    gsub(/ acquire \+ release/, "\\nacquire+release", $2)
    printf "\"%s\"\t%s\t%s\t%s\t%s\n", $2, $3, $4, $5, $6 }' > "$data"
gnuplot <<GNUPLOT
set terminal pngcairo size 1200,600 font ",10"
set output "$out"
set datafile separator "\t"
set datafile missing "-"
set title "Guest instructions per operation, QEMU virt -icount shift=0 (lower is better)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set yrange [5:30000]
set ylabel "guest instructions"
set key top left
set grid ytics
set xtics font ",9"
set bmargin 4
plot "$data" using 2:xtic(1) title "Armada", \
     "" using 3 title "littlekernel (DEBUG=0)", \
     "" using 4 title "BEAM (OTP 25, JIT)", \
     "" using 5 title "target (issue 11)"
GNUPLOT
echo "bench: chart in $out"
