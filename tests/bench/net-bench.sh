#!/usr/bin/env bash
# make bench's network part: TCP throughput (one 10 MiB echo, MiB/s of host
# wall time) and the round trip of a 64-byte request (median and 90th
# percentile of 500), measured by the same host client
# (tests/qemu/net-client.py bench) against Armada's echo service under QEMU
# (multi-threaded TCG: emulated figures, host wall time) and against a Linux
# echo, socat on the host loopback, as the reference. Not a test: no PASS/FAIL.
set -uo pipefail
cd "$(dirname "$0")/../.."
run=tests/qemu/qemu-run.sh
T=${BENCH_TIMEOUT:-300}
BYTES=${NET_BENCH_BYTES:-10485760}
ROUNDS=${NET_BENCH_ROUNDS:-500}
out=build/test-logs/bench-net.txt
mkdir -p build/test-logs
: > "$out"
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# The reference: socat's echo (a PIPE back to the sender), one child per connection.
port=$(free_port)
timeout "$T" socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork" PIPE &
socat_pid=$!
for _ in $(seq 50); do python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1).close()" \
    2>/dev/null && break; sleep 0.1; done
timeout "$T" python3 tests/qemu/net-client.py "$port" bench "$BYTES" "$ROUNDS" | sed 's/^/socat /' >> "$out"
kill "$socat_pid" 2>/dev/null; wait "$socat_pid" 2>/dev/null

# Armada's echo: two connections (throughput, then latency), then it powers off.
for smp in ${NET_BENCH_CORES:-2 4}; do
    port=$(free_port)
    log=build/test-logs/bench-net-smp$smp.log
    rm -f "$log"
    $run "bench-net-smp$smp" --smp "$smp" --timeout "$T" --append "echo=$port echo.quit=2" \
        --expect 'echo: 2 connections accepted' \
        -- -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$port-:$port" -device virtio-net-device,netdev=n0 >/dev/null &
    qemu_run=$!
    for _ in $(seq $((2 * T))); do
        grep -qa 'echo: listening' "$log" 2>/dev/null && break
        kill -0 $qemu_run 2>/dev/null || break
        sleep 0.5
    done
    timeout "$T" python3 tests/qemu/net-client.py "$port" bench "$BYTES" "$ROUNDS" | sed "s/^/armada-$smp /" >> "$out"
    wait $qemu_run
done

echo
echo "TCP echo, host client on 127.0.0.1 ($((BYTES / 1048576)) MiB one way and back; $ROUNDS requests of 64 bytes)"
echo "Armada: QEMU virt, multi-threaded TCG, user network: emulated figures, host wall time"
printf '%-28s %16s %22s\n' "" "throughput MiB/s" "64 B round trip (us)"
printf '%-28s %16s %22s\n' "" "" "median / p90"
row() { # TAG LABEL
    awk -v t="$1" -v l="$2" '$1 == t && $2 == "BENCHNET" {
        printf "%-28s %16s %22s\n", l, $4, $7 " / " $10; found = 1 }
        END { if (!found) printf "%-28s %16s\n", l, "(no result)" }' "$out"
}
row socat "socat, Linux host loopback"
for smp in ${NET_BENCH_CORES:-2 4}; do row "armada-$smp" "Armada echo, $smp cores"; done

# The figures into build/bench/results.tsv (net/...) and the chart build/bench/net.png.
label() { case $1 in socat) echo "socat, Linux host loopback" ;; *) echo "Armada, ${1#armada-} cores" ;; esac; }
for tag in socat $(for smp in ${NET_BENCH_CORES:-2 4}; do echo "armada-$smp"; done); do
    awk -v t="$tag" -v l="$(label "$tag")" '$1 == t && $2 == "BENCHNET" {
        printf "net/rate\t%s\tMiB/s\t%s\nnet/round-trip-median\t%s\tus\t%s\nnet/round-trip-p90\t%s\tus\t%s\n", $4, l, $7, l, $10, l }' "$out"
done | bash tests/bench/results-add.sh net build/bench/results.tsv
if command -v gnuplot >/dev/null; then bash tests/bench/plot-remote.sh net build/bench/results.tsv build/bench
else echo "bench: no gnuplot (tools/setup.sh installs it): no network chart"; fi
