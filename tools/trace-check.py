#!/usr/bin/env python3
"""Check a Chrome/Perfetto JSON trace from tools/trace2json.py (docs/trace.md):
it parses; on each core track the slices are balanced, never overlap (one
process at a time on a core), and timestamps never go back; every flow start
has exactly one end, not before it; counter events ("C": a track per
name, no slice needed) carry numbers, their times never going back on a
track. Idle slices do not count as a core's slices. Prints one PASS or FAIL
line.

  trace-check.py NAME TRACE.json [--min-cores N] [--min-flows N] [--min-counters N]
"""
import argparse
import json
import sys


def check(d, min_cores, min_flows, min_counters=0):
    ev = d["traceEvents"]
    last, depth, slices = {}, {}, {}
    flows_s, flows_f, counters = {}, {}, {}
    for e in ev:
        if e["ph"] == "M":
            continue
        if e["ph"] == "C":
            name, ts = e["name"], e["ts"]
            if not e["args"] or not all(isinstance(v, (int, float)) for v in e["args"].values()):
                return f"counter {name} at {ts}: values {e['args']} are not numbers"
            if ts < counters.get(name, ts):
                return f"counter {name}: time goes back from {counters[name]} to {ts}"
            counters[name] = ts
            continue
        tid, ts = e["tid"], e["ts"]
        if ts < last.get(tid, ts):
            return f"cpu{tid}: time goes back from {last[tid]} to {ts}"
        last[tid] = ts
        if e["ph"] == "B":
            if depth.get(tid, 0):
                return f"cpu{tid}: a slice begins at {ts} inside another (two processes on one core)"
            depth[tid] = 1
            if e.get("cat") != "idle":
                slices[tid] = slices.get(tid, 0) + 1
        elif e["ph"] == "E":
            if not depth.get(tid, 0):
                return f"cpu{tid}: a slice ends at {ts} that never began"
            depth[tid] = 0
        elif e["ph"] in ("s", "f"):
            if not depth.get(tid, 0):
                return f"cpu{tid}: flow {e['id']} at {ts} outside any slice"
            side = flows_s if e["ph"] == "s" else flows_f
            if e["id"] in side:
                return f"flow {e['id']}: two '{e['ph']}' events"
            side[e["id"]] = ts
    for tid, dep in depth.items():
        if dep:
            return f"cpu{tid}: a slice is still open at the end"
    if set(flows_s) != set(flows_f):
        return f"{len(set(flows_s) ^ set(flows_f))} flow(s) without their other end"
    for fid, ts in flows_s.items():
        if flows_f[fid] < ts:
            return f"flow {fid} ends at {flows_f[fid]}, before it starts at {ts}"
    cores = sum(1 for n in slices.values() if n)
    if cores < min_cores:
        return f"slices on {cores} core(s), expected at least {min_cores}"
    if len(flows_s) < min_flows:
        return f"{len(flows_s)} flows, expected at least {min_flows}"
    if len(counters) < min_counters:
        return f"{len(counters)} counter track(s), expected at least {min_counters}"
    return f"ok: {sum(slices.values())} slices on {cores} cores, {len(flows_s)} flows, {len(counters)} counter tracks"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("name")
    ap.add_argument("trace")
    ap.add_argument("--min-cores", type=int, default=1)
    ap.add_argument("--min-flows", type=int, default=0)
    ap.add_argument("--min-counters", type=int, default=0)
    a = ap.parse_args()
    try:
        with open(a.trace) as f:
            d = json.load(f)
        why = check(d, a.min_cores, a.min_flows, a.min_counters)
    except (OSError, ValueError, KeyError, TypeError) as e:
        why = f"unreadable trace: {e}"
    ok = why.startswith("ok: ")
    print(f"{'PASS' if ok else 'FAIL'} {a.name}: {a.trace}: {why}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
