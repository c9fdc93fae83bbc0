#!/usr/bin/env bash
# Boot the image on damaged device trees (tools/dt-mutate), through the
# stand-in loader, and judge each boot:
#   dtboot.sh list [KIND...]    every named kind (seed 1), and flip-struct seeds 1-8
#   dtboot.sh random COUNT [FIRST]  COUNT random mutations, seeds FIRST.. (make fuzz-boot)
# A boot passes when the image either runs (its test powers off, or it reaches
# the shell) or stops with a message ("... Halted."), printing every problem
# that Armada's own DT reader, run on the host over the same blob, finds in it.
# A timeout, a panic or an unexpected exception fails it. A tree that leaves no
# console at all cannot be heard: that boot must halt without taking any fault
# (QEMU's exception log, -d int, must show none). Two boots run at a time.
# PASS/FAIL lines only; trees, expectations and logs in build/dtboot/.
set -uo pipefail
cd "$(dirname "$0")/../.."
mode=${1:-list}; shift || true
out=build/dtboot
mkdir -p "$out" build/test-logs
mutate=build/tools/dt-mutate
base=build/dts/virt-mutate-base.dtb
T=${DTBOOT_TIMEOUT:-60}
make --no-print-directory -s "$mutate" "$base" build/tests/stub.bin build/armada.img >/dev/null ||
    { echo "FAIL dtboot-build: cannot build dt-mutate, the base tree or the image"; exit 1; }

qemu_silent() { # TREE INTLOG: boot with no console, 8 s, exceptions logged
    timeout -k 2 8 qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a72 -smp 4 -m 512M \
        -nographic -net none -monitor none -serial null -d int -D "$2" \
        -device "loader,file=$1,addr=0x48000000,force-raw=on" \
        -device "loader,file=build/armada.img,addr=0x40200000,force-raw=on" \
        -device "loader,file=build/tests/stub.bin,addr=0x40100000,cpu-num=0,force-raw=on" \
        < /dev/null > /dev/null 2>&1
}

boot_one() { # KIND SEED: one verdict line
    local kind=$1 seed=$2 name="dtboot-$1-$2"
    local tree=$out/$name.dtb expect=$out/$name.expect
    if ! "$mutate" "$base" "$tree" "$kind" "$seed" > "$expect" 2> "$out/$name.err"; then
        echo "FAIL $name: dt-mutate failed: $(head -1 "$out/$name.err")"; return
    fi
    local what; what=$(sed -n 's/^kind: //p' "$expect")
    if grep -qx 'console: none' "$expect"; then
        local intlog=$out/$name.int.log
        qemu_silent "$tree" "$intlog"
        local fault; fault=$(grep -E -m1 'Taking exception [0-9]+ \[(Data Abort|Prefetch Abort|Undefined Instruction|Alignment|SError|Illegal|Breakpoint)' "$intlog")
        if [ -n "$fault" ]; then
            echo "FAIL $name ($what): no console, and the image took a fault: $fault (log: $intlog)"
        else
            echo "PASS $name ($what): the tree leaves no console; the image halted silently, without a fault"
        fi
        return
    fi
    local verdict
    verdict=$(bash tests/qemu/qemu-run.sh "$name" --loader-dtb "$tree" --timeout "$T" \
        --stop-on 'Halted\.|halted|armada shell: type help')
    case $verdict in PASS*) ;; *) echo "$verdict ($what)"; return ;; esac
    local log=build/test-logs/$name.log missing=""
    while IFS= read -r line; do
        tr -d '\r' < "$log" | grep -cF -- "$line" > /dev/null || { missing=$line; break; }
    done < <(sed -n 's/^error: //p' "$expect")
    if [ -n "$missing" ]; then
        echo "FAIL $name ($what): the boot log does not say \"$missing\", which the DT reader finds (log: $log)"
    else
        echo "PASS $name ($what): $(grep -c '^error: ' "$expect") problem(s) reported ${verdict#PASS $name }"
    fi
}

jobs_list=()
case $mode in
    list)
        kinds=("$@"); [ ${#kinds[@]} -gt 0 ] || mapfile -t kinds < <("$mutate" --list)
        for k in "${kinds[@]}"; do
            if [ "$k" = flip-struct ]; then for s in 1 2 3 4 5 6 7 8; do jobs_list+=("$k $s"); done
            else jobs_list+=("$k 1"); fi
        done ;;
    random)
        count=${1:?usage: dtboot.sh random COUNT [FIRST]}; first=${2:-1}
        for ((i = first; i < first + count; i++)); do jobs_list+=("random-$i $i"); done ;;
    *) echo "FAIL dtboot: unknown mode $mode (list, random)"; exit 1 ;;
esac

results=$out/results.$$
: > "$results"
running=0
for j in "${jobs_list[@]}"; do
    # shellcheck disable=SC2086
    boot_one $j >> "$results" &
    running=$((running + 1))
    if [ "$running" -ge "${DTBOOT_JOBS:-2}" ]; then wait -n; running=$((running - 1)); fi
done
wait
sort "$results"
! grep -q '^FAIL ' "$results"
rc=$?
rm -f "$results"
exit $rc
