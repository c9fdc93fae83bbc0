#!/usr/bin/env bash
# Judge one litmus run's output (image console log or litmus-host output):
#   check-log.sh NAME PLATFORM LOG
#     PLATFORM  x86_64 (this host), arm64 (ARM hardware), or arm64-qemu (AArch64
#               under QEMU TCG): which architecture's model judges the log (its
#               litmus-begin line must name the same one), and which entries of
#               tests/litmus/deviations.txt apply.
# PASS/FAIL lines: the run finished, every histogram sums to its iterations, no
# outcome both models forbid was seen, and none that the running architecture's
# own model forbids, except the platform's listed emulator deviations (the PASS
# line names each one seen). Exit 1 on any FAIL.
set -uo pipefail
name=$1; platform=$2; log=$3
case $platform in
    x86_64) arch=x86_64; model=x86 ;;
    arm64 | arm64-qemu) arch=arm64; model=arm ;;
    *) echo "FAIL $name: check-log.sh: unknown platform '$platform' (x86_64, arm64, arm64-qemu)"; exit 1 ;;
esac
deviations=$(dirname "$0")/deviations.txt
[ -r "$deviations" ] || { echo "FAIL $name: cannot read $deviations"; exit 1; }
tr -d '\r' < "$log" | awk -v name="$name" -v logf="$log" -v platform="$platform" -v arch="$arch" \
    -v model="$model" -v devf="$deviations" '
    function field(key,    i) { for (i = 2; i <= NF; i++) if (index($i, key "=") == 1) return substr($i, length(key) + 2); return "" }
    function fail(what) { print "FAIL " name what " (log: " logf ")"; bad++ }
    BEGIN {
        while ((getline line < devf) > 0) {
            if (line ~ /^[ \t]*(#|$)/) continue
            split(line, f, " ")
            if (f[1] == platform) excused[f[2]] = 1
        }
        close(devf)
    }
    /^litmus-begin / { began = 1; if (field("arch") != arch) fail(": the log is from arch=" field("arch") ", not " arch) }
    /^litmus-test / {
        tests++
        t = $2; n = field("relaxed") + 0; seen = n " of " field("iters")
        if (field("sum") != field("iters")) fail("/" t ": histogram sums to " field("sum") ", not " field("iters"))
        if (n == 0) next
        if (field("arm") == "forbid" && field("x86") == "forbid")
            fail("/" t ": outcome " field("outcome") " seen " seen " times; both models forbid it")
        else if (field(model) == "forbid" && (t in excused))
            deviated = deviated (deviated ? ", " : "") t " " seen
        else if (field(model) == "forbid")
            fail("/" t ": outcome " field("outcome") " seen " seen " times; " arch "'\''s model forbids it and deviations.txt lists no " platform " deviation for it")
    }
    /^litmus-bad / { engine_bad++ }
    /^litmus-end / { ended = 1 }
    END {
        if (!began) fail(": no litmus-begin line")
        if (!ended) fail(": no litmus-end line: the run did not finish")
        if (!tests) fail(": ran no litmus test")
        if (engine_bad && !bad) fail(": the harness reported " engine_bad " bad result(s)")
        if (bad) exit 1
        printf "PASS %s: %d tests on %s, every histogram sums to its iterations, nothing %s'\''s model forbids", name, tests, platform, arch
        if (deviated) printf " but listed emulator deviations (tests/litmus/deviations.txt): %s", deviated
        print ""
    }'
