#!/usr/bin/env bash
# The litmus tests on the x86-64 host for `make test`: every test runs, every
# histogram sums to its iterations, no outcome x86-TSO forbids shows up, and
# SB's relaxed outcome is seen; check-log.sh itself judges crafted logs
# right; and the checker (tests/litmus/model/) computes the verdicts typed in
# litmus-tests.def and the published ones of catalogue.def, and needs every
# clause of its models to do so. PASS/FAIL lines only.
set -uo pipefail
cd "$(dirname "$0")/../.."
bash tests/litmus/check-log-test.sh
bash tests/litmus/model-check.sh
model_rc=$?  # the runs below do not need the checker: report them too
make --no-print-directory -s litmus-host-bin || { echo "FAIL litmus-host-build: make litmus-host-bin failed"; exit 1; }
mkdir -p build/test-logs
log=build/test-logs/litmus-host.log
build/litmus/litmus-host iters="${LITMUS_TEST_ITERS:-5000}" > "$log" 2>&1
bash tests/litmus/check-log.sh litmus-host x86_64 "$log"

sb_log=build/test-logs/litmus-host-sb.log
for try in 1 2 3; do
    build/litmus/litmus-host litmus=SB.plain iters=20000 > "$sb_log" 2>&1
    verdict=$(bash tests/litmus/check-log.sh litmus-host-sb x86_64 "$sb_log") ||
        { printf '%s\n' "$verdict" | grep '^FAIL'; exit 1; }
    n=$(bash tests/litmus/relaxed-count.sh SB.plain "$sb_log")
    [ "${n:-0}" -gt 0 ] && break
done
if [ "${n:-0}" -gt 0 ]; then
    echo "PASS litmus-host-sb-relaxed-seen: SB r0=0,r1=0 seen $n of 20000 times (run $try)"
else
    echo "FAIL litmus-host-sb-relaxed-seen: never seen in 3 x 20000 iterations (log: $sb_log)"
    exit 1
fi
exit $model_rc
