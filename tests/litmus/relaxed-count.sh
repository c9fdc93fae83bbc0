#!/usr/bin/env bash
# How often TEST's relaxed outcome was seen in a litmus log: relaxed-count.sh TEST LOG
# (prints the count, or nothing if TEST did not run).
tr -d '\r' < "$2" | awk -v t="$1" '$1 == "litmus-test" && $2 == t {
    for (i = 3; i <= NF; i++) if (index($i, "relaxed=") == 1) print substr($i, 9) }'
