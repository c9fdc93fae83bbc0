#!/usr/bin/env bash
# An exact instruction profile of one iteration of a benchmark loop: QEMU virt
# (one Cortex-A72 core by default, -icount shift=0) halted with a gdb stub,
# gdb-multiarch single-stepping from a function's entry to its next entry
# (tools/insn-trace.py), every PC mapped to its function. Prints instructions
# per function, the flow, and with --listing every instruction.
#
#   tools/insn-trace.sh PRESET [options]     or     tools/insn-trace.sh --at SYM [options]
#   presets (bench=sched_uncontended):
#     yield      one yield-to-yield switch between the two yielders
#     spawn      one spawn + exit iteration of measure_spawn (spawn_opt to spawn_opt)
#     roundtrip  one same-core round trip (send to send, twice)
#     ring       one pinned ring hop (send to send)
#     roundtrip2 one two-core round trip (send to send on the core that sends
#                first, both cores' instructions: --cores on two cores)
#   options:
#     --at SYM       the iteration starts at SYM's entry ([FILE:]SYM[+OFF] or 0x...; FILE
#                    picks one of several static functions of that name)
#     --arm SYM      first run to SYM once (to pick the loop that calls --at)
#     --skip N       warm-up: iterations let run before the trace (default 10)
#     --iters N      iterations traced (default 1)
#     --listing      every instruction, with its disassembly
#     --append A     boot arguments (default bench=sched_uncontended)
#     --smp N --cpu C --image F --elf F   (default 1, cortex-a72, build/armada.{img,elf})
#     --out F        also write the report to F
#     --cores        every core's instructions, none stepped: QEMU's exec log, one
#                    instruction per translation block, from one entry of SYM to
#                    the next on the same core (exact under -icount too: each
#                    core's count is what it ran; build/test-logs/insn-trace-exec.log)
# Console log: build/test-logs/insn-trace.log. Each stepi is a gdb round trip
# (a few ms): a thousand instructions take seconds.
set -uo pipefail
cd "$(dirname "$0")/.."
smp=1; cpu=cortex-a72; image=build/armada.img; elf=build/armada.elf
append=bench=sched_uncontended; arm=""; at=""; skip=10; iters=1; listing=0; out=""; cores=0
case ${1:-} in
    yield) arm=bench_sched.c:yielder; at=yield; skip=100; shift ;;
    spawn) arm=measure_spawn; at=spawn_opt; skip=50; shift ;;
    roundtrip) arm=measure_round_trip_same; at=send; skip=40; iters=2; shift ;;
    ring) arm=measure_ring; at=send; skip=3000; shift ;;
    roundtrip2) arm=measure_round_trip_cross; at=send; skip=40; iters=2; smp=2; cores=1; shift ;;
esac
while [ $# -gt 0 ]; do
    case $1 in
        --at) at=$2; shift 2 ;;
        --arm) arm=$2; shift 2 ;;
        --skip) skip=$2; shift 2 ;;
        --iters) iters=$2; shift 2 ;;
        --listing) listing=1; shift ;;
        --append) append=$2; shift 2 ;;
        --smp) smp=$2; shift 2 ;;
        --cpu) cpu=$2; shift 2 ;;
        --image) image=$2; shift 2 ;;
        --elf) elf=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --cores) cores=1; shift ;;
        *) echo "insn-trace.sh: unknown option $1 (see the comment at the top)" >&2; exit 2 ;;
    esac
done
[ -n "$at" ] || { echo "insn-trace.sh: a preset or --at SYM is needed" >&2; exit 2; }
[ -f "$image" ] && [ -f "$elf" ] || { echo "insn-trace.sh: $image or $elf missing (make all)" >&2; exit 2; }
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p build/test-logs
log=build/test-logs/insn-trace.log
exec_log=build/test-logs/insn-trace-exec.log
exec_opts=()
[ "$cores" = 1 ] && rm -f "$exec_log" && exec_opts=(-accel tcg,one-insn-per-tb=on -d nochain -D "$exec_log")
qemu-system-aarch64 -M virt,gic-version=3 -cpu "$cpu" -smp "$smp" -m 512M -display none -monitor none \
    -net none -serial "file:$log" -kernel "$image" -append "$append" -icount shift=0 "${exec_opts[@]}" \
    -gdb "tcp:127.0.0.1:$port" -S &
qemu=$!
trap 'kill "$qemu" 2>/dev/null; wait "$qemu" 2>/dev/null' EXIT
IT_ELF=$elf IT_PORT=$port IT_ARM=$arm IT_AT=$at IT_SKIP=$skip IT_ITERS=$iters IT_LISTING=$listing IT_OUT=$out IT_CORES=$cores \
    timeout 600 gdb-multiarch -q -nx -batch -x tools/insn-trace.py || exit 1
if [ "$cores" = 1 ]; then
    kill "$qemu" 2>/dev/null; wait "$qemu" 2>/dev/null # the log complete before we read it
    IT_ELF=$elf IT_LISTING=$listing IT_OUT=$out python3 tools/insn_report.py "$exec_log" "$at" "$iters"
fi
