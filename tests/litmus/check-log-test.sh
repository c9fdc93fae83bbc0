#!/usr/bin/env bash
# check-log.sh against crafted logs: what each platform's model forbids fails
# it, a listed emulator deviation passes and is named, an outcome both models
# forbid fails everywhere, and a log from the wrong architecture, a histogram
# that does not sum or a run that did not finish fails. One PASS/FAIL line.
set -uo pipefail
cd "$(dirname "$0")/../.."
name=litmus-check-log-verdicts
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# crafted ARCH MP SB_REL_ACQ CORR [SUM] [END]: a log with three tests' relaxed counts.
crafted() {
    echo "litmus-begin arch=$1 iters=100 threads=2 where=crafted"
    echo "litmus-test MP.plain threads=2 iters=100 sum=${5:-100} relaxed=$2 outcome=r0=1,r1=0 arm=allow x86=forbid ms=1 late=0"
    echo "litmus-test SB.rel+acq threads=2 iters=100 sum=100 relaxed=$3 outcome=r0=0,r1=0 arm=forbid x86=allow ms=1 late=0"
    echo "litmus-test CoRR.plain threads=2 iters=100 sum=100 relaxed=$4 outcome=r0=1,r1=0 arm=forbid x86=forbid ms=1 late=0"
    [ "${6:-end}" = end ] && echo "litmus-end tests=3 bad=0"
}
cases=0
# expect PLATFORM VERDICT TEXT CRAFTED-ARGS...: check-log.sh's line starts with VERDICT and holds TEXT.
expect() {
    local platform=$1 verdict=$2 text=$3; shift 3
    cases=$((cases + 1))
    crafted "$@" > "$tmp/log"
    local got
    got=$(bash tests/litmus/check-log.sh case "$platform" "$tmp/log" | head -1)
    case $got in
        "$verdict "*"$text"*) ;;
        *) echo "FAIL $name: case $cases ($platform, log: $*): expected $verdict ...$text..., got: $got"; exit 1 ;;
    esac
}
expect x86_64 PASS "nothing x86_64's model forbids" x86_64 0 5 0
expect x86_64 FAIL "case/MP.plain: outcome r0=1,r1=0 seen 5 of 100 times; x86_64's model forbids it" x86_64 5 0 0
expect arm64 PASS "nothing arm64's model forbids" arm64 5 0 0
expect arm64 FAIL "case/SB.rel+acq: outcome r0=0,r1=0 seen 5 of 100 times; arm64's model forbids it" arm64 0 5 0
expect arm64-qemu PASS "listed emulator deviations (tests/litmus/deviations.txt): SB.rel+acq 5 of 100" arm64 3 5 0
expect arm64-qemu FAIL "case/CoRR.plain: outcome r0=1,r1=0 seen 5 of 100 times; both models forbid it" arm64 0 0 5
expect arm64-qemu FAIL "the log is from arch=x86_64, not arm64" x86_64 0 0 0
expect x86_64 FAIL "case/MP.plain: histogram sums to 99, not 100" x86_64 0 0 0 99
expect arm64 FAIL "no litmus-end line" arm64 0 0 0 100 cut
echo "PASS $name: $cases crafted logs judged as expected (each platform's own model, the listed deviation, both-forbidden, wrong arch, bad sum, unfinished)"
