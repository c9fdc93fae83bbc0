#!/usr/bin/env bash
# Draw each litmus test's verdicts: for every test and each model (arm, x86),
# the checker's witness execution of the relaxed outcome, or the candidate
# execution with the cycle that forbids it (thick orange edges, each labelled
# with its clause), as build/litmus/graphs/NAME.VARIANT.{arm,x86}.{dot,svg}.
#   litmus-graphs.sh [--tests MP,SB] [--out DIR]     (`make litmus-graphs`)
# Needs build/litmus/litmus-model (make litmus-model-bin) and Graphviz's dot.
set -uo pipefail
cd "$(dirname "$0")/.."
tests=""; out=build/litmus/graphs
while [ $# -gt 0 ]; do
    case $1 in
        --tests) tests=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        *) echo "litmus-graphs.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
command -v dot > /dev/null || { echo "litmus-graphs: Graphviz dot not installed (tools/setup.sh installs graphviz)" >&2; exit 1; }
mkdir -p "$out"
rm -f "$out"/*.dot "$out"/*.svg
build/litmus/litmus-model --dot "$out" $tests || { echo "litmus-graphs: the checker failed" >&2; exit 1; }
n=0
for f in "$out"/*.dot; do
    timeout 30 dot -Tsvg -o "${f%.dot}.svg" "$f" || { echo "litmus-graphs: dot failed on $f" >&2; exit 1; }
    n=$((n + 1))
done
echo "litmus: drew $n graphs into $out/ (NAME.VARIANT.arm.svg, .x86.svg)" >&2
