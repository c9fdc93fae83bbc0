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
q() { # PYTHON-EXPR over the events list `ev` of $tmp/$json.json (small, then kinds)
    python3 -c "import json,sys; ev=json.load(open('$tmp/${json:-small}.json'))['traceEvents']; print($1)"
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

# The kinds below the scheduler (tests/host/trace/kinds.raw, 2 cores): on
# cpu0 <5.1> (2 waiting behind it) sends a reschedule IPI to cpu1 and a
# broadcast call-function one, its slice timer ends it, it waits 64 µs for
# the lock "runqueue"; the core idles 10 µs, takes INTID 27 and goes down.
# cpu1 comes up, idles 9 µs, takes both IPIs, runs <7.1>, whose receive
# timeout fires, then idles to the end (no idle exit: an instant).
json=kinds
python3 tools/trace2json.py tests/host/trace/kinds.raw -o "$tmp/kinds.json"
check kinds-convert 0 $?
check kinds-instants "ipi send,ipi send,timer,lock wait,irq,cpu down,cpu up,ipi taken,ipi taken,timer,idle" \
    "$(q '",".join(e["name"] for e in ev if e["ph"]=="i")')"
check ipi-send-args "1:reschedule all others:call_function" \
    "$(q '" ".join("%s:%s" % (e["args"]["to_core"], e["args"]["ipi"]) for e in ev if e.get("name")=="ipi send")')"
check ipi-taken-on-cpu1-from-cpu0 "1:reschedule:[0] 1:call_function:[0]" \
    "$(q '" ".join("%d:%s:%s" % (e["tid"], e["args"]["ipi"], e["args"]["from_cores"]) for e in ev if e.get("name")=="ipi taken")')"
check irq-intid "0:27" "$(q '" ".join("%d:%d" % (e["tid"], e["args"]["intid"]) for e in ev if e.get("name")=="irq")')"
check timers "slice:True receive_timeout:-" \
    "$(q '" ".join("%s:%s" % (e["args"]["timer"].replace(" ", "_"), e["args"].get("ended_slice", "-")) for e in ev if e.get("name")=="timer")')"
check idle-slices "0:40.0-50.0:10.0:True 1:2.0-11.0:9.0:True" \
    "$(q '" ".join("%d:%.1f-%.1f:%.1f:%s" % (b["tid"], b["ts"], e["ts"], e["args"]["slept_us"], e["args"]["work_waiting"]) for b, e in zip(ev, ev[1:]) if b.get("name")=="idle" and b["ph"]=="B")')"
check hotplug "cpu down:0:3:2 cpu up:1" \
    "$(q '" ".join("%s:%d%s" % (e["name"], e["tid"], ":%d:%d" % (e["args"]["processes_moved"], e["args"]["timers_moved"]) if "down" in e["name"] else "") for e in ev if e.get("name", "").startswith("cpu "))')"
check lock-wait "0:runqueue:64.0:<5.1>" \
    "$(q '" ".join("%d:%s:%.1f:%s" % (e["tid"], e["args"]["lock"], e["args"]["wait_us"], e["args"]["pid"]) for e in ev if e.get("name")=="lock wait")')"
check runqueue-counters "runqueue cpu0:0.0:2 runqueue cpu0:30.0:0 runqueue cpu1:20.0:0" \
    "$(q '" ".join("%s:%.1f:%d" % (e["name"], e["ts"], e["args"]["waiting"]) for e in ev if e["ph"]=="C")')"
out=$(python3 tools/trace-check.py kinds "$tmp/kinds.json" --min-cores 2 --min-counters 2)
check kinds-sound "PASS" "${out%% *}"
check idle-not-a-run-slice "2 slices on 2 cores" "$(printf '%s' "$out" | grep -o '[0-9]* slices on [0-9]* cores')"
sed 's/ 4000abc 0 runqueue$/ 4000abc 0/' tests/host/trace/kinds.raw > "$tmp/noname.raw"
err=$(python3 tools/trace2json.py "$tmp/noname.raw" -o "$tmp/noname.json" 2>&1)
check lock-wait-needs-its-name "1 yes" "$? $(printf '%s' "$err" | grep -q 'carry a name' && echo yes || echo no)"

# The checker itself: two processes on one core at once, and a flow without its end.
echo '{"traceEvents":[{"ph":"B","tid":0,"ts":1,"name":"a"},{"ph":"B","tid":0,"ts":2,"name":"b"},
 {"ph":"E","tid":0,"ts":3},{"ph":"E","tid":0,"ts":4}]}' > "$tmp/overlap.json"
out=$(python3 tools/trace-check.py overlap "$tmp/overlap.json")
check checker-sees-overlap "FAIL yes" "${out%% *} $(printf '%s' "$out" | grep -q 'inside another' && echo yes || echo no)"
echo '{"traceEvents":[{"ph":"B","tid":0,"ts":1,"name":"a"},{"ph":"s","tid":0,"ts":2,"id":1},
 {"ph":"E","tid":0,"ts":3}]}' > "$tmp/flow.json"
out=$(python3 tools/trace-check.py flow "$tmp/flow.json")
check checker-sees-lone-flow "FAIL yes" "${out%% *} $(printf '%s' "$out" | grep -q 'without their other end' && echo yes || echo no)"
# ... a counter going back in time, and one whose value is not a number.
echo '{"traceEvents":[{"ph":"C","ts":5,"name":"runqueue cpu0","args":{"waiting":1}},
 {"ph":"C","ts":4,"name":"runqueue cpu0","args":{"waiting":0}}]}' > "$tmp/cback.json"
out=$(python3 tools/trace-check.py cback "$tmp/cback.json")
check checker-sees-counter-going-back "FAIL yes" "${out%% *} $(printf '%s' "$out" | grep -q 'time goes back' && echo yes || echo no)"
echo '{"traceEvents":[{"ph":"C","ts":5,"name":"runqueue cpu0","args":{"waiting":"many"}}]}' > "$tmp/cnan.json"
out=$(python3 tools/trace-check.py cnan "$tmp/cnan.json")
check checker-sees-counter-not-a-number "FAIL yes" "${out%% *} $(printf '%s' "$out" | grep -q 'not numbers' && echo yes || echo no)"
exit $failed
