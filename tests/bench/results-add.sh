#!/usr/bin/env bash
# Put one part's figures into make bench's build/bench/results.tsv (the
# columns of results-tsv.sh: operation, figure, unit, configuration):
# drops the rows whose operation starts with PART/ (an earlier run's), then
# appends the rows read from stdin. The file and its header are made if absent.
#   results-add.sh PART [RESULTS] < rows
set -euo pipefail
part=$1 results=${2:-build/bench/results.tsv}
mkdir -p "$(dirname "$results")"
[ -s "$results" ] || printf 'operation\tfigure\tunit\tconfiguration\n' > "$results"
kept=$(mktemp)
trap 'rm -f "$kept"' EXIT
awk -F'\t' -v p="$part/" 'substr($1, 1, length(p)) != p' "$results" > "$kept"
cat - >> "$kept"
cat "$kept" > "$results"
