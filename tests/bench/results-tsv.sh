#!/usr/bin/env bash
# make bench's table: the tagged BENCH lines run-bench.sh gathered
# (`TAG bench variant cores value unit [configuration...]`) into
# build/bench/results.tsv, one row per figure:
#   operation  figure  unit  configuration
# operation: bench/variant; configuration: the image (LL/SC, LSE), the guest
# cores, and what the benchmark said of where it ran.
#   results-tsv.sh RAW OUT
set -euo pipefail
raw=$1 out=$2
{
    printf 'operation\tfigure\tunit\tconfiguration\n'
    awk '{
        atomics = $1; sub(/[0-9]+$/, "", atomics)
        conf = (atomics == "lse" ? "LSE" : "LL/SC") ", " $4 " core" ($4 == 1 ? "" : "s")
        if ($6 != "hops/ms" && $6 != "acq/ms") conf = conf ", -icount shift=0"
        else conf = conf ", multi-threaded TCG"
        extra = ""
        for (i = 7; i <= NF; i++) extra = extra (i > 7 ? " " : "") $i
        if (extra != "") conf = conf "; " extra
        printf "%s/%s\t%s\t%s\t%s\n", $2, $3, $5, $6, conf
    }' "$raw"
} > "$out"
