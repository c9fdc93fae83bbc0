#!/usr/bin/env bash
# Semihosting and the flight recorder's exports (docs/trace.md).
set -uo pipefail
cd "$(dirname "$0")/../.."
run=tests/qemu/qemu-run.sh
T=${QEMU_TIMEOUT:-120}
SEMI=(-semihosting-config enable=on,target=native)
mkdir -p build/trace

# A file written through semihosting lands on the host with the bytes the
# image says it wrote.
file=build/trace/semihost-test.txt
rm -f "$file"
if $run semihost-write --suite --smp 2 --append "test=semihost semihosting" --timeout $T -- "${SEMI[@]}"; then
    said=$(tr -d '\r' < build/test-logs/semihost-write.log | sed -n 's/^wrote: //p')
    if [ ! -f "$file" ]; then
        echo "FAIL semihost-file: $file was not written"
    elif [ -z "$said" ] || [ "$(cat "$file")" != "$said" ]; then
        echo "FAIL semihost-file: $file holds '$(cat "$file")', the image wrote '$said'"
    else
        echo "PASS semihost-file: $file holds the line the image wrote"
    fi
fi
# Without the boot word nothing traps: the calls answer -1.
$run semihost-off --suite --smp 2 --append "test=semihost" --timeout $T \
    --expect '^PASS semihost.off_answers_minus_one'

# The recorder over a ring of processes on 4 cores: the image checks its own
# counts, then dumps by semihosting and framed on the console; both must give
# the same file, and its timeline must be sound (tools/trace-check.py).
raw=build/trace/test-trace.raw
rm -f "$raw" build/trace/test-trace-console.raw build/trace/test-trace.json
if $run trace-ring --suite --append "test=trace semihosting" --timeout $T -- "${SEMI[@]}"; then
    if ! python3 tools/trace2json.py --console build/test-logs/trace-ring.log \
            --raw build/trace/test-trace-console.raw -o build/trace/test-trace.json; then
        echo "FAIL trace-ring-console: the console dump did not convert"
    elif ! cmp -s "$raw" build/trace/test-trace-console.raw; then
        echo "FAIL trace-ring-same-dump: $raw (semihosting) and the console dump differ"
    else
        echo "PASS trace-ring-same-dump: semihosting and console dumps are identical"
        python3 tools/trace-check.py trace-ring-json build/trace/test-trace.json --min-cores 2 --min-flows 400 \
            --min-counters 2
        # What the ring's cross-core wakeups leave besides: IPIs both ways, idle slices.
        seen=$(python3 -c "import json; ev = json.load(open('build/trace/test-trace.json'))['traceEvents']
print(*(sum(e.get('name') == n for e in ev) for n in ('ipi send', 'ipi taken', 'idle')))")
        if [ "$(awk '{print ($1 > 0 && $2 > 0 && $3 > 0)}' <<< "$seen")" = 1 ]; then
            echo "PASS trace-ring-ipis-idle: $seen ipi sends, ipi takes, idle events"
        else echo "FAIL trace-ring-ipis-idle: ipi sends, ipi takes, idle events: '$seen'"; fi
        # Slices named by entry function (the image's ksyms): the test's ring members.
        named=$(python3 -c "import json; ev = json.load(open('build/trace/test-trace.json'))['traceEvents']
print(sum(e['ph'] == 'B' and e['name'].endswith(' ring_member') for e in ev))")
        if [ "${named:-0}" -gt 0 ]; then echo "PASS trace-ring-names: $named slices named '<pid> ring_member'"
        else echo "FAIL trace-ring-names: no slice named by its entry function ring_member"; fi
    fi
fi

# make trace's path, end to end: a 1 s recording of the ring demo becomes a
# sound JSON trace and a PNG timeline.
rm -f build/trace/timeline.png
if bash tools/trace-run.sh ring 4 1 > build/test-logs/make-trace.log 2>&1 &&
        [ "$(head -c 8 build/trace/timeline.png 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; then
    echo "PASS make-trace: build/trace/trace.json and a PNG timeline.png ($(grep -o 'ok: .*' build/test-logs/make-trace.log))"
else
    echo "FAIL make-trace: see build/test-logs/make-trace.log: $(tail -n 2 build/test-logs/make-trace.log | tr '\n' ' ')"
fi

# The shell's recorder commands over make run's workload, without
# semihosting (as on a Pi): the dump comes framed on the console and makes a
# sound trace; the old `trace CPU N` still prints the ring. `ps` names each
# process (registered name, or entry function) and says what it waits in.
# ps three times: the ticker sleeps 10 ms at a time, and about one ps in 8 finds it
# just woken (runnable, no waiting reason) behind the shell on its core.
# (The expectations are checked here, on a copy without carriage returns.)
if $run shell-trace --timeout $T --prompt '> ' \
        --input "$(printf 'trace clear\rtrace on\rstats\rtrace off\rtrace dump\rtrace 1 3\rps\rps\rps\rpoweroff\r')"; then
    log=build/test-logs/shell-trace.log
    tr -d '\r' < "$log" > "$log.clean"
    missing=""
    for re in '^trace: stopped and cleared' '^trace: recording \(overwriting the oldest\)' '^trace: stopped' \
              '^TRACE-END [0-9]+' 'trace of cpu1, last 3 event' \
              ' ticker, receive with a timeout \(or sleep\)$' ' ring_member\(\)(, receive)?$' ' spinner$' \
              ' shell_main\(\)$'; do
        grep -qE -- "$re" "$log.clean" || missing="$missing '$re'"
    done
    if [ -n "$missing" ]; then
        echo "FAIL shell-trace-commands: no line matching$missing (log: $log)"
    elif python3 tools/trace2json.py --console "$log" -o build/trace/shell-trace.json; then
        python3 tools/trace-check.py shell-trace-json build/trace/shell-trace.json --min-cores 2 --min-flows 1 \
            --min-counters 1
        # `stats`, typed while recording: the console's receive interrupt (an
        # irq instant) handed to the shell as MSG_IRQ (a send from interrupt).
        seen=$(python3 -c "import json; ev = json.load(open('build/trace/shell-trace.json'))['traceEvents']
print(sum(e.get('name') == 'irq' for e in ev), sum(e.get('name') == 'send from interrupt' and e['args']['kind'] == 'irq' for e in ev))")
        if [ "$(awk '{print ($1 > 0 && $2 > 0)}' <<< "$seen")" = 1 ]; then
            echo "PASS shell-trace-irq-message: $seen irq instants, MSG_IRQ sends from interrupt"
        else echo "FAIL shell-trace-irq-message: irq instants, MSG_IRQ sends from interrupt: '$seen'"; fi
    else
        echo "FAIL shell-trace-json: the console dump did not convert"
    fi
fi
