#!/usr/bin/env bash
# Semihosting and the flight recorder's exports (docs/trace.md).
set -uo pipefail
cd "$(dirname "$0")/../.."
run=tests/qemu/qemu-run.sh
T=${QEMU_TIMEOUT:-120}
SEMI=(-semihosting-config enable=on,target=native)
mkdir -p build/trace

# A file written through semihosting lands on the host with the bytes the
# image says it wrote.
file=build/trace/semihost-test.txt
rm -f "$file"
if $run semihost-write --suite --smp 2 --append "test=semihost semihosting" --timeout $T -- "${SEMI[@]}"; then
    said=$(tr -d '\r' < build/test-logs/semihost-write.log | sed -n 's/^wrote: //p')
    if [ ! -f "$file" ]; then
        echo "FAIL semihost-file: $file was not written"
    elif [ -z "$said" ] || [ "$(cat "$file")" != "$said" ]; then
        echo "FAIL semihost-file: $file holds '$(cat "$file")', the image wrote '$said'"
    else
        echo "PASS semihost-file: $file holds the line the image wrote"
    fi
fi
# Without the boot word nothing traps: the calls answer -1.
$run semihost-off --suite --smp 2 --append "test=semihost" --timeout $T \
    --expect '^PASS semihost.off_answers_minus_one'
