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
#     --load-at A    boot tests/qemu/stub's kernel build (-kernel, so QEMU sets
#                    the board up as for a kernel: EL, spin-table stubs, -dtb,
#                    -append) and the image put at address A by the generic
#                    loader; the stub jumps there with QEMU's DTB in x0
#     --expect RE    the output must match RE (extended regex), repeatable
#     --reject RE    the output must not match RE, repeatable
#     --count RE N   exactly N lines of the output match RE
#     --stop-on RE   end the run (kill QEMU) once RE is seen: for boots that halt
#     --input TEXT   type TEXT on the serial line two seconds after start, a
#                    line (ending in a carriage return) every half second
#     --prompt RE    with --input: type each line only once the console shows
#                    one more line starting with RE (the shell's "> "), so a
#                    slow machine gets each command after the last one is done
#     --bios F       start firmware F (e.g. U-Boot) instead of -kernel: the image
#                    comes off a disk given after --
#     --serial-index N  the console is the machine's UART N; the ones before it
#                    go to null (raspi4b: 0 = PL011, 1 = mini UART)
#     --halts        the machine has no power-off (no PSCI, no PM watchdog): with
#                    --suite, the image's "halted" line ends the run in its place
#     --suite        an in-image test run: report every PASS/FAIL/SKIP line the
#                    image printed (prefixed NAME/), and require its closing line,
#                    one line for each test the selection holds, at least one
#                    PASS, and a power-off before the timeout
#     --panic-expected  the run panics on purpose (the panic tests): otherwise a
#                    panic or an unexpected exception anywhere in the log fails it
# Every run must end by itself with QEMU's exit status 0 (a power-off), unless
# --stop-on ended it; a timeout fails it.
# Prints PASS/FAIL lines only; the full console log is build/test-logs/NAME.log.
set -uo pipefail
name=$1; shift
machine="virt,gic-version=3"; cpu=cortex-a72; smp=4; mem=512M; append=""; timeout=120
image=build/armada.img; dtb=""; loader_dtb=""; suite=0; stop_on=""; input=""
bios=""; load_at=""; serial_index=0; halts=0; panic_expected=0; prompt=""
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
        --load-at) load_at=$2; shift 2 ;;
        --expect) expects+=("$2"); shift 2 ;;
        --reject) rejects+=("$2"); shift 2 ;;
        --count) count_re=$2; count_n=$3; shift 3 ;;
        --stop-on) stop_on=$2; shift 2 ;;
        --suite) suite=1; shift ;;
        --panic-expected) panic_expected=1; shift ;;
        --input) input=$2; shift 2 ;;
        --prompt) prompt=$2; shift 2 ;;
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
elif [ -n "$load_at" ]; then
    stub=build/tests/stub-at-$load_at.bin
    [ -f "$stub" ] || { echo "FAIL $name: $stub not built (make $stub)"; exit 1; }
    args+=(-kernel "$stub" -device "loader,file=$image,addr=$load_at,force-raw=on")
    [ -n "$append" ] && args+=(-append "$append")
    [ -n "$dtb" ] && args+=(-dtb "$dtb")
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
    prompts() { tr -d '\r' < "$log" | grep -cE -- "^($prompt)"; }
    { sleep 2
      rest=$input; typed=0
      while [ -n "$rest" ]; do
          if [ -n "$prompt" ]; then # wait for the prompt that follows the last line typed
              until [ "$(prompts)" -gt "$typed" ]; do sleep 0.2; done
          fi
          case $rest in
              *$'\r'*) printf '%s\r' "${rest%%$'\r'*}"; rest=${rest#*$'\r'}
                        typed=$((typed + 1)); [ -n "$prompt" ] || sleep 0.5 ;;
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
    if [ -n "$stop_on" ] && tr -d '\r' < "$log" | grep -cE -- "$stop_on" > /dev/null; then
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
report_lines() { printf '%s\n' "$out" | grep -E '^(PASS|FAIL|SKIP) ' | sed -E "s#^(PASS|FAIL|SKIP) #\1 $name/#"; }
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    [ $suite = 1 ] && report_lines
    fail "timed out after ${timeout}s (log: $log, last line: $(printf '%s\n' "$out" | tail -1))"
fi
panic_re='panic( on cpu[0-9]+)?:|unexpected exception'
if [ $panic_expected = 0 ] && grep -qE "$panic_re" <<< "$out"; then
    [ $suite = 1 ] && report_lines
    fail "the image panicked: $(printf '%s\n' "$out" | grep -E -m1 "$panic_re") (log: $log)"
fi
if [ "$rc" != stopped ] && [ "$rc" != 0 ]; then
    [ $suite = 1 ] && report_lines
    fail "QEMU exited with $rc (log: $log)"
fi
for re in "${expects[@]}"; do
    grep -qE -- "$re" <<< "$out" || fail "expected output matching '$re' (log: $log)"
done
if [ -n "$count_re" ]; then
    got=$(printf '%s\n' "$out" | grep -cE -- "$count_re")
    [ "$got" = "$count_n" ] || fail "$got lines match '$count_re', expected $count_n (log: $log)"
fi
for re in "${rejects[@]}"; do
    grep -qE -- "$re" <<< "$out" && fail "unexpected output matching '$re' (log: $log)"
done
if [ $suite = 1 ]; then
    report_lines
    closing=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' | tail -1)
    [ -n "$closing" ] || fail "no closing 'N passed, N failed, N skipped' line (log: $log)"
    read -r n_pass _ n_fail _ n_skip _ <<< "$closing"
    [ "$n_fail" = 0 ] || fail "the image reports: $closing (log: $log)"
    [ "$n_pass" != 0 ] || fail "no test passed: $closing (log: $log)"
    selected=$(printf '%s\n' "$out" | sed -nE 's/^test: ([0-9]+) selected$/\1/p' | tail -1)
    [ -n "$selected" ] || fail "no 'test: N selected' line (log: $log)"
    lines_pass=$(printf '%s\n' "$out" | grep -cE '^PASS ')
    lines_fail=$(printf '%s\n' "$out" | grep -cE '^FAIL ')
    lines_skip=$(printf '%s\n' "$out" | grep -cE '^SKIP ')
    [ "$lines_pass/$lines_fail/$lines_skip" = "$n_pass/$n_fail/$n_skip" ] ||
        fail "PASS/FAIL/SKIP lines $lines_pass/$lines_fail/$lines_skip differ from the closing line: $closing (log: $log)"
    [ $((n_pass + n_fail + n_skip)) = "$selected" ] ||
        fail "$selected test(s) selected, but the closing line counts $((n_pass + n_fail + n_skip)) (log: $log)"
    if [ $halts = 1 ]; then
        [ "$rc" = stopped ] || fail "QEMU exited with $rc before the image halted (log: $log)"
        echo "PASS $name: booted, $closing, halted (${secs}s)"
    else
        [ "$rc" = 0 ] || fail "the run was stopped before the image powered off (log: $log)"
        echo "PASS $name: booted, $closing, powered off (${secs}s)"
    fi
else
    echo "PASS $name (${secs}s)"
fi
