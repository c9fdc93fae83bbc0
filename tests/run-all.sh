#!/usr/bin/env bash
# `make test`: every test, each group's PASS/FAIL/SKIP lines as they come, then
# one closing line `N passed, N failed, N skipped` counted over all of them.
# A group that exits non-zero without a FAIL line, or that reports nothing at
# all, fails; so does a run in which nothing passed.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p build/test-logs
results=build/test-logs/results.txt
: > "$results"
: > build/test-logs/group-times.txt

group() { # NAME COMMAND...: run one group, keep its PASS/FAIL lines
    local name=$1; shift
    echo "== $name"
    local log=build/test-logs/group-$name.log
    local start=$SECONDS
    "$@" > "$log" 2>&1
    local rc=$?
    echo "$name $((SECONDS - start))" >> build/test-logs/group-times.txt
    grep -E '^(PASS|FAIL|SKIP) ' "$log" | tee -a "$results"
    if [ $rc != 0 ] && ! grep -q '^FAIL ' "$log"; then
        echo "FAIL $name: exited $rc without a FAIL line (log: $log)" | tee -a "$results"
        tail -n 15 "$log"
    elif ! grep -qE '^(PASS|FAIL) ' "$log"; then
        echo "FAIL $name: reported no result (log: $log)" | tee -a "$results"
        tail -n 15 "$log"
    fi
}

group unit make --no-print-directory unit-tests
group layers bash tools/check-layers.sh
group apt-sources bash tests/host/test-apt-sources.sh
group trace-host bash tests/host/test-trace2json.sh
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
skipped=$(grep -c '^SKIP ' "$results")
if [ "$passed" = 0 ]; then
    echo "FAIL run-all: nothing passed" | tee -a "$results"
    failed=$((failed + 1))
fi
echo
echo "seconds per group: $(tr '\n' ' ' < build/test-logs/group-times.txt)"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
