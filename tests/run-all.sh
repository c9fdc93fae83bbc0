#!/usr/bin/env bash
# `make test`: every test, each group's PASS/FAIL lines as they come, then one
# closing line `N passed, N failed` counted over all of them.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p build/test-logs
results=build/test-logs/results.txt
: > "$results"

group() { # NAME COMMAND...: run one group, keep its PASS/FAIL lines
    local name=$1; shift
    echo "== $name"
    local log=build/test-logs/group-$name.log
    "$@" > "$log" 2>&1
    local rc=$?
    grep -E '^(PASS|FAIL) ' "$log" | tee -a "$results"
    if [ $rc != 0 ] && ! grep -q '^FAIL ' "$log"; then
        echo "FAIL $name: exited $rc without a FAIL line (log: $log)" | tee -a "$results"
        tail -n 15 "$log"
    fi
}

group unit make --no-print-directory unit-tests
group host-dt make --no-print-directory host-tests
group fuzz-smoke make --no-print-directory fuzz-smoke
group litmus-host bash tests/litmus/host-check.sh
group sync-host-tsan make --no-print-directory sync-host-tests
group qemu bash tests/qemu/matrix.sh
# Further QEMU groups (one script per area: tests/qemu/matrix-<area>.sh).
for m in tests/qemu/matrix-*.sh; do
    [ -e "$m" ] && group "$(basename "$m" .sh)" bash "$m"
done

passed=$(grep -c '^PASS ' "$results")
failed=$(grep -c '^FAIL ' "$results")
echo
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
