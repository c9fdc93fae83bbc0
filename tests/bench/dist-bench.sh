#!/usr/bin/env bash
# make bench's distribution part: a BEAM process's round trips to Armada's
# registered echo (one at a time: median and 90th percentile; then 64 in
# flight: round trips per second), against the same to a second BEAM node's
# echo on this host as the reference. Host wall time; Armada runs under
# QEMU's multi-threaded TCG, so its figures are emulated. Not a test: no
# PASS/FAIL. Every process under a timeout, all killed on the way out.
set -uo pipefail
cd "$(dirname "$0")/../.."
T=${BENCH_TIMEOUT:-300}
ROUNDS=${DIST_BENCH_ROUNDS:-1000}
COUNT=${DIST_BENCH_COUNT:-20000}
out=build/test-logs/bench-dist.txt
mkdir -p build/test-logs
: > "$out"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null' EXIT
command -v erl >/dev/null || { echo "dist bench: no erl (erlang-base)"; exit 0; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq $((2 * T))); do grep -qaE "$2" "$1" 2>/dev/null && return 0; sleep 0.5; done; return 1; }

export ERL_EPMD_PORT
ERL_EPMD_PORT=$(free_port)
timeout "$T" epmd -port "$ERL_EPMD_PORT" & pids+=($!)
sleep 0.5
bench() { # TARGET LABEL
    ERL_FLAGS="-name bencher@127.0.0.1 -setcookie benchcookie" timeout "$T" \
        escript tests/qemu/dist-peer.escript bench "$1" "$ROUNDS" "$COUNT" 2>&1 | sed "s/^/$2 /" >> "$out"
}

# The reference: BEAM to BEAM on this host.
ref_log=build/test-logs/bench-dist-ref.log
: > "$ref_log"
ERL_FLAGS="-name ref@127.0.0.1 -setcookie benchcookie" timeout "$T" escript tests/qemu/dist-peer.escript serve \
    > "$ref_log" 2>&1 & pids+=($!)
wait_for "$ref_log" '^up' && bench ref@127.0.0.1 beam

for smp in ${DIST_BENCH_CORES:-2 4}; do
    port=$(free_port)
    log=build/test-logs/bench-dist-smp$smp.log
    rm -f "$log"
    timeout "$T" qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a72 -smp "$smp" -m 512M \
        -kernel build/armada.img -display none -serial "file:$log" -monitor none \
        -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$port-:$port" -device virtio-net-device,netdev=n0 \
        -append "node=armada@127.0.0.1 cookie=benchcookie dist.port=$port epmd=$ERL_EPMD_PORT" 2>/dev/null &
    qemu=$!
    pids+=($qemu)
    wait_for "$log" 'dist: epmd gives out' && bench armada@127.0.0.1 "armada-smp$smp"
    kill $qemu 2>/dev/null; wait $qemu 2>/dev/null
done

fig() { sed -n "s/^$1 $2 //p" "$out" | head -1; }
echo
echo "Erlang distribution: a BEAM process's round trips to an echo (host wall time; Armada's emulated)"
printf '%-22s %-34s %s\n' "echo on" "one at a time" "64 in flight"
for who in beam $(for n in ${DIST_BENCH_CORES:-2 4}; do echo armada-smp$n; done); do
    printf '%-22s %-34s %s\n' "$([ $who = beam ] && echo 'BEAM (reference)' || echo "Armada, ${who#armada-smp} cores")" \
        "$(fig $who latency)" "$(fig $who throughput)"
done

# The figures into build/bench/results.tsv (dist/...) and the chart build/bench/dist.png.
for who in beam $(for n in ${DIST_BENCH_CORES:-2 4}; do echo armada-smp$n; done); do
    l=$([ $who = beam ] && echo 'BEAM, same host' || echo "Armada, ${who#armada-smp} cores")
    awk -v t="$who" -v l="$l" '$1 == t && $2 == "latency" {
            printf "dist/round-trip-median\t%s\tus\t%s\ndist/round-trip-p90\t%s\tus\t%s\n", $4, l, $7, l }
        $1 == t && $2 == "throughput" { printf "dist/rate\t%s\tround trips/s\t%s\n", $3, l }' "$out"
done | bash tests/bench/results-add.sh dist build/bench/results.tsv
if command -v gnuplot >/dev/null; then bash tests/bench/plot-remote.sh dist build/bench/results.tsv build/bench
else echo "bench: no gnuplot (tools/setup.sh installs it): no distribution chart"; fi
