#!/usr/bin/env bash
# Armada as a node of an Erlang cluster (dist/), against Debian's OTP on the
# host: an epmd of the test's own (ERL_EPMD_PORT, a free port, never the
# system's 4369) and `erl` nodes on 127.0.0.1. QEMU's user network carries
# the guest to the host (the gateway 10.0.2.2 is the host's 127.0.0.1), and
# a port forwarded from 127.0.0.1 carries the host to the guest's
# distribution port. Every step runs under a timeout; every process this
# script starts is killed on the way out (trap).
set -uo pipefail
cd "$(dirname "$0")/../.."
T=${QEMU_TIMEOUT:-120}
STEP=${DIST_STEP_TIMEOUT:-30}
mkdir -p build/test-logs
status=0
pids=()

cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; kill -CONT "$p" 2>/dev/null; done
    wait 2>/dev/null
}
trap cleanup EXIT

if ! command -v erl >/dev/null || ! command -v epmd >/dev/null; then
    echo "SKIP dist: no erl/epmd (erlang-base; tools/setup.sh installs it)"
    exit 0
fi
if [ ! -f build/armada.img ]; then
    echo "FAIL dist: no build/armada.img (run make first)"
    exit 1
fi

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for FILE RE [SECONDS]: until FILE has a line matching RE.
wait_for() {
    local file=$1 re=$2 limit=${3:-$T} waited=0
    until grep -qaE "$re" "$file" 2>/dev/null; do
        sleep 0.5; waited=$((waited + 1))
        [ $waited -ge $((2 * limit)) ] && return 1
    done
    return 0
}

# start_epmd: an epmd of our own on a free port, in $epmd_port; its pid in $epmd_pid.
start_epmd() {
    epmd_port=$(free_port)
    timeout $((4 * T)) epmd -port "$epmd_port" >/dev/null 2>&1 &
    epmd_pid=$!
    pids+=("$epmd_pid")
    local tries=0
    until ERL_EPMD_PORT=$epmd_port timeout 5 epmd -names >/dev/null 2>&1; do
        sleep 0.2; tries=$((tries + 1))
        [ $tries -ge 50 ] && { echo "FAIL dist: epmd did not start on port $epmd_port"; return 1; }
    done
    return 0
}

stop() { # PID: kill one process this script started, and reap it
    kill "$1" 2>/dev/null
    kill -CONT "$1" 2>/dev/null # a stopped process takes its SIGTERM only once continued
    wait "$1" 2>/dev/null
}

# boot NAME DIST_PORT APPEND: Armada under QEMU in the background, its console
# in build/test-logs/NAME.log, its pid in $qemu_pid.
boot() {
    local name=$1 port=$2 append=$3
    log=build/test-logs/$name.log
    rm -f "$log"
    timeout "$T" qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a72 -smp 2 -m 512M \
        -kernel build/armada.img -display none -serial "file:$log" -monitor none \
        -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$port-:$port" -device virtio-net-device,netdev=n0 \
        -append "$append" 2>"$log.stderr" &
    qemu_pid=$!
    pids+=("$qemu_pid")
}

# boot_tty NAME DIST_PORT APPEND: as boot, with the console on QEMU's stdio:
# what the script writes to $tty_fd is typed on the serial line.
boot_tty() {
    local name=$1 port=$2 append=$3 fifo=build/test-logs/$1.in
    log=build/test-logs/$name.log
    rm -f "$log" "$fifo"
    mkfifo "$fifo"
    exec {tty_fd}<>"$fifo" # read-write: neither open waits for the other end
    timeout "$T" qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a72 -smp 2 -m 512M \
        -kernel build/armada.img -display none -serial stdio -monitor none \
        -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$port-:$port" -device virtio-net-device,netdev=n0 \
        -append "$append" < "$fifo" > "$log" 2>"$log.stderr" &
    qemu_pid=$!
    pids+=("$qemu_pid")
}

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1"; status=1; }
panicked() { grep -qaE 'panic|Unhandled exception|exception at' "$1"; }

# erl_eval EXPR: a plain (not distributed) erl evaluates EXPR and prints it.
erl_eval() {
    ERL_EPMD_PORT=$epmd_port timeout "$STEP" erl -noshell -eval "io:format(\"~p~n\", [$1]), halt()."
}

# 1. Registration: epmd gives out Armada's port while it runs, forgets it
#    when Armada goes away (the registration is a connection it holds).
test_epmd_register() {
    local name=dist-epmd-register port
    start_epmd || { fail "$name: no epmd"; return; }
    port=$(free_port)
    boot $name "$port" "node=armada@127.0.0.1 cookie=armadacookie dist.port=$port epmd=$epmd_port"
    if ! wait_for "$log" 'dist: epmd gives out armada at port|dist: epmd (registration|lookup)'; then
        fail "$name: no registration line in the boot log ($log)"
    elif ! grep -qaE "dist: registered armada@127.0.0.1 with epmd at 10\.0\.2\.2:$epmd_port: port $port, creation [0-9]+" "$log"; then
        fail "$name: registration failed: $(grep -a 'dist:' "$log" | tr '\n' ' ')"
    elif ! grep -qa "dist: epmd gives out armada at port $port" "$log"; then
        fail "$name: Armada's own PORT_PLEASE2 lookup: $(grep -a 'dist: epmd' "$log" | tail -1)"
    else
        local names answer
        names=$(ERL_EPMD_PORT=$epmd_port timeout "$STEP" epmd -names)
        answer=$(erl_eval "erl_epmd:port_please(\"armada\", {127,0,0,1})")
        if ! grep -q "name armada at port $port" <<< "$names"; then
            fail "$name: epmd -names does not list armada at $port: $names"
        elif [ "$answer" != "{port,$port,6}" ]; then
            fail "$name: erl's port_please for armada gave $answer, want {port,$port,6}"
        else
            stop "$qemu_pid"
            local tries=0
            while ERL_EPMD_PORT=$epmd_port timeout "$STEP" epmd -names | grep -q 'name armada '; do
                sleep 0.2; tries=$((tries + 1))
                [ $tries -ge 50 ] && break
            done
            if [ $tries -ge 50 ]; then
                fail "$name: epmd still lists armada after its QEMU was killed"
            else
                pass "$name: ALIVE2 registered armada at $port (epmd -names, erl's port_please: {port,$port,6}), Armada's PORT_PLEASE2 agrees, and epmd forgot it when Armada went away"
            fi
        fi
    fi
    panicked "$log" && fail "$name: a panic in $log"
    stop "$qemu_pid"; stop "$epmd_pid"
}

