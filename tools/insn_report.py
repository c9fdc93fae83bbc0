# The report half of tools/insn-trace.sh, shared by its two ways of getting a
# trace (gdb single-stepping one core, inside gdb; QEMU's exec log of every
# core, as a script): PCs mapped to functions with the ELF's symbols (nm),
# shifted by the load offset (the image is position-independent, linked at 0
# and run where QEMU put it: 0x40200000 on virt, as tools/armada.gdb adds),
# and disassembled from objdump's listing.
#
# As a script: python3 tools/insn_report.py LOG AT ITERS  (the IT_* variables
# as for insn-trace.py) reads a QEMU `-d exec,nochain` log taken with one
# instruction per block (every executed instruction one line, "Trace CPU:
# ... [.../PC/...]"), in the order the cores ran (round-robin under -icount:
# one core at a time). An iteration is from one entry of AT to the next on
# the core that reached AT first; every core's instructions in between are
# the iteration's, reported per core.
import bisect
import collections
import os
import re
import subprocess
import sys


def env(name, default=None):
    v = os.environ.get(name, default)
    if v is None:
        raise SystemExit("insn_report.py: %s not set" % name)
    return v


ELF = env("IT_ELF")
OFFSET = int(env("IT_OFFSET", "0x40200000"), 0)
NM = env("IT_NM", "aarch64-linux-gnu-nm")
OBJDUMP = env("IT_OBJDUMP", "aarch64-linux-gnu-objdump")

# Functions (text symbols), sorted by address.
syms = []
for line in subprocess.run([NM, "-n", "--defined-only", ELF], capture_output=True, text=True,
                           check=True).stdout.splitlines():
    parts = line.split()
    if len(parts) == 3 and parts[1] in "tTwW" and not parts[2].startswith("$"):
        syms.append((int(parts[0], 16), parts[2]))
addrs = [a for a, _ in syms]
byname = collections.defaultdict(list)
for a, n in syms:
    byname[n].append(a)

# Disassembly, by link-time address.
text = {}
for line in subprocess.run([OBJDUMP, "-d", "--no-show-raw-insn", ELF], capture_output=True, text=True,
                           check=True).stdout.splitlines():
    head, sep, rest = line.partition(":\t")
    if sep and head.strip() and all(ch in "0123456789abcdef" for ch in head.strip()):
        text[int(head.strip(), 16)] = " ".join(rest.split("\t")).split("//")[0].strip()


def where(pc):
    """(function, offset) of a runtime PC."""
    link = pc - OFFSET
    i = bisect.bisect_right(addrs, link) - 1
    if i < 0:
        return ("?", link)
    return (syms[i][1], link - syms[i][0])


def addr_of(spec):
    """Runtime address of [FILE:]SYM[+OFF] or a hex address. FILE (a source
    file's name or the end of its path) picks one of several static SYMs."""
    if spec.startswith("0x"):
        return int(spec, 16)
    spec, _, off = spec.partition("+")
    where_file, _, name = spec.rpartition(":")
    found = byname.get(name, [])
    if where_file:  # the symbols' source files, from the debug line table
        lines = subprocess.run([NM, "-l", "--defined-only", ELF], capture_output=True, text=True,
                               check=True).stdout.splitlines()
        found = [int(l.split()[0], 16) for l in lines
                 if len(l.split()) >= 4 and l.split()[2] == name and
                 l.split()[3].rsplit(":", 1)[0].endswith("/" + where_file.lstrip("/"))]
    if len(found) != 1:
        raise ValueError("insn_report.py: %s names %d functions in %s (FILE:SYM picks one)" %
                         (spec, len(found), ELF))
    return OFFSET + found[0] + (int(off, 0) if off else 0)


def report(trace, emit, listing, indent=""):
    """Instructions per function (first reached first), the flow, and with
    listing every instruction, of one core's PCs in the order run."""
    per = collections.OrderedDict()
    runs = []  # consecutive stretches in one function: the flow
    for p in trace:
        fn, _ = where(p)
        per[fn] = per.get(fn, 0) + 1
        if runs and runs[-1][0] == fn:
            runs[-1][1] += 1
        else:
            runs.append([fn, 1])
    emit(indent + "-- per function (first reached first):")
    for fn, n in per.items():
        emit("%s%6d  %s" % (indent, n, fn))
    emit(indent + "-- flow (function: instructions in a row):")
    emit(indent + "  " + " > ".join("%s:%d" % (fn, n) for fn, n in runs))
    if listing:
        emit(indent + "-- listing:")
        for i, p in enumerate(trace):
            fn, off = where(p)
            emit("%s%5d  %-40s %s" % (indent, i + 1, "%s+0x%x" % (fn, off), text.get(p - OFFSET, "?")))


def exec_log_report(log, at_spec, iters, emit, listing):
    """Iterations out of an exec log (see the top); returns the totals."""
    at = addr_of(at_spec)
    line_re = re.compile(r"Trace (\d+): \S+ \[[0-9a-f]+/([0-9a-f]+)/")
    lead = None  # the core whose entries into AT mark the iterations
    window = None  # per core: PCs of the iteration under way
    totals = []
    with open(log) as f:
        for line in f:
            m = line_re.match(line)
            if not m:
                continue
            cpu, pc = int(m.group(1)), int(m.group(2), 16)
            if pc == at and lead is None:
                lead = cpu
            if lead is None:
                continue
            if pc == at and cpu == lead:
                if window is not None:
                    n = sum(len(t) for t in window.values())
                    totals.append(n)
                    emit("== iteration %d of %s (from cpu%d's entry to its next): %d instructions, all cores" %
                         (len(totals), at_spec, lead, n))
                    for c in sorted(window):
                        emit("  == cpu%d: %d" % (c, len(window[c])))
                        report(window[c], emit, listing, "  ")
                    if len(totals) == iters:
                        break
                window = collections.defaultdict(list)
            window[cpu].append(pc)
    if len(totals) < iters:
        raise SystemExit("insn_report.py: %s: %d of %d iterations in the log" % (log, len(totals), iters))
    return totals


if __name__ == "__main__":
    log, at_spec, iters = sys.argv[1], sys.argv[2], int(sys.argv[3])
    out_path = env("IT_OUT", "")
    out = open(out_path, "w") if out_path else None

    def emit(s=""):
        print(s)
        if out:
            out.write(s + "\n")

    totals = exec_log_report(log, at_spec, iters, emit, env("IT_LISTING", "0") == "1")
    emit("== %s: %s instructions per iteration, all cores (%d iterations)" %
         (at_spec, " ".join(map(str, totals)), iters))
    if out:
        out.close()
