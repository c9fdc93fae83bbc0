#!/usr/bin/env bash
# `make litmus`: run the litmus tests on QEMU virt (AArch64, 4 cores,
# multi-threaded TCG) and on this x86-64 host, then print one table and write
# build/litmus.md, build/litmus.csv, build/litmus.txt and build/litmus.png.
# The verdict columns are the checker's (build/litmus/litmus-model), with the
# cycle that forbids each forbidden outcome; each test's witness or cycle is
# drawn into build/litmus/graphs/ (Graphviz dot).
#
#   litmus-report.sh [--iters N] [--host-iters N] [--tests MP,SB]
#                    [--arm-log FILE]   use a console log from real hardware
#                                       (e.g. a Pi 4) instead of running QEMU
#                    [--x86-log FILE]   use a saved host log instead of running
# Exit status 1 if an outcome both models forbid was seen, a histogram did
# not sum to its iterations, or the checker disagrees with a verdict typed in
# litmus-tests.def.
set -uo pipefail
cd "$(dirname "$0")/.."
iters=20000; host_iters=200000; tests=""; arm_log=""; x86_log=""
while [ $# -gt 0 ]; do
    case $1 in
        --iters) iters=$2; shift 2 ;;
        --host-iters) host_iters=$2; shift 2 ;;
        --tests) tests=$2; shift 2 ;;
        --arm-log) arm_log=$2; shift 2 ;;
        --x86-log) x86_log=$2; shift 2 ;;
        *) echo "litmus-report.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
out=build/litmus
mkdir -p "$out"
select=${tests:+=$tests}

if [ -z "$arm_log" ]; then
    arm_log=$out/arm-qemu.log
    arm_where="QEMU virt"
    echo "litmus: QEMU virt, 4 cores, multi-threaded TCG, iters=$iters (log: $arm_log)" >&2
    timeout 1200 qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a72 -smp 4 -m 512M \
        -accel tcg,thread=multi -nographic -net none -monitor none -serial stdio \
        -kernel build/armada.img -append "litmus$select iters=$iters" < /dev/null 2>&1 |
        tr -d '\r' > "$arm_log"
else
    arm_where="hardware"
fi
if [ -z "$x86_log" ]; then
    x86_log=$out/x86-host.log
    echo "litmus: x86-64 host, iters=$host_iters (log: $x86_log)" >&2
    build/litmus/litmus-host iters="$host_iters" ${tests:+litmus=$tests} > "$x86_log"
fi
grep -q '^litmus-end' "$arm_log" || { echo "litmus: the ARM run did not finish (log: $arm_log)" >&2; exit 1; }
grep -q '^litmus-end' "$x86_log" || { echo "litmus: the host run did not finish (log: $x86_log)" >&2; exit 1; }

# The verdicts, computed; and each test's graphs.
verdicts=$out/verdicts.txt
build/litmus/litmus-model --verdicts > "$verdicts" || { echo "litmus: the checker failed (build/litmus/litmus-model --verdicts)" >&2; exit 1; }
bash tools/litmus-graphs.sh ${tests:+--tests $tests}

