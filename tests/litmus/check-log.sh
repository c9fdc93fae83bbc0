#!/usr/bin/env bash
# Judge one litmus run's output (image console log or litmus-host output):
#   check-log.sh NAME LOG
# PASS/FAIL lines: the run finished, every histogram sums to its iterations,
# and no outcome that both models forbid was seen. Exit 1 on any FAIL.
set -uo pipefail
name=$1; log=$2
tr -d '\r' < "$log" | awk -v name="$name" -v logf="$log" '
    function field(key,    i) { for (i = 3; i <= NF; i++) if (index($i, key "=") == 1) return substr($i, length(key) + 2); return "" }
    /^litmus-test / {
        tests++
        if (field("sum") != field("iters")) { print "FAIL " name "/" $2 ": histogram sums to " field("sum") ", not " field("iters") " (log: " logf ")"; bad++ }
        if (field("arm") == "forbid" && field("x86") == "forbid" && field("relaxed") > 0) {
            print "FAIL " name "/" $2 ": outcome " field("outcome") " seen " field("relaxed") " times; both models forbid it (log: " logf ")"; bad++
        }
    }
    /^litmus-bad / { engine_bad++ }
    /^litmus-end / { ended = 1 }
    END {
        if (!ended) { print "FAIL " name ": no litmus-end line: the run did not finish (log: " logf ")"; exit 1 }
        if (!tests) { print "FAIL " name ": ran no litmus test (log: " logf ")"; exit 1 }
        if (engine_bad && !bad) { print "FAIL " name ": the harness reported " engine_bad " bad result(s) (log: " logf ")"; exit 1 }
        if (bad) exit 1
        print "PASS " name ": " tests " tests, every histogram sums to its iterations, nothing both models forbid"
    }'