# 2. No epmd at the given port: one clear boot-log line, the rest boots on.
test_epmd_unreachable() {
    local name=dist-epmd-unreachable port nothing
    port=$(free_port); nothing=$(free_port)
    epmd_port=$nothing
    boot $name "$port" "node=armada@127.0.0.1 cookie=c dist.port=$port epmd=$nothing"
    if wait_for "$log" "dist: epmd registration of armada@127.0.0.1 at 10\.0\.2\.2:$nothing failed: cannot connect to epmd" &&
       wait_for "$log" 'armada shell' 10; then
        pass "$name: \"$(grep -a 'dist: epmd registration' "$log" | tr -d '\r')\", and the shell starts"
    else
        fail "$name: no clear failure line, or no shell: $(grep -a 'dist:' "$log" | tr '\n' ' ')"
    fi
    panicked "$log" && fail "$name: a panic in $log"
    stop "$qemu_pid"
}

# 3. The name is taken (a BEAM node called armada registered first): refused, said so.
test_epmd_name_taken() {
    local name=dist-epmd-name-taken port beam_log=build/test-logs/dist-epmd-name-taken-beam.log
    start_epmd || { fail "$name: no epmd"; return; }
    port=$(free_port)
    : > "$beam_log" # before the background start: a stale log must not be read as this one
    ERL_EPMD_PORT=$epmd_port timeout "$T" erl -noshell -name armada@127.0.0.1 -setcookie c \
        -eval 'io:format("beam up~n"), receive after infinity -> ok end.' > "$beam_log" 2>&1 &
    local beam=$!
    pids+=("$beam")
    if ! wait_for "$beam_log" 'beam up' "$STEP"; then
        fail "$name: the BEAM node did not start ($beam_log)"
    else
        boot $name "$port" "node=armada@127.0.0.1 cookie=c dist.port=$port epmd=$epmd_port"
        if wait_for "$log" "dist: epmd registration of armada@127.0.0.1 at 10\.0\.2\.2:$epmd_port failed: epmd refused"; then
            pass "$name: \"$(grep -a 'dist: epmd registration' "$log" | tr -d '\r')\""
        else
            fail "$name: $(grep -a 'dist:' "$log" | tr '\n' ' ')"
        fi
        panicked "$log" && fail "$name: a panic in $log"
        stop "$qemu_pid"
    fi
    stop "$beam"; stop "$epmd_pid"
}

# peer NAME COOKIE [ERL_FLAGS...] -- ARGS: tests/qemu/dist-peer.escript as the
# BEAM node NAME@127.0.0.1, under a timeout.
peer() {
    local name=$1 cookie=$2; shift 2
    local flags=()
    while [ "$1" != -- ]; do flags+=("$1"); shift; done
    shift
    ERL_EPMD_PORT=$epmd_port ERL_FLAGS="-name $name@127.0.0.1 -setcookie $cookie ${flags[*]}" \
        timeout "$STEP" escript tests/qemu/dist-peer.escript "$@" 2>&1
}

# peer_bg LOG NAME [ERL_FLAGS...] -- ARGS: the same in the background, under
# the run's timeout, its output in LOG (emptied first); its pid in peer_pid,
# torn down by cleanup.
peer_bg() {
    local log=$1 name=$2; shift 2
    local flags=()
    while [ "$1" != -- ]; do flags+=("$1"); shift; done
    shift
    : > "$log"
    ERL_EPMD_PORT=$epmd_port ERL_FLAGS="-name $name@127.0.0.1 -setcookie armadacookie ${flags[*]}" \
        timeout "$T" escript tests/qemu/dist-peer.escript "$@" > "$log" 2>&1 &
    peer_pid=$!
    pids+=("$peer_pid")
}

# dist_boot NAME [APPEND]: epmd, then Armada as armada@127.0.0.1 (cookie
# armadacookie), up once epmd gives out its port.
dist_boot() {
    local name=$1 append=${2:-}
    start_epmd || return 1
    dist_port=$(free_port)
    boot "$name" "$dist_port" "node=armada@127.0.0.1 cookie=armadacookie dist.port=$dist_port epmd=$epmd_port $append"
    wait_for "$log" 'dist: epmd gives out armada|dist: epmd (registration|lookup)' || return 1
    grep -qa 'dist: epmd gives out armada' "$log"
}

# 4. net_adm:ping gives pong; the BEAM node then lists Armada in nodes().
test_ping() {
    local name=dist-ping out
    if ! dist_boot $name; then
        fail "$name: Armada did not come up on epmd: $(grep -a 'dist:' "$log" | tr '\n' ' ')"
    else
        out=$(peer beam armadacookie -- ping armada@127.0.0.1)
        if grep -qx 'ping pong' <<< "$out" && grep -qx "nodes \['armada@127.0.0.1'\]" <<< "$out" &&
           wait_for "$log" 'dist: beam@127.0.0.1 connected \(it called us\)' 10; then
            pass "$name: net_adm:ping('armada@127.0.0.1') = pong, nodes() = ['armada@127.0.0.1'], Armada logged the connection"
        else
            fail "$name: $out / $(grep -a 'dist:' "$log" | tr '\n' ' ')"
        fi
    fi
    panicked "$log" && fail "$name: a panic in $log"
    stop "$qemu_pid"; stop "$epmd_pid"
}

# 5. 10 000 messages each way between a BEAM process and Armada's registered
#    echo, cycling through every term kind; each reply =:= what was sent.
test_echo_terms() {
    local name=dist-echo-10000-terms out n=${DIST_ECHO_COUNT:-10000}
    if ! dist_boot $name; then
        fail "$name: Armada did not come up on epmd"
    else
        out=$(STEP=$T peer beam armadacookie -- echo armada@127.0.0.1 "$n")
        if grep -qx "echo $n of $n equal in order" <<< "$out"; then
            pass "$name: $n messages to {echo, 'armada@127.0.0.1'} and back (atoms Latin-1 and UTF-8, small and big integers, floats, tuples up to 300, lists proper and not, strings, binaries, bitstrings, maps, pids, references, ports, fun M:F/A), each =:= what was sent, in order"
        else
            fail "$name: $(tail -3 <<< "$out" | tr '\n' ' ')"
        fi
    fi
    panicked "$log" && fail "$name: a panic in $log"
    stop "$qemu_pid"; stop "$epmd_pid"
}

# 6. A wrong cookie: pang on the BEAM side, one log line on Armada's, and the
#    right cookie still works after it.
test_wrong_cookie() {
    local name=dist-wrong-cookie out good
    if ! dist_boot $name; then
        fail "$name: Armada did not come up on epmd"
    else
        out=$(peer intruder notthecookie -- ping armada@127.0.0.1)
        good=$(peer beam armadacookie -- ping armada@127.0.0.1)
        if grep -qx 'ping pang' <<< "$out" &&
           wait_for "$log" 'dist: connection from intruder@127.0.0.1 refused: wrong cookie' 10 &&
           ! grep -qa 'dist: intruder@127.0.0.1 connected' "$log" && grep -qx 'ping pong' <<< "$good"; then
            pass "$name: pang, \"dist: connection from intruder@127.0.0.1 refused: wrong cookie\", and the right cookie gets pong after it"
        else
            fail "$name: wrong: $out / right: $good / $(grep -a 'dist:' "$log" | tr '\n' ' ')"
        fi
    fi
    panicked "$log" && fail "$name: a panic in $log"
    stop "$qemu_pid"; stop "$epmd_pid"
}

