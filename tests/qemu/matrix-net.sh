#!/usr/bin/env bash
# The network on QEMU virt: virtio-net on QEMU's user network, DHCP or the
# static address, and the TCP echo service driven by a host client
# (tests/qemu/net-client.py) through a port forwarded from 127.0.0.1 only.
# Each echo run powers itself off once the echo service has seen its
# connections end (echo.quit=N), after checking that lwIP's pools, the
# connection table and the rings are back to idle; it then says how the
# connections ended and on which cores their processes ran. No run may see
# the guest send a TCP reset: one throws away what its connection had queued
# (QEMU's user network passes it to the host as a plain close: a lost tail).
set -uo pipefail
cd "$(dirname "$0")/../.."
run=tests/qemu/qemu-run.sh
T=${QEMU_TIMEOUT:-300}
status=0

free_port() { # [udp]
    python3 -c 'import socket, sys; s = socket.socket(type=socket.SOCK_DGRAM if sys.argv[1:] else socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' "$@"
}
addr_dhcp='net: address 10\.0\.2\.15/24 gw 10\.0\.2\.2 \(dhcp\)'

# NAME SMP QUIT CLIENT-ARGS [QEMU-EXTRA...]: boot with the echo service, run
# the client once it listens. Set for one call: more=(qemu-run.sh options),
# append (more boot arguments), netdev (more -netdev user options), expect_addr;
# @UDP@ in CLIENT-ARGS and netdev is a free UDP port.
more=(); append=""; netdev=""; expect_addr=$addr_dhcp
net_run() {
    local name=$1 smp=$2 quit=$3 client=$4; shift 4
    local port udp log=build/test-logs/$name.log
    port=$(free_port); udp=$(free_port udp)
    client=${client//@UDP@/$udp}
    rm -f "$log"
    $run "$name" --smp "$smp" --timeout "$T" --append "echo=$port echo.quit=$quit $append" \
        --expect "$expect_addr" --expect "echo: $quit connections accepted, $quit ended" \
        --expect 'echo: back to idle' --reject 'echo: LEAK' --expect 'echo: resets sent 0;' "${more[@]}" \
        -- -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$port-:$port${netdev//@UDP@/$udp}" \
        -device virtio-net-device,netdev=n0 "$@" &
    local qemu_run=$!
    local waited=0
    until grep -qa 'echo: listening' "$log" 2>/dev/null; do
        sleep 0.5; waited=$((waited + 1))
        if [ $waited -ge $((2 * T)) ] || ! kill -0 $qemu_run 2>/dev/null; then break; fi
    done
    # shellcheck disable=SC2086
    timeout "$T" python3 tests/qemu/net-client.py "$port" $client | sed "s/^\(PASS\|FAIL\) /\1 $name\//" || status=1
    wait $qemu_run || status=1
    more=(); append=""; netdev=""; expect_addr=$addr_dhcp
}

net_run net-echo-1mib-smp4 4 1 "bulk 1048576"
net_run net-echo-10mib-smp2 2 1 "bulk 10485760"
net_run net-echo-modern-smp4 4 1 "bulk 1048576" -global virtio-mmio.force-legacy=false
net_run net-echo-10mib-smp4 4 1 "bulk 10485760"
net_run net-short-connections 4 1000 "short 1000"
# Processes on several cores: concurrent connections, each its own process.
for smp in 2 4; do
    more=(--expect 'echo: closed by peer 8, reset 0' --expect 'echo: handlers ran on cores( [0-9]+){2,} \(')
    net_run net-echo-parallel-smp$smp $smp 8 "parallel 8 262144"
done
# A peer that resets mid-transfer: the handler hears MSG_TCP_CLOSED (reset),
# everything goes back to idle, and the next connection works.
more=(--expect 'echo: closed by peer [0-9]+, reset [0-9]+, error 0, other 0')
net_run net-echo-peer-reset 4 2 "reset 2097152"
# A full receive ring: UDP datagrams pour in (to a port nobody listens on)
# while a bulk echo runs; the ring is seen full, the datagrams dropped and
# counted, and the echo still comes back intact.
more=(--expect 'rx ring full [1-9]' --expect 'drops: driver [0-9]+, udp [1-9]')
netdev=",hostfwd=udp:127.0.0.1:@UDP@-:@UDP@"
net_run net-rx-ring-full 4 1 "flood @UDP@ 1048576"
# The static address, DHCP off: shown in the boot log, and the echo over it.
append="dhcp=off ip=10.0.2.15/24 gw=10.0.2.2"
expect_addr='net: address 10\.0\.2\.15/24 gw 10\.0\.2\.2 \(static\)'
more=(--reject 'no DHCP answer')
net_run net-static-dhcp-off 2 1 "bulk 262144"

# DHCP silent (a NIC on a hub with nothing else on it): after the wait, the
# static address from the boot arguments.
$run net-static-fallback --smp 2 --timeout "$T" --append "ip=10.0.2.15/24 gw=10.0.2.2" \
    --expect 'net: no DHCP answer in [0-9]+ ms: static address' \
    --stop-on 'net: address 10\.0\.2\.15/24 gw 10\.0\.2\.2 \(static\)' \
    -- -netdev hubport,id=n0,hubid=0 -device virtio-net-device,netdev=n0 || status=1

# The shell's net, ping and nc, typed: the counters move, the gateway answers
# ping, and a connection from the guest to a host listener (127.0.0.1 through
# 10.0.2.2) carries data both ways.
port=$(free_port)
timeout 60 python3 tests/qemu/net-client.py "$port" serve 100000 > build/test-logs/net-shell-peer.txt 2>&1 &
peer=$!
for _ in $(seq 50); do grep -q '^listening' build/test-logs/net-shell-peer.txt && break; sleep 0.1; done
$run net-shell --smp 4 --timeout 60 \
    --input "$(printf 'net\rping 10.0.2.2 3\rnc 10.0.2.2 %s 100000\rnet\rpoweroff\r' "$port")" \
    --expect 'vn0: virtio-net \(legacy interface\), MAC 52:54:00:12:34:56' --expect "$addr_dhcp" \
    --count 'reply from 10\.0\.2\.2: seq=[0-9]+ time=[0-9]+\.[0-9]{3} ms' 3 \
    --expect 'ping 10\.0\.2\.2: 3 sent, 3 received, 0% loss, rtt min/avg/max [0-9.]+/[0-9.]+/[0-9.]+ ms' \
    --expect 'nc: 100000 bytes sent, 100000 back, 0 differ: all echoed' --expect 'powering off' \
    -- -netdev user,id=n0 -device virtio-net-device,netdev=n0 || status=1
wait $peer || status=1
sed 's/^\(PASS\|FAIL\) /\1 net-shell\//' build/test-logs/net-shell-peer.txt
# The counters of the last `net` moved past the first's, and are numbers.
tr -d '\r' < build/test-logs/net-shell.log | awk '
    { gsub(/,/, "") }
    /^  packets in / { n++; pin[n] = $3; pout[n] = $5 }
    /^  tcp segments in / { tin[n] = $4; tout[n] = $6 }
    END {
        num = "^[0-9]+$"
        ok = n == 2 && pin[1] ~ num && pin[2] ~ num && pout[2] ~ num && tout[2] ~ num &&
             pin[2] > pin[1] && pout[2] > pout[1] && tin[2] > tin[1] && tout[2] > tout[1] && tout[2] > 0
        printf "%s net-shell/counters: packets in %s -> %s, out %s -> %s, tcp segments out %s -> %s\n",
            ok ? "PASS" : "FAIL", pin[1], pin[2], pout[1], pout[2], tout[1], tout[2]
        exit !ok
    }' || status=1
exit $status
