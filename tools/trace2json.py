#!/usr/bin/env python3
"""Armada flight-recorder dump -> Chrome/Perfetto JSON trace (docs/trace.md).

  trace2json.py DUMP -o trace.json        DUMP: the text the image wrote by semihosting
  trace2json.py --console LOG --raw R     unframe a console log's TRACE-BEGIN..END into R
  (both at once: --console LOG --raw R -o trace.json)
Exits 1 with a message naming the line on a malformed dump or a bad checksum.
"""
import argparse
import json
import sys

KINDS = ["run", "spawn", "exit", "steal", "migrate", "preempt", "wake", "idle", "send", "recv", "entry",
         "ipi_send", "ipi_taken", "irq", "timer", "idle_exit", "cpu_down", "cpu_up", "lock_wait"]
NAMED = ("entry", "lock_wait")  # kinds whose dump line carries a ninth field, a name
IPI_KINDS = ["reschedule", "call_function", "stop"]
ALL_OTHERS = 0xFFFFFFFF  # an IPI's target: every other core
TIMERS = ["receive timeout", "slice"]
STATES = {1: "runnable", 2: "running", 3: "waiting", 4: "exited"}
MSG_KINDS = ["user", "exit", "down", "irq", "cpu_down"]
EXIT_KINDS = ["normal", "error", "killed", "fault", "noproc", "noconnection", "remote"]
CORES_PID = 1  # the one Chrome "process" holding a track (thread) per core


class DumpError(Exception):
    pass


def unframe(log_text):
    """The dump's lines from a console log, each checksum verified."""
    out, inside, count = [], False, 0
    for no, raw in enumerate(log_text.splitlines(), 1):
        line = raw.rstrip("\r")
        if line == "TRACE-BEGIN":
            out, inside, count = [], True, 0
            continue
        if not inside:
            continue
        if line.startswith("TRACE-END "):
            want = int(line.split()[1])
            if want != count:
                raise DumpError(f"console line {no}: TRACE-END says {want} lines, {count} came")
            return "".join(out)
        if not line.startswith("T ") or " ~" not in line:
            raise DumpError(f"console line {no}: not a trace line: {line[:60]!r}")
        body, _, sum_hex = line[2:].rpartition(" ~")
        if sum(body.encode()) & 0xFFFF != int(sum_hex, 16):
            raise DumpError(f"console line {no}: checksum mismatch: {line[:60]!r}")
        out.append(body + "\n")
        count += 1
    raise DumpError("no complete TRACE-BEGIN .. TRACE-END frame in the console log")


def parse(text):
    """(header dict, records): records are dicts in per-core order."""
    lines = text.splitlines()
    if not lines or not lines[0].startswith("armada-trace 1 "):
        raise DumpError("line 1: not an armada-trace 1 dump")
    h = lines[0].split()
    header = {"cores": int(h[3]), "freq": int(h[5])}
    if header["freq"] <= 0:
        raise DumpError("line 1: counter frequency 0")
    recs, ended = [], False
    for no, line in enumerate(lines[1:], 2):
        f = line.split()
        try:
            if f[0] == "r" and len(f) in (8, 9):
                core, kind = int(f[1]), int(f[2])
                time, pid, arg, mid, aux = (int(x, 16) for x in f[3:8])
                if kind >= len(KINDS):
                    raise ValueError(f"kind {kind}")
                if (len(f) == 9) != (KINDS[kind] in NAMED):
                    raise ValueError("only entry and lock_wait records carry a name")
                recs.append(dict(core=core, kind=KINDS[kind], time=time, pid=pid, arg=arg, id=mid, aux=aux,
                                 fn=f[8] if len(f) == 9 else None))
            elif f[0] == "core" and len(f) == 8:
                pass
            elif f[0] == "end" and len(f) == 2:
                if int(f[1]) != len(recs):
                    raise DumpError(f"line {no}: end says {f[1]} records, {len(recs)} came")
                ended = True
            else:
                raise ValueError("unknown line")
        except (ValueError, IndexError) as e:
            raise DumpError(f"line {no}: {e}: {line[:60]!r}")
    if not ended:
        raise DumpError("the dump has no end line (cut short?)")
    return header, recs


ENTRY_NAMES = {}  # pid -> its entry function's name, from the dump's entry records


def pid_name(pid):
    fn = ENTRY_NAMES.get(pid)
    return f"<{pid & 0xFFFFFFFF}.{pid >> 32}>" + (f" {fn}" if fn and fn != "?" else "")


