#!/usr/bin/env bash
# make trace DEMO=ring CORES=4 SECONDS=2: boot QEMU virt with semihosting,
# record demo DEMO for SECONDS (init/trace_demo.c), then build/trace/trace.raw
# (the dump), trace.json (Perfetto: ui.perfetto.dev, Open trace file) and
# timeline.png (gnuplot). QEMU runs under a timeout of SECONDS + 60.
set -uo pipefail
cd "$(dirname "$0")/.."
demo=${1:-ring} cores=${2:-4} seconds=${3:-2}
out=build/trace
mkdir -p "$out"
rm -f "$out/trace.raw" "$out/trace.json" "$out/timeline.png"
tests/qemu/qemu-run.sh make-trace-$demo --smp "$cores" --timeout $((seconds + 60)) \
    --append "trace.demo=$demo trace.seconds=$seconds semihosting" --expect "trace: wrote $out/trace.raw" \
    -- -semihosting-config enable=on,target=native || { echo "make trace: the run failed (build/test-logs/make-trace-$demo.log)"; exit 1; }
tr -d '\r' < "build/test-logs/make-trace-$demo.log" | grep '^trace: cpu'
python3 tools/trace2json.py "$out/trace.raw" -o "$out/trace.json" || exit 1
python3 tools/trace-check.py "make-trace-$demo" "$out/trace.json" || exit 1
python3 tools/trace-plot.py "$out/trace.json" "$out/timeline.png" \
    --title "make trace DEMO=$demo CORES=$cores SECONDS=$seconds" || exit 1
echo "make trace: $out/trace.json (open in https://ui.perfetto.dev) and $out/timeline.png"
