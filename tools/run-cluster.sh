#!/usr/bin/env bash
# make run-cluster: Armada on QEMU virt as armada@127.0.0.1 (in the
# background, its console in build/cluster-console.log), epmd, and an erl
# shell as beam@127.0.0.1 with the same cookie; QEMU is stopped when the erl
# shell ends. CLUSTER_COOKIE, CLUSTER_DIST_PORT (4370) and ERL_EPMD_PORT
# (4369) change the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
cookie=${CLUSTER_COOKIE:-armada}
port=${CLUSTER_DIST_PORT:-4370}
epmd_port=${ERL_EPMD_PORT:-4369}
log=build/cluster-console.log
export ERL_EPMD_PORT=$epmd_port

epmd -daemon -port "$epmd_port" # does nothing when one already runs there
rm -f "$log"
qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a72 -smp 4 -m 512M -kernel build/armada.img \
    -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$port-:$port" -device virtio-net-device,netdev=n0 \
    -display none -serial "file:$log" -monitor none \
    -append "node=armada@127.0.0.1 cookie=$cookie dist.port=$port epmd=$epmd_port" &
qemu=$!
trap 'kill $qemu 2>/dev/null; wait $qemu 2>/dev/null' EXIT

for _ in $(seq 120); do
    grep -qaE 'dist: epmd gives out|dist: epmd registration .* failed|dist: cannot' "$log" 2>/dev/null && break
    kill -0 $qemu 2>/dev/null || { echo "run-cluster: QEMU ended; see $log"; exit 1; }
    sleep 0.5
done
grep -a 'dist:' "$log" || true
grep -qa 'dist: epmd gives out armada' "$log" || { echo "run-cluster: Armada did not register with epmd (see $log)"; exit 1; }
cat <<TEXT

Armada runs as armada@127.0.0.1 (its console: tail -f $log). Paste into the erl shell below:

    net_adm:ping('armada@127.0.0.1').
    {echo, 'armada@127.0.0.1'} ! {self(), {hello, [1, 2.5, <<"bin">>]}}, flush().
    spawn('armada@127.0.0.1', armada, ring, [1000]).

(the ring's time appears in $log). Leave the erl shell (q().) to stop Armada too.
TEXT
erl -name beam@127.0.0.1 -setcookie "$cookie"
