#!/usr/bin/env bash
# Boot the image once under QEMU, with a timeout, and judge the run.
#
#   qemu-run.sh NAME [options] -- [extra QEMU args]
#     --machine M    (default virt,gic-version=3)   --cpu C (default cortex-a72)
#     --smp S        (default 4)                    --mem M (default 512M)
#     --append A     boot arguments                 --timeout S (default 120)
#     --image F      (default build/armada.img)     --dtb F  pass our own DTB
#     --loader-dtb F load F at a fixed address and start through tests/qemu/stub
#                    (for blobs QEMU itself refuses to load, e.g. truncated ones)
#     --expect RE    the output must match RE (extended regex), repeatable
#     --reject RE    the output must not match RE, repeatable
#     --count RE N   exactly N lines of the output match RE
#     --stop-on RE   end the run (kill QEMU) once RE is seen: for boots that halt
#     --input TEXT   type TEXT on the serial line two seconds after start, a
#                    line (ending in a carriage return) every half second
#     --bios F       start firmware F (e.g. U-Boot) instead of -kernel: the image
#                    comes off a disk given after --
#     --serial-index N  the console is the machine's UART N; the ones before it
#                    go to null (raspi4b: 0 = PL011, 1 = mini UART)
#     --halts        the machine has no power-off (raspi4b: no PSCI): with
#                    --suite, the image's "halted" line ends the run in its place
#     --suite        an in-image test run: report every PASS/FAIL line the image
#                    printed (prefixed NAME/), and require its closing line and
#                    a power-off before the timeout
# Prints PASS/FAIL lines only; the full console log is build/test-logs/NAME.log.
set -uo pipefail
name=$1; shift
machine="virt,gic-version=3"; cpu=cortex-a72; smp=4; mem=512M; append=""; timeout=120
image=build/armada.img; dtb=""; loader_dtb=""; suite=0; stop_on=""; input=""
bios=""; serial_index=0; halts=0
expects=(); rejects=(); extra=(); count_re=""; count_n=""
while [ $# -gt 0 ]; do
    case $1 in
        --machine) machine=$2; shift 2 ;;
        --cpu) cpu=$2; shift 2 ;;
        --smp) smp=$2; shift 2 ;;
        --mem) mem=$2; shift 2 ;;
        --append) append=$2; shift 2 ;;
        --timeout) timeout=$2; shift 2 ;;
        --image) image=$2; shift 2 ;;
        --dtb) dtb=$2; shift 2 ;;
        --loader-dtb) loader_dtb=$2; shift 2 ;;
        --expect) expects+=("$2"); shift 2 ;;
        --reject) rejects+=("$2"); shift 2 ;;
        --count) count_re=$2; count_n=$3; shift 3 ;;
        --stop-on) stop_on=$2; shift 2 ;;
        --suite) suite=1; shift ;;
        --input) input=$2; shift 2 ;;
        --bios) bios=$2; shift 2 ;;
        --serial-index) serial_index=$2; shift 2 ;;
        --halts) halts=1; stop_on=${stop_on:-'no way to power off.*halted'}; shift ;;
        --) shift; extra=("$@"); break ;;
        *) echo "FAIL $name: qemu-run.sh: unknown option $1"; exit 1 ;;
    esac
done
mkdir -p build/test-logs
log=build/test-logs/$name.log
args=(-M "$machine" -cpu "$cpu" -smp "$smp" -m "$mem" -nographic -net none -monitor none)
for ((i = 0; i < serial_index; i++)); do args+=(-serial null); done
args+=(-serial stdio)
if [ -n "$bios" ]; then
    args+=(-bios "$bios")
elif [ -n "$loader_dtb" ]; then
    # A stand-in boot loader: x0 = the DTB's address, jump to the image.
    args+=(-device "loader,file=$loader_dtb,addr=0x48000000,force-raw=on"
           -device "loader,file=$image,addr=0x40200000,force-raw=on"
           -device "loader,file=build/tests/stub.bin,addr=0x40100000,cpu-num=0,force-raw=on")