def name_of(table, n):
    return table[n] if n < len(table) else n


def ipi_sources(recs, cores):
    """index of an ipi_taken record -> the cores whose IPIs it took: each
    send to its core (or to all others) of its kind since the last take of
    that kind there (SGIs pending together are taken once)."""
    pending, sources = {}, {}
    for i in sorted(range(len(recs)), key=lambda i: recs[i]["time"]):
        r = recs[i]
        if r["kind"] == "ipi_send":
            to = [c for c in range(cores) if c != r["core"]] if r["arg"] == ALL_OTHERS else [r["arg"]]
            for c in to:
                pending.setdefault((c, r["aux"]), []).append(r["core"])
        elif r["kind"] == "ipi_taken":
            sources[i] = sorted(set(pending.pop((r["core"], r["arg"]), [])))
    return sources


def idle_ends(recs):
    """index of an idle record -> index of the idle_exit that ends it: the
    next record of the same core among run, idle and idle_exit."""
    last_idle, ends = {}, {}
    for i, r in enumerate(recs):
        c = r["core"]
        if r["kind"] == "idle_exit" and c in last_idle:
            ends[last_idle.pop(c)] = i
        elif r["kind"] in ("run", "idle", "idle_exit"):
            last_idle.pop(c, None)
        if r["kind"] == "idle":
            last_idle[c] = i
    return ends