# One CSV row per test; the other formats are made from it.
csv=build/litmus.csv
awk -v where="$arm_where" -v verdicts="$verdicts" '
    function field(line, key,    n, i, f) {   # value of key=... in a litmus-test line
        n = split(line, f, " ")
        for (i = 3; i <= n; i++) if (index(f[i], key "=") == 1) return substr(f[i], length(key) + 2)
        return ""
    }
    BEGIN {   # litmus-verdict NAME arm=V x86=V listed-arm=V listed-x86=V arm-cycle=C x86-cycle=C
        while ((getline line < verdicts) > 0) {
            split(line, f, " ")
            model_arm[f[2]] = field(line, "arm"); model_x86[f[2]] = field(line, "x86")
            arm_cycle[f[2]] = field(line, "arm-cycle"); x86_cycle[f[2]] = field(line, "x86-cycle")
        }
    }
    FNR == 1 { side = (FILENAME == ARGV[1]) ? "arm" : "x86" }
    /^litmus-begin/ && side == "arm" && where == "hardware" {
        where = $0; sub(/.*where=/, "", where); sub(/ \(MIDR.*/, "", where); gsub(/,/, ";", where)
    }
    /^litmus-test / {
        t = $2
        if (!(t in order)) { order[t] = ++n; names[n] = t }
        seen[t, side] = field($0, "relaxed"); total[t, side] = field($0, "iters")
        sum[t, side] = field($0, "sum"); outcome[t] = field($0, "outcome"); gsub(/,/, " ", outcome[t])
        armv[t] = field($0, "arm"); x86v[t] = field($0, "x86")
        if ((t in model_arm) && (model_arm[t] != armv[t] || model_x86[t] != x86v[t]))
            typed[t] = "arm=" armv[t] " x86=" x86v[t]   # the verdict litmus-tests.def gave this run
    }
    /^litmus-skip / { if (!($2 in order)) { order[$2] = ++n; names[n] = $2 } skipped[$2, side] = 1 }
    END {
        print "test,variant,relaxed outcome,ARMv8 allows,x86-TSO allows,ARM seen,ARM iterations,ARM where,x86 seen,x86 iterations,flag,ARMv8 cycle,x86-TSO cycle"
        for (i = 1; i <= n; i++) {
            t = names[i]; split(t, tv, "."); test = tv[1]; variant = substr(t, length(test) + 2)
            flag = ""
            if (!(t in model_arm)) flag = flag "FAIL: the checker has no verdict; "
            else if (t in typed)
                flag = flag "FAIL: the checker says arm=" model_arm[t] " x86=" model_x86[t] " but litmus-tests.def " typed[t] "; "
            if (t in model_arm) { armv[t] = model_arm[t]; x86v[t] = model_x86[t] }
            for (s = 0; s < 2; s++) {
                side = s ? "x86" : "arm"
                if (skipped[t, side]) { seen[t, side] = "skipped"; total[t, side] = 0; continue }
                if (sum[t, side] != total[t, side]) flag = flag "FAIL: " side " histogram sums to " sum[t, side] "; "
            }
            if (armv[t] == "forbid" && x86v[t] == "forbid" && (seen[t, "arm"] + 0 > 0 || seen[t, "x86"] + 0 > 0))
                flag = flag "FAIL: seen although both models forbid it; "
            else if (armv[t] == "forbid" && seen[t, "arm"] + 0 > 0)
                flag = flag "FLAG: ARMv8 forbids it; seen on " where " (see docs/litmus.md); "
            else if (x86v[t] == "forbid" && seen[t, "x86"] + 0 > 0)
                flag = flag "FLAG: x86-TSO forbids it; seen on the host; "
            sub(/; $/, "", flag)
            printf "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", test, variant, outcome[t], \
                (armv[t] == "allow" ? "yes" : "no"), (x86v[t] == "allow" ? "yes" : "no"), \
                seen[t, "arm"], total[t, "arm"], where, seen[t, "x86"], total[t, "x86"], flag, \
                arm_cycle[t], x86_cycle[t]
        }
    }' "$arm_log" "$x86_log" > "$csv"

# The table, as text and as Markdown (same columns as the CSV).
awk -F, -v md=0 -f tools/litmus-table.awk "$csv" > build/litmus.txt
awk -F, -v md=1 -f tools/litmus-table.awk "$csv" > build/litmus.md
cat build/litmus.txt

# The chart: how often the relaxed outcome was seen, in percent, per test.
dat=$out/chart.dat
awk -F, 'NR > 1 {
    a = ($7 > 0) ? 100 * $6 / $7 : 0; x = ($10 > 0) ? 100 * $9 / $10 : 0
    printf "\"%s.%s\" %.4f %.4f\n", $1, $2, a, x }' "$csv" > "$dat"
if command -v gnuplot > /dev/null; then
    gnuplot <<EOF 2> "$out/gnuplot.log" || echo "litmus: gnuplot failed (see $out/gnuplot.log)" >&2
set terminal pngcairo size 1400,600 noenhanced font ",10"
set output "build/litmus.png"
set title "Relaxed outcome seen, % of iterations (ARM: $arm_where, x86: this host)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel "% of iterations"
set yrange [0:*]
set xtics rotate by -60 scale 0
set key top right
set grid ytics
plot "$dat" using 2:xtic(1) title "AArch64 ($arm_where)" lc rgb "#1f77b4", \
     "" using 3 title "x86-64 host" lc rgb "#d62728"
EOF
    [ -s build/litmus.png ] && echo "litmus: wrote build/litmus.txt, build/litmus.md, build/litmus.csv, build/litmus.png" >&2
else
    echo "litmus: gnuplot not installed (tools/setup.sh installs it): no chart" >&2
fi
! grep -q ',FAIL' "$csv"