else
    args+=(-kernel "$image")
    [ -n "$append" ] && args+=(-append "$append")
    [ -n "$dtb" ] && args+=(-dtb "$dtb")
fi
args+=("${extra[@]}")
echo "qemu-system-aarch64 ${args[*]}" > "$log"

start=$(date +%s)
feeder=""
if [ -n "$input" ]; then
    fifo=$(mktemp -u) && mkfifo "$fifo"
    qemu-system-aarch64 "${args[@]}" < "$fifo" >> "$log" 2>&1 &
    pid=$!
    { sleep 2
      rest=$input
      while [ -n "$rest" ]; do
          case $rest in
              *$'\r'*) printf '%s\r' "${rest%%$'\r'*}"; rest=${rest#*$'\r'}; sleep 0.5 ;;
              *) printf '%s' "$rest"; rest="" ;;
          esac
      done
      sleep "$timeout"; } > "$fifo" 2>/dev/null &
    feeder=$!
else
    qemu-system-aarch64 "${args[@]}" < /dev/null >> "$log" 2>&1 &
    pid=$!
fi
rc=""
while kill -0 "$pid" 2>/dev/null; do
    if [ -n "$stop_on" ] && tr -d '\r' < "$log" | grep -qE -- "$stop_on"; then
        kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rc=stopped; break
    fi
    if [ $(( $(date +%s) - start )) -ge "$timeout" ]; then
        kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rc=124; break
    fi
    sleep 0.2
done
[ -n "$rc" ] || { wait "$pid"; rc=$?; }
if [ -n "$feeder" ]; then
    pkill -P "$feeder" 2>/dev/null; kill "$feeder" 2>/dev/null; rm -f "$fifo"
fi
secs=$(( $(date +%s) - start ))
out=$(tr -d '\r' < "$log")

fail() { echo "FAIL $name: $*"; exit 1; }
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    [ $suite = 1 ] && printf '%s\n' "$out" | grep -E '^(PASS|FAIL) ' | sed -E "s#^(PASS|FAIL) #\1 $name/#"
    fail "timed out after ${timeout}s (log: $log, last line: $(printf '%s\n' "$out" | tail -1))"
fi
for re in "${expects[@]}"; do
    printf '%s\n' "$out" | grep -qE -- "$re" || fail "expected output matching '$re' (log: $log)"
done
if [ -n "$count_re" ]; then
    got=$(printf '%s\n' "$out" | grep -cE -- "$count_re")
    [ "$got" = "$count_n" ] || fail "$got lines match '$count_re', expected $count_n (log: $log)"
fi
for re in "${rejects[@]}"; do
    printf '%s\n' "$out" | grep -qE -- "$re" && fail "unexpected output matching '$re' (log: $log)"
done
if [ $suite = 1 ]; then
    printf '%s\n' "$out" | grep -E '^(PASS|FAIL) ' | sed -E "s#^(PASS|FAIL) #\1 $name/#"
    closing=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -1)
    [ -n "$closing" ] || fail "no closing 'N passed, N failed' line (log: $log)"
    [ "$(printf '%s\n' "$closing" | cut -d' ' -f3)" = 0 ] || fail "the image reports: $closing (log: $log)"
    [ "$(printf '%s\n' "$closing" | cut -d' ' -f1)" != 0 ] || fail "ran no test (log: $log)"
    printf '%s\n' "$out" | grep -qE 'panic|unexpected exception' && fail "the image panicked (log: $log)"
    if [ $halts = 1 ]; then
        [ "$rc" = stopped ] || fail "QEMU exited with $rc before the image halted (log: $log)"
        echo "PASS $name: booted, $closing, halted (${secs}s)"
    else
        [ "$rc" = 0 ] || fail "QEMU exited with $rc (log: $log)"
        echo "PASS $name: booted, $closing, powered off (${secs}s)"
    fi
else
    echo "PASS $name (${secs}s)"
fi