# 7. Ticks both ways: with a 6 s tick time on both sides, an idle connection
#    stays up for 15 s (each side would drop a silent peer after 6: short
#    enough to test, long enough for a busy host's stalls); then a BEAM node
#    stopped with SIGSTOP (silent, its TCP connection still open) is declared
#    down by Armada after the tick time.
test_ticks() {
    local name=dist-ticks
    if ! dist_boot $name dist.ticktime=6; then
        fail "$name: Armada did not come up on epmd"
    else
        # Side by side (two connections, two names): the idle peer's 15 s and
        # the stopped peer's 6 s of silence overlap.
        local idle_log=build/test-logs/$name-idle.log hold_log=build/test-logs/$name-hold.log
        peer_bg "$idle_log" beam -kernel net_ticktime 6 -- idle armada@127.0.0.1 15
        local idler=$peer_pid
        peer_bg "$hold_log" sleeper -kernel net_ticktime 6 -- hold armada@127.0.0.1
        local holder=$peer_pid
        if wait_for "$hold_log" '^connected' "$STEP" && grep -qx 'ping pong' "$hold_log"; then
            # the BEAM itself (the escript's emulator, under our timeout)
            local beam
            beam=$(pgrep -P "$holder")
            [ -n "$beam" ] && kill -STOP "$beam"
            if wait_for "$log" 'dist: sleeper@127.0.0.1 silent for 6000 ms: connection down' 25; then
                pass "$name-stopped: a stopped peer was declared down after 6 s of 6 s ticks"
            else
                fail "$name-stopped: no 'silent' line for the stopped peer: $(grep -a 'dist:' "$log" | tr '\n' ' ')"
            fi
            [ -n "$beam" ] && kill -CONT "$beam"
        else
            fail "$name-stopped: the holding peer did not connect: $(cat "$hold_log")"
        fi
        stop "$holder"
        if ! wait_for "$idle_log" '^idle (still connected: |nodedown)' "$STEP" || ! grep -qx 'idle still connected: true' "$idle_log" ||
           grep -qa 'dist: beam@127.0.0.1 silent' "$log"; then
            fail "$name: an idle connection did not survive 15 s of 6 s ticks: $(cat "$idle_log") / $(grep -a 'dist:' "$log" | tr '\n' ' ')"
        else
            pass "$name: an idle connection stayed up 15 s on 6 s ticks both ways, beside a peer stopped and declared down"
        fi
        stop "$idler"
    fi
    panicked "$log" && fail "$name: a panic in $log"
    stop "$qemu_pid"; stop "$epmd_pid"
}

# 8. Armada calls a BEAM node (dist.connect=): its port from epmd, the
#    handshake as the one who calls, ping -> pong, and an Armada process's
#    message to the BEAM node's registered echo comes back.
test_connect_out() {
    local name=dist-connect-out beam_log=build/test-logs/dist-connect-out-beam.log
    start_epmd || { fail "$name: no epmd"; return; }
    peer_bg "$beam_log" beam -- await armada@127.0.0.1 "$T"
    local beam=$peer_pid
    if ! wait_for "$beam_log" '^up' "$STEP"; then
        fail "$name: the BEAM node did not start: $(cat "$beam_log")"
    else
        local port
        port=$(free_port)
        boot $name "$port" "node=armada@127.0.0.1 cookie=armadacookie dist.port=$port epmd=$epmd_port dist.connect=beam@127.0.0.1"
        if wait_for "$log" 'dist: echo on beam@127.0.0.1: (answered|no answer)|dist: ping beam@127.0.0.1: pang' &&
           grep -qa 'dist: beam@127.0.0.1 connected (we called it)' "$log" &&
           grep -qa 'dist: ping beam@127.0.0.1: pong' "$log" && grep -qa 'dist: echo on beam@127.0.0.1: answered' "$log" &&
           wait_for "$beam_log" '^nodeup armada@127.0.0.1' 10; then
            pass "$name: Armada called beam@127.0.0.1 (epmd, handshake as A), ping -> pong, its message to the BEAM's echo came back; BEAM saw nodeup"
        else
            fail "$name: $(grep -a 'dist:' "$log" | tr '\n' ' ') / BEAM: $(tr '\n' ' ' < "$beam_log")"
        fi
        panicked "$log" && fail "$name: a panic in $log"
        stop "$qemu_pid"
    fi
    stop "$beam"; stop "$epmd_pid"
}

# 9. Two Armada nodes and a BEAM node in one cluster (two QEMUs): armadb
#    calls armada and messages its echo through the distribution; the BEAM
#    node sees both in nodes().
test_two_armadas() {
    local name=dist-two-armadas port_a port_b log_a qemu_a out
    start_epmd || { fail "$name: no epmd"; return; }
    port_a=$(free_port); port_b=$(free_port)
    boot $name-a "$port_a" "node=armada@127.0.0.1 cookie=armadacookie dist.port=$port_a epmd=$epmd_port"
    log_a=$log; qemu_a=$qemu_pid
    if ! wait_for "$log_a" 'dist: epmd gives out armada|dist: epmd (registration|lookup)'; then
        fail "$name: armada did not register: $(grep -a 'dist:' "$log_a" | tr '\n' ' ')"
    else
        boot $name-b "$port_b" "node=armadb@127.0.0.1 cookie=armadacookie dist.port=$port_b epmd=$epmd_port dist.connect=armada@127.0.0.1"
        if ! wait_for "$log" 'dist: echo on armada@127.0.0.1: (answered|no answer)|dist: ping armada@127.0.0.1: pang' ||
           ! grep -qa 'dist: echo on armada@127.0.0.1: answered' "$log" ||
           ! grep -qa 'dist: armadb@127.0.0.1 connected (it called us)' "$log_a"; then
            fail "$name: armadb -> armada: $(grep -a 'dist:' "$log" | tr '\n' ' ') / armada: $(grep -a 'dist:' "$log_a" | tr '\n' ' ')"
        else
            out=$(peer beam armadacookie -- nodes armada@127.0.0.1 armadb@127.0.0.1)
            if grep -qx "nodes \['armada@127.0.0.1','armadb@127.0.0.1'\]" <<< "$out"; then
                pass "$name: an armadb process messaged armada's echo and got the answer through the cluster; BEAM's nodes() lists both"
            else
                fail "$name: BEAM: $out"
            fi
        fi
        panicked "$log" && fail "$name: a panic in $log"
        stop "$qemu_pid"
    fi
    panicked "$log_a" && fail "$name: a panic in $log_a"
    stop "$qemu_a"; stop "$epmd_pid"
}

