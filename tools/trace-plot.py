#!/usr/bin/env python3
"""Draw a timeline PNG of a Chrome JSON trace from tools/trace2json.py with
gnuplot: cores on the vertical axis, time across, a colour per process
(the same process keeps its colour), a sample of message arrows (sender's
core to receiver's), steals marked with a triangle.

  trace-plot.py TRACE.json OUT.png [--title T] [--arrows N]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("trace")
    ap.add_argument("png")
    ap.add_argument("--title", default="Armada: what each core ran")
    ap.add_argument("--arrows", type=int, default=40, help="message arrows to draw at most")
    a = ap.parse_args()
    with open(a.trace) as f:
        ev = json.load(f)["traceEvents"]
    colour, begin, slices, steals, flow_s, flow_f = {}, {}, [], [], {}, {}
    cores = set()
    for e in ev:
        ph = e["ph"]
        if ph in ("M", "C") or e.get("cat") == "idle":
            continue  # metadata, counter tracks and idle slices: not drawn
        c, t = e["tid"], e["ts"] / 1000.0  # ms
        cores.add(c)
        if ph == "B":
            begin[c] = (t, colour.setdefault(e["name"], len(colour)))
        elif ph == "E" and c in begin:
            t0, col = begin.pop(c)
            slices.append((t0, c, t - t0, col))
        elif ph == "s":
            flow_s[e["id"]] = (t, c)
        elif ph == "f":
            flow_f[e["id"]] = (t, c)
        elif ph == "i" and e["name"] == "steal":
            steals.append((t, c))
    if not slices:
        print(f"trace-plot: {a.trace}: no running slices to draw", file=sys.stderr)
        return 1
    pairs = sorted((flow_s[i], flow_f[i]) for i in flow_s if i in flow_f)
    step = max(1, len(pairs) // max(1, a.arrows))
    pairs = pairs[::step][: a.arrows]
    with tempfile.TemporaryDirectory() as d:
        def data(name, rows):
            path = os.path.join(d, name)
            with open(path, "w") as f:
                for r in rows:
                    f.write(" ".join(str(x) for x in r) + "\n")
                if not rows:
                    f.write("NaN NaN NaN NaN\n")
            return path
        sl = data("slices", [(t0, c, dt, col % 12 + 1) for t0, c, dt, col in slices])
        ar = data("arrows", [(s[0], s[1], f[0] - s[0], f[1] - s[1]) for s, f in pairs])
        st = data("steals", [(t, c + 0.45) for t, c in steals])
        n = max(cores) + 1
        script = f"""
set terminal pngcairo size 1400,{200 + 60 * n} font ',10'
set output '{a.png}'
set title '{a.title} ({len(colour)} processes, {len(slices)} runs, {len(steals)} steals; {len(pairs)} message arrows shown)'
set xlabel 'time (ms)'
set ylabel 'core'
set yrange [-0.7:{n - 0.3}]
set ytics 1
set grid xtics
set key outside right
set palette defined (1 '#1f77b4', 2 '#ff7f0e', 3 '#2ca02c', 4 '#d62728', 5 '#9467bd', 6 '#8c564b', \\
    7 '#e377c2', 8 '#7f7f7f', 9 '#bcbd22', 10 '#17becf', 11 '#393b79', 12 '#637939')
set cbrange [1:12]
unset colorbox
plot '{sl}' using 1:2:3:(0):4 with vectors nohead lw 18 lc palette title 'running (colour: process)', \\
     '{ar}' using 1:2:3:4 with vectors head filled lw 1 lc rgb '#444444' title 'message', \\
     '{st}' using 1:2 with points pt 9 ps 1.5 lc rgb 'black' title 'steal'
"""
        gp = os.path.join(d, "plot.gp")
        with open(gp, "w") as f:
            f.write(script)
        r = subprocess.run(["gnuplot", gp], capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            print(f"trace-plot: gnuplot failed: {r.stderr.strip()}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
