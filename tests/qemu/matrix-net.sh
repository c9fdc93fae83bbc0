#!/usr/bin/env bash
# The network on QEMU virt: virtio-net on QEMU's user network, DHCP, and the
# TCP echo service driven by a host client (tests/qemu/net-client.py) through
# a port forwarded from 127.0.0.1 only. Each run powers itself off once the
# echo service has seen its connections end (echo.quit=N), after checking
# that lwIP's pools, the connection table and the rings are back to idle.
set -uo pipefail
cd "$(dirname "$0")/../.."
run=tests/qemu/qemu-run.sh
T=${QEMU_TIMEOUT:-300}
status=0

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# NAME SMP QUIT CLIENT-ARGS [QEMU-EXTRA...]: boot with the echo service, run the client once it listens.
net_run() {
    local name=$1 smp=$2 quit=$3 client=$4; shift 4
    local port log=build/test-logs/$name.log
    port=$(free_port)
    rm -f "$log"
    $run "$name" --smp "$smp" --timeout "$T" --append "echo=$port echo.quit=$quit" \
        --expect 'net: address 10\.0\.2\.15/24 gw 10\.0\.2\.2 \(dhcp\)' \
        --expect "echo: $quit connections accepted, $quit ended" --expect 'echo: back to idle' --reject 'echo: LEAK' \
        -- -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$port-:$port" -device virtio-net-device,netdev=n0 "$@" &
    local qemu_run=$!
    local waited=0
    until grep -qa 'echo: listening' "$log" 2>/dev/null; do
        sleep 0.5; waited=$((waited + 1))
        if [ $waited -ge $((2 * T)) ] || ! kill -0 $qemu_run 2>/dev/null; then break; fi
    done
    # shellcheck disable=SC2086
    timeout "$T" python3 tests/qemu/net-client.py "$port" $client | sed "s/^\(PASS\|FAIL\) /\1 $name\//" || status=1
    wait $qemu_run || status=1
}

net_run net-echo-1mib-smp4 4 1 "bulk 1048576"
net_run net-echo-1mib-smp2 2 1 "bulk 1048576"
net_run net-echo-modern-smp4 4 1 "bulk 1048576" -global virtio-mmio.force-legacy=false
net_run net-echo-10mib-smp4 4 1 "bulk 10485760"
net_run net-short-connections 4 1000 "short 1000"
exit $status