# 9b. Two Armada nodes call each other at once, right after boot: both
#     shells get `dping OTHER` in the same instant. Whether or not the calls
#     overlap (said in the PASS line: one node logs that the other's call
#     wins), each ping gets pong, each node holds exactly one connection to
#     the other, and `nodes` on each lists the other.
test_armadas_call_each_other() {
    local name=dist-armadas-call-each-other port_a port_b log_a fd_a qemu_a bad="" raced=no
    start_epmd || { fail "$name: no epmd"; return; }
    port_a=$(free_port); port_b=$(free_port)
    boot_tty $name-a "$port_a" "node=armada@127.0.0.1 cookie=armadacookie dist.port=$port_a epmd=$epmd_port"
    log_a=$log; qemu_a=$qemu_pid; fd_a=$tty_fd
    boot_tty $name-b "$port_b" "node=armadb@127.0.0.1 cookie=armadacookie dist.port=$port_b epmd=$epmd_port"
    local who
    for who in "$log_a" "$log"; do
        wait_for "$who" 'dist: epmd gives out|dist: epmd (registration|lookup)' && wait_for "$who" 'armada shell' 10 ||
            bad="$bad [$(basename "$who"): not up: $(grep -a 'dist:' "$who" | tr '\n' ' ')]"
    done
    if [ -z "$bad" ]; then
        printf 'dping armadb@127.0.0.1\r' >&"$fd_a"; printf 'dping armada@127.0.0.1\r' >&"$tty_fd"
        wait_for "$log_a" '^(pong|pang)' 20; wait_for "$log" '^(pong|pang)' 20
        printf 'nodes\r' >&"$fd_a"; printf 'nodes\r' >&"$tty_fd"
        wait_for "$log_a" '^  armadb@127\.0\.0\.1' 5; wait_for "$log" '^  armada@127\.0\.0\.1' 5
        local f other
        for f in "$log_a" "$log"; do
            [ "$f" = "$log_a" ] && other=armadb || other=armada
            tr -d '\r' < "$f" | grep -qx pong || bad="$bad [$(basename "$f"): no pong]"
            [ "$(grep -ac "dist: $other@127.0.0.1 connected (" "$f")" = 1 ] || bad="$bad [$(basename "$f"): not one connection]"
            tr -d '\r' < "$f" | grep -qx "  $other@127.0.0.1" || bad="$bad [$(basename "$f"): $other not in nodes]"
            grep -qa 'calls us as we call it' "$f" && raced=yes
        done
    fi
    if [ -z "$bad" ]; then
        pass "$name: both called at once (the calls overlapped: $raced); pong both ways, one connection each, each in the other's nodes"
    else
        fail "$name:$bad / a: $(grep -a 'dist:' "$log_a" | tr '\n' ' ') / b: $(grep -a 'dist:' "$log" | tr '\n' ' ')"
    fi
    panicked "$log_a" && fail "$name: a panic in $log_a"
    panicked "$log" && fail "$name: a panic in $log"
    stop "$qemu_pid"; stop "$qemu_a"; stop "$epmd_pid"
    exec {fd_a}>&- {tty_fd}>&-; rm -f "build/test-logs/$name-a.in" "build/test-logs/$name-b.in"
}

# 10. A BEAM process links to and monitors Armada processes: each end's
#     reason arrives ({error, 42} by link and monitor, a fault's, noproc for
#     a name nobody has, nothing after demonitor); then killing Armada's QEMU
#     gives the BEAM side noconnection for a link and a monitor, and nodedown.
test_links_monitors() {
    local name=dist-links-monitors watch_log=build/test-logs/dist-links-monitors-beam.log
    if ! dist_boot $name; then
        fail "$name: Armada did not come up on epmd"
    else
        peer_bg "$watch_log" beam -- watch armada@127.0.0.1
        local watcher=$peer_pid
        if ! wait_for "$watch_log" '^ready$|exception error' "$STEP" || ! grep -qx ready "$watch_log"; then
            fail "$name: $(tr '\n' ' ' < "$watch_log")"
        else
            local ok=1 want
            for want in 'down {error,42}' 'exit {error,42}' 'crash {fault,[0-9]+,0,[0-9]+}' 'demonitored none' 'noproc noproc'; do
                grep -qxE "$want" "$watch_log" || ok=0
            done
            stop "$qemu_pid"
            wait_for "$watch_log" '^(nodedown|no_nodedown)' "$STEP"
            for want in 'down5 noconnection' 'exit5 noconnection' 'nodedown'; do
                grep -qx "$want" "$watch_log" || ok=0
            done
            if [ $ok = 1 ]; then
                pass "$name: link + monitor: {error,42} both ways; a crash: $(sed -n 's/^crash //p' "$watch_log"); demonitor: no DOWN; a name nobody has: noproc; QEMU killed: noconnection for the link and the monitor, and nodedown"
            else
                fail "$name: $(tr '\n' ' ' < "$watch_log")"
            fi
        fi
        stop "$watcher"
    fi
    stop "$qemu_pid"; stop "$epmd_pid"
}

# 11. Remote spawn (SPAWN_REQUEST) of registered C entry points: spawn/4 of
#     armada:reply/2 sends the BEAM a term; spawn_monitor/4 of armada:ring/1
#     ends normal; spawn_link/4 gives EXIT normal; an unknown one: badarg.
test_spawn() {
    local name=dist-spawn out
    if ! dist_boot $name; then
        fail "$name: Armada did not come up on epmd"
    else
        out=$(peer beam armadacookie -- spawn armada@127.0.0.1)
        if grep -qx "reply 'armada@127.0.0.1' got" <<< "$out" && grep -qx 'ring normal' <<< "$out" &&
           grep -qx 'linked normal' <<< "$out" && grep -q "^unknown {'EXIT',$" <<< "$out" &&
           grep -qA1 "^unknown" <<< "$out" && grep -q '{badarg,' <<< "$out" &&
           grep -qaE 'dist: armada:ring\(1000\): the token went around in [0-9]+ us' "$log" &&
           grep -qa 'dist: spawn of nomodule:nofun refused: no such entry point here' "$log"; then
            pass "$name: spawn(armada, reply, [Pid, T]) sent T back; spawn_monitor(armada, ring, [1000]): DOWN normal ($(grep -ao 'went around in [0-9]* us' "$log")); spawn_link: EXIT normal; an unknown entry point: badarg, and said so"
        else
            fail "$name: $(head -5 <<< "$out" | tr '\n' ' ') / $(grep -a 'dist:' "$log" | tr '\n' ' ')"
        fi
    fi
    panicked "$log" && fail "$name: a panic in $log"
    stop "$qemu_pid"; stop "$epmd_pid"
}

# 11b. Remote pids are pids: armada:first_class/3 (tests/image/dist_first_class.c)
#     uses two BEAM pids through plain send/link/unlink/monitor/demonitor
#     (a term and raw bytes out, the answer's info.from, DOWN and EXIT with
#     the foreign reason, nothing after unlink/demonitor) and a pid on a node
#     nobody runs (send refused, noconnection), and reports each check.
test_first_class() {
    local name=dist-first-class out bad="" c
    if ! dist_boot $name; then
        fail "$name: Armada did not come up on epmd"
    else
        out=$(peer beam armadacookie -- firstclass armada@127.0.0.1)
        for c in remote_pids link_monitor send_term answer answer_from_peer send_bytes down exit tell_doomed \
                 unlink_demonitor unreachable; do
            grep -qx "firstclass $c ok" <<< "$out" || bad="$bad $c"
        done
        grep -qx 'doomed crash' <<< "$out" || bad="$bad doomed"
        if [ -z "$bad" ]; then
            pass "$name: BEAM pids through send/link/unlink/monitor/demonitor: a term and a binary out, the answer from the peer's pid, DOWN and EXIT with {shutdown,bye}, none after unlink/demonitor, noconnection for a node nobody runs"
        else
            fail "$name: failed:$bad / $(tr '\n' ' ' <<< "$out") / $(grep -a 'dist:' "$log" | tr '\n' ' ')"
        fi
    fi
    panicked "$log" && fail "$name: a panic in $log"
    stop "$qemu_pid"; stop "$epmd_pid"
}

# 11c. Exit signals across nodes (armada:signals/3, tests/image/dist_signals.c):
#     a BEAM process's {shutdown, foo} reaches Armada as the term itself, by
#     monitor and by link; Armada's kill() of a BEAM pid gives that pid's
#     monitor killed (EXIT2 kill); BEAM's exit(P, {shutdown, bar}) reaches the
#     trapping Armada process with its term, a linked BEAM process that
#     calls exit(kill) reaches it as {'EXIT', K, kill} (a reason like any
#     other through a link), and exit(P, kill) kills it anyway.
test_signals() {
    local name=dist-signals out
    if ! dist_boot $name; then
        fail "$name: Armada did not come up on epmd"
    else
        out=$(peer beam armadacookie -- signals armada@127.0.0.1)
        if grep -qx 'signals {shutdown,foo} {shutdown,foo} true' <<< "$out" && grep -qx 'victim killed' <<< "$out" &&
           grep -qx '{exit2,{shutdown,bar}}' <<< "$out" && grep -qx '{linked_kill,kill}' <<< "$out" &&
           grep -qx 'armada alive true' <<< "$out" &&
           grep -qx 'armada killed' <<< "$out"; then
            pass "$name: {shutdown,foo} reached Armada as that term by DOWN and EXIT; Armada's kill() of a BEAM pid: its monitor saw killed; BEAM's exit/2 {shutdown,bar} reached the trapping Armada process as that term, a linked BEAM process's exit(kill) as {'EXIT', K, kill}, and exit(P, kill) killed it: DOWN killed"
        else
            fail "$name: $(tr '\n' ' ' <<< "$out") / $(grep -a 'dist:' "$log" | tr '\n' ' ')"
        fi
    fi
    panicked "$log" && fail "$name: a panic in $log"
    stop "$qemu_pid"; stop "$epmd_pid"
}

# 11d. Sends never wait for a handshake: a node that takes Armada's call and
#     never answers it (tests/qemu/dist-stall-peer.py). armada:no_wait/2's
#     send, link and monitor to a process there each return at once (under
#     100 ms: before, the send waited out the handshake, 7 s); when Armada
#     gives the call up, the link and the monitor get noconnection and the
#     queued message is said to be lost.
test_send_no_wait() {
    local name=dist-send-no-wait out stall_log=build/test-logs/dist-send-no-wait-stall.log send_ms hold_ms
    if ! dist_boot $name; then
        fail "$name: Armada did not come up on epmd"
    else
        : > "$stall_log"
        timeout "$STEP" python3 tests/qemu/dist-stall-peer.py "$epmd_port" stall@127.0.0.1 "$STEP" > "$stall_log" 2>&1 &
        local stall=$!
        pids+=("$stall")
        if ! wait_for "$stall_log" '^registered|^timeout' 10 || ! grep -qx registered "$stall_log"; then
            fail "$name: the stalling peer did not register: $(tr '\n' ' ' < "$stall_log")"
        else
            out=$(peer beam armadacookie -- nowait armada@127.0.0.1 stall@127.0.0.1)
            read -r send_ms hold_ms <<< "$(sed -n 's/^nowait \([0-9]*\) \([0-9]*\) noconnection noconnection$/\1 \2/p' <<< "$out")"
            if [ -n "$send_ms" ] && [ "$send_ms" -lt 100 ] && [ "$hold_ms" -lt 100 ] &&
               grep -qx 'called by armada@127.0.0.1' "$stall_log" &&
               grep -qa 'dist: 1 message(s) queued for stall@127.0.0.1 lost: no connection' "$log"; then
                pass "$name: to a node whose handshake stalls: send returned in $send_ms ms, link + monitor in $hold_ms ms; when the call was given up, the link and the monitor got noconnection and the queued message was said lost"
            else
                fail "$name: $(tr '\n' ' ' <<< "$out") / $(tr '\n' ' ' < "$stall_log") / $(grep -a 'dist:' "$log" | tr '\n' ' ')"
            fi
        fi
        stop "$stall"
        # Senders killed while they hold a node's entry let it go (kill_defer).
        out=$(peer beam armadacookie -- heldkill armada@127.0.0.1)
        if grep -qx '{held_kill,20}' <<< "$out" && wait_for "$log" 'dist: 1 message\(s\) queued for last@127.0.0.1 lost' 10 &&
           ! grep -qa 'nodes are connected or connecting already' "$log"; then
            pass "$name-held-kill: 20 senders killed while holding a node's entry died after letting it go: a 21st node could still be called"
        else
            fail "$name-held-kill: $(tr '\n' ' ' <<< "$out") / $(grep -a 'dist:' "$log" | tail -5 | tr '\n' ' ')"
        fi
    fi
    panicked "$log" && fail "$name: a panic in $log"
    stop "$qemu_pid"; stop "$epmd_pid"
}

# 12. An Armada process monitors BEAM processes: one exits {shutdown, bye}
#     and the DOWN's reason reaches Armada (which sends it back to the BEAM's
#     collector); then the BEAM node is killed under the other monitor, and
#     Armada's monitoring process gets DOWN noconnection.
test_armada_monitors() {
    local name=dist-armada-monitors beam_log=build/test-logs/dist-armada-monitors-beam.log
    if ! dist_boot $name; then
        fail "$name: Armada did not come up on epmd"
    else
        peer_bg "$beam_log" beam -- monitored armada@127.0.0.1
        local beam=$peer_pid
        if wait_for "$beam_log" '^ready$|exception error' "$STEP" && grep -qx 'collected {shutdown,bye}' "$beam_log"; then
            stop "$beam" # the whole BEAM node goes, with the monitored process on it
            if wait_for "$log" 'dist: a process on beam@127.0.0.1 that we monitored: DOWN noconnection' 20; then
                pass "$name: an Armada monitor on a BEAM process: DOWN {shutdown,bye}; the BEAM node killed: DOWN noconnection"
            else
                fail "$name: no noconnection DOWN: $(grep -a 'dist:' "$log" | tr '\n' ' ')"
            fi
        else
            fail "$name: $(tr '\n' ' ' < "$beam_log") / $(grep -a 'dist:' "$log" | tr '\n' ' ')"
        fi
        stop "$beam"
    fi
    panicked "$log" && fail "$name: a panic in $log"
    stop "$qemu_pid"; stop "$epmd_pid"
}

# 13. Malformed packets close that connection only: a hand-made peer
#     (tests/qemu/dist-raw-peer.py) does the handshake, then sends a control
#     message that is no term, a 4 GiB length, a packet without its type; each
#     time Armada says so and closes, and a BEAM node's ping still gets pong.
test_malformed() {
    local name=dist-malformed out ok=1 kind
    if ! dist_boot $name; then
        fail "$name: Armada did not come up on epmd"
    else
        for kind in garbage huge untagged; do
            out=$(timeout "$STEP" python3 tests/qemu/dist-raw-peer.py "$dist_port" "raw-$kind@127.0.0.1" armadacookie "$kind" 2>&1)
            grep -qx 'closed by armada' <<< "$out" || { ok=0; echo "  $kind: $out"; }
        done
        out=$(peer beam armadacookie -- ping armada@127.0.0.1)
        grep -qx 'ping pong' <<< "$out" || ok=0
        grep -qa 'dist: raw-garbage@127.0.0.1 sent a malformed control message' "$log" || ok=0
        grep -qa 'dist: raw-huge@127.0.0.1 sent a packet of 4294967295 bytes' "$log" || ok=0
        grep -qa 'dist: raw-untagged@127.0.0.1 sent a packet of type 1' "$log" || ok=0
        if [ $ok = 1 ]; then
            pass "$name: a control message that is no term, a 4 GiB length, a packet without its type: each closed its own connection with a log line; a BEAM node's ping then: pong"
        else
            fail "$name: $out / $(grep -a 'dist:' "$log" | tr '\n' ' ')"
        fi
    fi
    panicked "$log" && fail "$name: a panic in $log"
    stop "$qemu_pid"; stop "$epmd_pid"
}

# 15. Armada processes link to BEAM processes (dist_link): the BEAM end's
#     {shutdown, bye} is an exit signal that ends the Armada end (it does not
#     trap: it dies of that reason, EXIT_REMOTE); a BEAM process linked to an
#     Armada process X that dies so gets X's EXIT with {shutdown, bye} itself
#     (the chain P1 - X - P2, as in an all-BEAM cluster), and a 2 000-byte
#     reason the same way (a long reason page); then the BEAM node
#     killed under the last link ends that one too (noconnection).
test_armada_links() {
    local name=dist-armada-links beam_log=build/test-logs/dist-armada-links-beam.log
    local ended='dist: an Armada process linked to another node.s ended: '
    if ! dist_boot $name; then
        fail "$name: Armada did not come up on epmd"
    else
        peer_bg "$beam_log" beam -- linked armada@127.0.0.1
        local beam=$peer_pid
        if wait_for "$beam_log" '^ready$|exception error' "$STEP" && grep -qx 'second linked' "$beam_log" &&
           grep -qx 'chain {shutdown,bye}' "$beam_log" && grep -qx 'longchain true' "$beam_log" &&
           wait_for "$log" "${ended}remote" 10; then
            sleep 1 # the chains' Xs, logged just after the first
            local before
            before=$(grep -caE "${ended}remote" "$log")
            stop "$beam"
            wait_for "$log" "${ended}noconnection" 20
            if [ "$before" = 3 ] && [ "$(grep -caE "$ended" "$log")" = 4 ] &&
               [ "$(grep -caE "${ended}noconnection" "$log")" = 1 ]; then
                pass "$name: the BEAM end's {shutdown,bye} ended its Armada end (EXIT_REMOTE, its own reason); a BEAM process linked to an Armada process that died so got {'EXIT',X,{shutdown,bye}}, and a 2000-byte reason whole; the BEAM node killed: the last Armada end ended of noconnection"
            else
                fail "$name: $before remote ends then $(grep -caE "$ended" "$log") ends: $(grep -a 'dist:' "$log" | tr '\n' ' ')"
            fi
        else
            fail "$name: $(tr '\n' ' ' < "$beam_log") / $(grep -a 'dist:' "$log" | tr '\n' ' ')"
        fi
        stop "$beam"
    fi
    panicked "$log" && fail "$name: a panic in $log"
    stop "$qemu_pid"; stop "$epmd_pid"
}

# 16. ps shows the links and monitors with other nodes: a BEAM process links
#     to and monitors an Armada worker, an Armada process monitors a BEAM one
#     (monitor_me); the shell's ps lists each under its Armada process, with
#     the BEAM pid as <beam@127.0.0.1.I.S>.
test_ps_remote() {
    local name=dist-ps-remote beam_log=build/test-logs/dist-ps-remote-beam.log
    start_epmd || { fail "$name: no epmd"; return; }
    dist_port=$(free_port)
    boot_tty $name "$dist_port" "node=armada@127.0.0.1 cookie=armadacookie dist.port=$dist_port epmd=$epmd_port dist.ticktime=12"
    if ! wait_for "$log" 'dist: epmd gives out armada|dist: epmd (registration|lookup)' ||
       ! wait_for "$log" 'armada shell' 10; then
        fail "$name: Armada did not come up: $(grep -a 'dist:' "$log" | tr '\n' ' ')"
    else
        peer_bg "$beam_log" beam -kernel net_ticktime 12 -- pslinks armada@127.0.0.1
        local beam=$peer_pid
        if ! wait_for "$beam_log" '^ready$|exception error' "$STEP" || ! grep -qx ready "$beam_log"; then
            fail "$name: $(tr '\n' ' ' < "$beam_log")"
        else
            local worker holder watched seen want bad=""
            worker=$(sed -n 's/^worker //p' "$beam_log"); holder=$(sed -n 's/^holder //p' "$beam_log")
            watched=$(sed -n 's/^watched //p' "$beam_log")
            printf 'ps\r' >&"$tty_fd"
            wait_for "$log" '^[0-9]+ process\(es\)' 10
            # "ROW KIND REMOTE" for each remote line, ROW the Armada pid above it (watcher_main's: "watcher")
            seen=$(tr -d '\r' < "$log" | sed -n '/^ *pid  *state/,/process(es)$/p' | awk '
                /^</ { row = index($0, "watcher_main()") ? "watcher" : $1 }
                /^ +(link|monitors|monitored by) +</ { sub(/^ +/, ""); gsub(/ +/, " "); print row " " $0 }')
            for want in "<$worker> link <beam@127.0.0.1.$holder>" "<$worker> monitored by <beam@127.0.0.1.$holder>" \
                        "watcher monitors <beam@127.0.0.1.$watched>"; do
                grep -qxF "$want" <<< "$seen" || bad="$bad [$want]"
            done
            if [ -z "$bad" ]; then
                pass "$name: ps lists the BEAM link and monitor under the Armada worker <$worker> (link, monitored by <beam@127.0.0.1.$holder>) and the Armada watcher's monitor of <beam@127.0.0.1.$watched>"
            else
                fail "$name: missing:$bad; ps's remote lines: $(tr '\n' ';' <<< "$seen")"
            fi
            # A peer that floods echo and never reads: its connection process
            # is stuck writing to it, so ps says it left that one out; after
            # the tick time with none of our data taken, it is down.
            local deaf_log=build/test-logs/$name-deaf.log
            timeout "$STEP" python3 tests/qemu/dist-raw-peer.py "$dist_port" deaf@127.0.0.1 armadacookie deaf \
                > "$deaf_log" 2>&1 &
            local deaf=$!
            pids+=("$deaf")
            if wait_for "$deaf_log" '^flooding|^status|^bad' 10 && grep -qx flooding "$deaf_log"; then
                local stuck='^ps: the connection to deaf@127\.0\.0\.1 did not answer in 1000 ms: its links and monitors are left out' tries
                for tries in 1 2 3 4 5 6 7 8; do # until the buffers on the way (the host's grow to MBs) are full
                    printf 'ps\r' >&"$tty_fd"
                    wait_for "$log" "$stuck" 2 && break
                done
                if ! grep -qaE "$stuck" "$log"; then
                    fail "$name-stuck: no ps line for the stuck connection: $(tr -d '\r' < "$log" | grep -a '^ps:\|dist:' | tr '\n' ' ')"
                elif wait_for "$log" 'dist: deaf@127\.0\.0\.1 took none of our data for 12000 ms: connection down' 20 &&
                     wait_for "$log" 'dist: deaf@127\.0\.0\.1 disconnected' 5; then
                    pass "$name-stuck: a connection stuck writing to a peer that never reads is left out of ps, and ps says so; after the tick time (12 s) with none of our data taken, the connection is down"
                else
                    fail "$name-stuck: the stuck connection was not given up: $(tr -d '\r' < "$log" | grep -a '^ps:\|dist:' | tr '\n' ' ')"
                fi
            else
                fail "$name-stuck: the deaf peer did not start: $(tr '\n' ' ' < "$deaf_log")"
            fi
            stop "$deaf"
        fi
        stop "$beam"
    fi
    panicked "$log" && fail "$name: a panic in $log"
    stop "$qemu_pid"; stop "$epmd_pid"
    exec {tty_fd}>&-; rm -f "build/test-logs/$name.in"
}

# 17. Simultaneous connects (tests/qemu/dist-simul-peer.py, a hand-made
#     node): Armada calls it (dping typed on the console) and, with that call
#     held in its handshake, it calls Armada. As OTP rules, the connection
#     called by the greater name survives: zzz's own (Armada answers it
#     ok_simultaneous and gives up its call on nok), or, for aaa, Armada's
#     (Armada answers aaa's nok). Either way one connection carries on: the
#     ping sent while both were in their handshake gets pong, Armada's echo
#     answers through it, `nodes` lists the peer once, and the other closes.
#     zzy finishes its own call first, then answers Armada's with "alive", as
#     a node does whose connection came up first (seen between two Armada
#     nodes): Armada's call is no longer the pending one, so it says false
#     (OTP's is_pending) instead of true, which made the peer drop the one
#     good connection.
test_simultaneous() {
    local name=dist-simultaneous peer_log bad="" who
    start_epmd || { fail "$name: no epmd"; return; }
    dist_port=$(free_port)
    boot_tty $name "$dist_port" "node=armada@127.0.0.1 cookie=armadacookie dist.port=$dist_port epmd=$epmd_port"
    if ! wait_for "$log" 'dist: epmd gives out armada|dist: epmd (registration|lookup)' ||
       ! wait_for "$log" 'armada shell' 10; then
        fail "$name: Armada did not come up: $(grep -a 'dist:' "$log" | tr '\n' ' ')"
    else
        for who in zzz aaa zzy; do
            peer_log=build/test-logs/$name-$who.log
            : > "$peer_log"
            local mode=""
            [ $who = zzy ] && mode=alive
            timeout "$STEP" python3 tests/qemu/dist-simul-peer.py "$epmd_port" "$dist_port" "$who@127.0.0.1" \
                armadacookie $mode > "$peer_log" 2>&1 &
            local peer=$!
            pids+=("$peer")
            if ! wait_for "$peer_log" '^registered|^timeout|^epmd' 10; then
                bad="$bad [$who: did not register: $(tr '\n' ' ' < "$peer_log")]"
                stop "$peer"; continue
            fi
            local pongs_before
            pongs_before=$(tr -d '\r' < "$log" | grep -c '^pong$')
            printf 'dping %s@127.0.0.1\r' "$who" >&"$tty_fd"
            wait_for "$peer_log" '^other closed|^timeout' "$STEP"
            printf 'nodes\r' >&"$tty_fd"
            wait_for "$log" '^  '"$who"'@127\.0\.0\.1' 5
            local status survivor connected
            [ $who != aaa ] && status=ok_simultaneous survivor=called-by-us connected='it called us' ||
                               status=nok survivor=called-by-armada connected='we called it'
            local wants=("status $status" 'echo answered' "survivor $survivor" 'other closed')
            [ $who = zzy ] && wants+=('alive answer false')
            for want in "${wants[@]}"; do
                grep -qx "$want" "$peer_log" || bad="$bad [$who: no '$want': $(tr '\n' ' ' < "$peer_log")]"
            done
            [ "$(tr -d '\r' < "$log" | grep -c '^pong$')" = $((pongs_before + 1)) ] || bad="$bad [$who: no pong]"
            [ "$(grep -ac "dist: $who@127.0.0.1 connected (" "$log")" = 1 ] &&
                grep -qa "dist: $who@127.0.0.1 connected ($connected)" "$log" || bad="$bad [$who: not one connection, '$connected']"
            tr -d '\r' < "$log" | grep -qx "  $who@127.0.0.1" || bad="$bad [$who: not in nodes]"
            stop "$peer"
        done
        grep -qa 'dist: zzz@127.0.0.1 calls us as we call it: its connection wins' "$log" || bad="$bad [no ok_simultaneous line]"
        grep -qa 'dist: connection to zzz@127.0.0.1 given up: it calls us at the same time' "$log" || bad="$bad [no given-up line]"
        grep -qa 'dist: connection from aaa@127.0.0.1 refused: we call it at the same time, and our connection wins' "$log" ||
            bad="$bad [no nok line]"
        if [ -z "$bad" ]; then
            pass "$name: zzz (the greater name) and Armada called each other: Armada said ok_simultaneous and gave up its own call on nok; aaa (the lesser): Armada said nok and kept its call; zzy, whose own call came up first, answered Armada's with alive: Armada said false (its call no longer pending) and relayed to zzy's; each time one connection, the ping sent meanwhile got pong, the echo answered through it, nodes listed the peer once"
        else
            fail "$name:$bad / $(grep -a 'dist:' "$log" | tr '\n' ' ')"
        fi
    fi
    panicked "$log" && fail "$name: a panic in $log"
    stop "$qemu_pid"; stop "$epmd_pid"
    exec {tty_fd}>&-; rm -f "build/test-logs/$name.in"
}

# 18. A node that calls again while its first connection is up (restarted,
#     its old connection's end not seen here yet): Armada answers "alive";
#     "true" from the peer replaces the old connection, "false" keeps it
#     (tests/qemu/dist-raw-peer.py again-true / again-false).
test_alive() {
    local name=dist-alive out bad=""
    if ! dist_boot $name; then
        fail "$name: Armada did not come up on epmd"
    else
        out=$(timeout "$STEP" python3 tests/qemu/dist-raw-peer.py "$dist_port" again@127.0.0.1 armadacookie again-true 2>&1)
        grep -qx 'second status alive' <<< "$out" && grep -qx replaced <<< "$out" || bad="$bad [true: $(tr '\n' ' ' <<< "$out")]"
        wait_for "$log" 'dist: again@127.0.0.1: this connection was replaced by a new one' 10 || bad="$bad [no replaced line]"
        out=$(timeout "$STEP" python3 tests/qemu/dist-raw-peer.py "$dist_port" again2@127.0.0.1 armadacookie again-false 2>&1)
        grep -qx 'second status alive' <<< "$out" && grep -qx kept <<< "$out" || bad="$bad [false: $(tr '\n' ' ' <<< "$out")]"
        grep -qa 'dist: connection from again2@127.0.0.1 refused: it is connected already' "$log" || bad="$bad [no refused line]"
        out=$(peer beam armadacookie -- ping armada@127.0.0.1)
        grep -qx 'ping pong' <<< "$out" || bad="$bad [ping: $out]"
        if [ -z "$bad" ]; then
            pass "$name: a second call from a connected node: alive; true replaced the old connection (Armada closed it), false kept it (the new one refused); a BEAM ping then: pong"
        else
            fail "$name:$bad / $(grep -a 'dist:' "$log" | tr '\n' ' ')"
        fi
    fi
    panicked "$log" && fail "$name: a panic in $log"
    stop "$qemu_pid"; stop "$epmd_pid"
}

# 19. Packets and messages too long to keep: BEAM sends Armada's echo a
#     100 000-byte binary (a packet over DIST_PACKET_MAX: dropped as it
#     streams in), an 8 000-byte one (a message over DIST_MSG_TERM_MAX), then
#     small: each drop logged with its size and counted, the connection stays
#     up, and small is the one answer.
test_big_packet() {
    local name=dist-big-packet out
    if ! dist_boot $name; then
        fail "$name: Armada did not come up on epmd"
    else
        out=$(peer beam armadacookie -- big armada@127.0.0.1)
        if grep -qx 'first small' <<< "$out" && grep -qx "nodes \['armada@127.0.0.1'\]" <<< "$out" &&
           ! grep -q '^later' <<< "$out" &&
           grep -qaE 'dist: beam@127.0.0.1 sent a packet of 1000[0-9]{2} bytes \(at most 16380 kept here\): dropped \([0-9]+ dropped so far\)' "$log" &&
           grep -qaE 'dist: a message of 80[0-9]{2} bytes from beam@127.0.0.1 dropped: one Armada message carries at most 3992 \([0-9]+ dropped so far\)' "$log" &&
           [ "$(grep -ac 'dist: beam@127.0.0.1 connected' "$log")" = 1 ] &&
           [ "$(grep -ao 'bytes from beam@127.0.0.1 dropped.*(\([0-9]*\) dropped' "$log" | grep -o '[0-9]* dropped$' | cut -d' ' -f1)" = \
             "$(($(grep -ao 'kept here): dropped ([0-9]*' "$log" | grep -o '[0-9]*$') + 1))" ]; then
            pass "$name: $(grep -ao 'a packet of [0-9]* bytes' "$log") and $(grep -ao 'a message of [0-9]* bytes' "$log"): each dropped, logged and counted; the connection stayed up and the small message after them was answered first"
        else
            fail "$name: $(tr '\n' ' ' <<< "$out") / $(grep -a 'dist:' "$log" | tr '\n' ' ')"
        fi
    fi
    panicked "$log" && fail "$name: a panic in $log"
    stop "$qemu_pid"; stop "$epmd_pid"
}

# 14. The boot words without what they need: node= on a machine without a
#     NIC, and node= without cookie=: one line each, and the shell still starts.
test_boot_words() {
    local r=0
    bash tests/qemu/qemu-run.sh dist-no-network --smp 2 --timeout "$T" --append "node=armada@127.0.0.1 cookie=c" \
        --expect 'dist: node=armada@127.0.0.1 given, but there is no network: not starting the distribution' \
        --stop-on 'armada shell' || r=1
    local port
    port=$(free_port)
    bash tests/qemu/qemu-run.sh dist-no-cookie --smp 2 --timeout "$T" --append "node=armada@127.0.0.1" \
        --expect 'dist: node=armada@127.0.0.1 given without cookie=: not starting the distribution' \
        --reject 'dist: registered' --stop-on 'armada shell' \
        -- -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$port-:$port" -device virtio-net-device,netdev=n0 || r=1
    [ $r = 0 ] || status=1
}

# DIST_TESTS="test_ping test_ticks" runs some (while working on one).
for t in ${DIST_TESTS:-test_epmd_register test_epmd_unreachable test_epmd_name_taken test_ping test_echo_terms
                       test_wrong_cookie test_ticks test_connect_out test_two_armadas test_armadas_call_each_other test_links_monitors test_spawn
                       test_first_class test_signals test_send_no_wait test_armada_monitors test_armada_links test_malformed test_ps_remote test_simultaneous test_alive test_big_packet test_boot_words}; do
    start=$SECONDS
    "$t"
    echo "time $t $((SECONDS - start)) s" # the group log only: not a result line
done
exit $status