def convert(header, recs):
    ENTRY_NAMES.clear()
    ENTRY_NAMES.update((r["pid"], r["fn"]) for r in recs if r["kind"] == "entry")
    t0 = min((r["time"] for r in recs), default=0)
    us = lambda t: (t - t0) * 1e6 / header["freq"]
    ev = [{"ph": "M", "pid": CORES_PID, "name": "process_name", "args": {"name": "Armada cores"}}]
    for c in range(header["cores"]):
        ev.append({"ph": "M", "pid": CORES_PID, "tid": c, "name": "thread_name", "args": {"name": f"cpu{c}"}})
        ev.append({"ph": "M", "pid": CORES_PID, "tid": c, "name": "thread_sort_index", "args": {"sort_index": c}})
    # Who runs where at each record: a process already running when recording
    # began has no run record, so its first send or receive opens its slice.
    running, on_core, implicit = {}, {}, set()
    for i, r in enumerate(recs):
        c = r["core"]
        if r["kind"] == "run":
            on_core[c] = r["pid"]
        elif r["kind"] in ("send", "recv") and r["pid"] and not on_core.get(c):
            on_core[c] = r["pid"]
            implicit.add(i)
        running[i] = on_core.get(c)
    # Messages: a send pairs with the first receive of its id at or after it,
    # both made by the process running on its core (a flow needs a slice). A
    # send from an interrupt handler (pid 0: the console's MSG_IRQ, perhaps on
    # an idle core) is an instant instead.
    sends = {}
    pairs = {}  # index of send record -> index of recv record
    for i in sorted(range(len(recs)), key=lambda i: recs[i]["time"]):
        r = recs[i]
        if r["kind"] in ("send", "recv") and (not r["pid"] or running[i] != r["pid"]):
            continue
        if r["kind"] == "send":
            sends.setdefault(r["id"], []).append(i)
        elif r["kind"] == "recv" and sends.get(r["id"]):
            pairs[sends[r["id"]].pop(0)] = i
    flow_of = {}
    for n, (s, f) in enumerate(sorted(pairs.items())):
        flow_of[s] = flow_of[f] = n + 1
    sources, ends = ipi_sources(recs, header["cores"]), idle_ends(recs)
    open_slice, idle_open, queue_len, last_time, preempted = {}, set(), {}, {}, set()
    for i, r in enumerate(recs):
        c, t = r["core"], us(r["time"])
        last_time[c] = t
        base = {"pid": CORES_PID, "tid": c, "ts": t}
        if r["kind"] == "run" and queue_len.get(c) != r["id"]:
            # The run-queue counter track: what waits here, at each switch.
            queue_len[c] = r["id"]
            ev.append({"ph": "C", "pid": CORES_PID, "name": f"runqueue cpu{c}", "ts": t, "args": {"waiting": r["id"]}})
        if r["kind"] == "idle" and i in ends and c not in open_slice:
            idle_open.add(c)
            ev.append(dict(base, ph="B", name="idle", cat="idle", args={}))
            continue
        if r["kind"] == "idle_exit" and c in idle_open:
            idle_open.discard(c)
            ev.append(dict(base, ph="E", args={"slept_us": r["arg"] * 1e6 / header["freq"],
                                               "work_waiting": bool(r["aux"])}))
            continue
        if r["kind"] == "run":
            if c in open_slice:
                left = open_slice.pop(c)
                why = STATES.get(r["aux"], "?")
                if why == "runnable":
                    why = "preempted" if left in preempted else "yielded"
                elif why == "waiting":
                    why = "receive"
                preempted.discard(left)
                ev.append(dict(base, ph="E", args={"stop": why}))
            if r["pid"]:
                open_slice[c] = r["pid"]
                ev.append(dict(base, ph="B", name=pid_name(r["pid"]), cat="run", args={"pid": pid_name(r["pid"])}))
            continue
        if r["kind"] == "entry":
            continue
        if r["kind"] == "preempt":
            preempted.add(r["pid"])
        if i in implicit:
            open_slice[c] = r["pid"]
            ev.append(dict(base, ph="B", name=pid_name(r["pid"]), cat="run",
                           args={"pid": pid_name(r["pid"]), "start": "running when recording began"}))
        if r["kind"] == "send" and not r["pid"]:
            kind = MSG_KINDS[r["aux"]] if r["aux"] < len(MSG_KINDS) else r["aux"]
            ev.append(dict(base, ph="i", s="t", name="send from interrupt", cat="msg",
                           args={"to": f"<{r['arg']}>", "kind": kind}))
            continue
        if r["kind"] in ("send", "recv"):
            if i in flow_of:
                ph = "s" if r["kind"] == "send" else "f"
                e = dict(base, ph=ph, id=flow_of[i], name="msg", cat="msg")
                if ph == "f":
                    e["bp"] = "e"
                ev.append(e)
            continue
        args = {"pid": pid_name(r["pid"]) if r["pid"] else "idle"}
        name = r["kind"].replace("_", " ")
        if r["kind"] == "ipi_send":
            args.update(to_core="all others" if r["arg"] == ALL_OTHERS else r["arg"], ipi=name_of(IPI_KINDS, r["aux"]))
        elif r["kind"] == "ipi_taken":
            args.update(ipi=name_of(IPI_KINDS, r["arg"]), from_cores=sources.get(i, []))
        elif r["kind"] == "irq":
            args["intid"] = r["arg"]
        elif r["kind"] == "timer":
            args["timer"] = name_of(TIMERS, r["arg"])
            if r["arg"] == 1:
                args["ended_slice"] = bool(r["aux"])
        elif r["kind"] == "idle_exit":  # its idle record fell out of the ring
            args["slept_us"] = r["arg"] * 1e6 / header["freq"]
        elif r["kind"] == "cpu_down":
            args.update(processes_moved=r["arg"], timers_moved=r["aux"])
        elif r["kind"] == "lock_wait":
            args.update(lock=r["fn"], wait_us=r["arg"] * 1e6 / header["freq"])
        elif r["kind"] == "steal":
            args["from_core"] = r["arg"]
        elif r["kind"] == "spawn":
            args["queued_on"] = r["arg"]
        elif r["kind"] == "exit":
            args["reason"] = EXIT_KINDS[r["arg"]] if r["arg"] < len(EXIT_KINDS) else r["arg"]
        ev.append(dict(base, ph="i", s="t", name=name, cat="sched", args=args))
    for c in open_slice:
        ev.append({"pid": CORES_PID, "tid": c, "ts": last_time[c], "ph": "E", "args": {"stop": "end of trace"}})
    return {"traceEvents": ev, "displayTimeUnit": "ns",
            "otherData": {"source": "armada flight recorder", "counter_hz": header["freq"]}}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dump", nargs="?", help="a dump written by semihosting")
    ap.add_argument("--console", help="a console log holding a framed dump")
    ap.add_argument("--raw", help="with --console: write the unframed dump here")
    ap.add_argument("-o", "--output", help="the JSON trace to write")
    a = ap.parse_args()
    if bool(a.dump) == bool(a.console):
        ap.error("give a dump or --console LOG (one of them)")
    try:
        if a.console:
            with open(a.console, errors="replace") as f:
                text = unframe(f.read())
            if a.raw:
                with open(a.raw, "w") as f:
                    f.write(text)
        else:
            with open(a.dump) as f:
                text = f.read()
        header, recs = parse(text)
    except (DumpError, OSError) as e:
        print(f"trace2json: {e}", file=sys.stderr)
        return 1
    if a.output:
        with open(a.output, "w") as f:
            json.dump(convert(header, recs), f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
