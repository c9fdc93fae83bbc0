#!/usr/bin/env bash
# Host tests of tools/trace2json.py and tools/trace-check.py on a small dump
# (tests/host/trace/small.raw, 2 cores): <5.1> runs when recording begins
# and sends message a, is preempted for <7.1> (spawned to run worker()),
# which sends b (never taken) and blocks in receive; on cpu1 <1.1> takes a
# and exits. Times are in µs
# from the first record (the counter runs at 1 MHz here). PASS/FAIL lines.
set -uo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fixture=tests/host/trace/small.raw
failed=0
check() { # NAME EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then echo "PASS trace2json/$1"
    else echo "FAIL trace2json/$1: expected '$2', got '$3'"; failed=1; fi
}
q() { # PYTHON-EXPR over the events list `ev` of $tmp/small.json
    python3 -c "import json,sys; ev=json.load(open('$tmp/small.json'))['traceEvents']; print($1)"
}

python3 tools/trace2json.py "$fixture" -o "$tmp/small.json"
check converts 0 $?
check slices "B=3 E=3" "$(q '"B=%d E=%d" % (sum(e["ph"]=="B" for e in ev), sum(e["ph"]=="E" for e in ev))')"
check slice-names "<5.1> <7.1> worker <1.1>" "$(q '" ".join(e["name"] for e in ev if e["ph"]=="B")')"
check stop-reasons "preempted receive end of trace" "$(q '" ".join(e["args"]["stop"] for e in ev if e["ph"]=="E")')"
check one-flow-a-to-cpu1 "s:0:0.0 f:1:110.0" \
    "$(q '" ".join("%s:%d:%.1f" % (e["ph"], e["tid"], e["ts"]) for e in ev if e["ph"] in "sf")')"
check instants "preempt idle exit" "$(q '" ".join(e["name"] for e in ev if e["ph"]=="i")')"
check exit-reason normal "$(q '[e["args"]["reason"] for e in ev if e.get("name")=="exit"][0]')"
out=$(python3 tools/trace-check.py small "$tmp/small.json" --min-cores 2 --min-flows 1)
check sound "PASS" "${out%% *}"

# The console frame: the same dump, line by line with its byte sum.
python3 - "$fixture" > "$tmp/console.log" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
print("boot noise\r\nTRACE-BEGIN\r")
for l in lines:
    print("T %s ~%04x\r" % (l, sum(l.encode()) & 0xFFFF))
print("TRACE-END %d\r\nmore noise" % len(lines))
PY
python3 tools/trace2json.py --console "$tmp/console.log" --raw "$tmp/unframed.raw"
check console-unframes 0 $?
check console-identical same "$(cmp -s "$fixture" "$tmp/unframed.raw" && echo same || echo differs)"
sed 's/^T r 1 9 d2 /T r 1 9 d3 /' "$tmp/console.log" > "$tmp/garbled.log"
err=$(python3 tools/trace2json.py --console "$tmp/garbled.log" --raw "$tmp/g.raw" 2>&1)
check garbled-line-refused "1 yes" "$? $(printf '%s' "$err" | grep -q 'checksum mismatch' && echo yes || echo no)"
grep -v '^T r 0 7 ' "$tmp/console.log" > "$tmp/short.log"
err=$(python3 tools/trace2json.py --console "$tmp/short.log" --raw "$tmp/s.raw" 2>&1)
check lost-line-refused "1 yes" "$? $(printf '%s' "$err" | grep -q 'TRACE-END says 14 lines, 13 came' && echo yes || echo no)"
head -n 5 "$fixture" > "$tmp/cut.raw"
err=$(python3 tools/trace2json.py "$tmp/cut.raw" -o "$tmp/cut.json" 2>&1)
check cut-dump-refused "1 yes no" \
    "$? $(printf '%s' "$err" | grep -q 'no end line' && echo yes || echo no) $([ -e "$tmp/cut.json" ] && echo yes || echo no)"

# An interrupt's send (pid 0: the console's MSG_IRQ) on cpu0 once it is idle,
# taken by <1.1> on cpu1: an instant, not a flow out of no slice.
sed -e 's/^core 0 recorded 7 kept 7 /core 0 recorded 8 kept 8 /' -e '/^r 0 7 82 /a r 0 8 8c 0 1 c 3' \
    -e 's/^core 1 recorded 3 kept 3 /core 1 recorded 4 kept 4 /' -e '/^r 1 9 d2 /a r 1 9 d7 100000001 0 c 3' \
    -e 's/^end 10$/end 12/' "$fixture" > "$tmp/irq.raw"
python3 tools/trace2json.py "$tmp/irq.raw" -o "$tmp/irq.json"
check irq-send-converts 0 $?
check irq-send-instant "send from interrupt:0:<1>:irq" "$(python3 -c "import json; ev=json.load(open('$tmp/irq.json'))['traceEvents']
print(' '.join('%s:%d:%s:%s' % (e['name'], e['tid'], e['args']['to'], e['args']['kind']) for e in ev if e.get('name') == 'send from interrupt'))")"
out=$(python3 tools/trace-check.py irq "$tmp/irq.json" --min-cores 2 --min-flows 1)
check irq-send-sound "PASS" "${out%% *}"

# The checker itself: two processes on one core at once, and a flow without its end.
echo '{"traceEvents":[{"ph":"B","tid":0,"ts":1,"name":"a"},{"ph":"B","tid":0,"ts":2,"name":"b"},
 {"ph":"E","tid":0,"ts":3},{"ph":"E","tid":0,"ts":4}]}' > "$tmp/overlap.json"
out=$(python3 tools/trace-check.py overlap "$tmp/overlap.json")
check checker-sees-overlap "FAIL yes" "${out%% *} $(printf '%s' "$out" | grep -q 'inside another' && echo yes || echo no)"
echo '{"traceEvents":[{"ph":"B","tid":0,"ts":1,"name":"a"},{"ph":"s","tid":0,"ts":2,"id":1},
 {"ph":"E","tid":0,"ts":3}]}' > "$tmp/flow.json"
out=$(python3 tools/trace-check.py flow "$tmp/flow.json")
check checker-sees-lone-flow "FAIL yes" "${out%% *} $(printf '%s' "$out" | grep -q 'without their other end' && echo yes || echo no)"
exit $failed
