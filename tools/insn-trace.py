# The gdb half of tools/insn-trace.sh (run inside gdb-multiarch with -x; the
# shell half starts QEMU halted with a gdb stub and sets the IT_* variables).
#
# An exact per-instruction profile of one iteration of a loop in the image:
# run to IT_ARM (optional: a function reached once, to pick the right loop),
# then to IT_AT IT_SKIP times (warm-up), then single-step from IT_AT's entry
# to its next entry, IT_ITERS times, logging every PC. QEMU's gdb stub steps
# with interrupts and timers held off (its default sstep flags), so the trace
# is the code path alone; under -icount shift=0 the bench's figure is this
# count plus the rare interrupt. Each step is the remote protocol's own `s`
# packet, one instruction, not gdb's stepi: on AArch64 gdb steps over what it
# takes for an atomic sequence in software, from a load-acquire or
# load-exclusive to the next store-exclusive it finds, and so skips the
# instructions between (an LDAXR/STXR pair's two) or, from an LDAR that no
# store-exclusive follows on the path taken, runs free.
#
# PCs are mapped to functions with the ELF's symbols (nm), shifted by the load
# offset (the image is position-independent, linked at 0 and run where QEMU
# put it: 0x40200000 on virt, as tools/armada.gdb adds), and disassembled
# from objdump's listing.
import bisect
import collections
import os
import subprocess

import gdb


def env(name, default=None):
    v = os.environ.get(name, default)
    if v is None:
        raise gdb.GdbError("insn-trace.py: %s not set" % name)
    return v


ELF = env("IT_ELF")
PORT = env("IT_PORT")
OFFSET = int(env("IT_OFFSET", "0x40200000"), 0)
ARM = env("IT_ARM", "")
AT = env("IT_AT")
SKIP = int(env("IT_SKIP", "10"))
ITERS = int(env("IT_ITERS", "1"))
LIMIT = int(env("IT_LIMIT", "50000"))
LISTING = env("IT_LISTING", "0") == "1"
OUT = env("IT_OUT", "")
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
        raise gdb.GdbError("insn-trace.py: %s names %d functions in %s (FILE:SYM picks one)" %
                           (spec, len(found), ELF))
    return OFFSET + found[0] + (int(off, 0) if off else 0)


def pc():
    return int(gdb.parse_and_eval("$pc")) & 0xFFFFFFFFFFFFFFFF


def step():
    """One instruction, by the stub itself (see the top)."""
    reply = gdb.execute("maint packet s", to_string=True)
    if 'received: "T' not in reply and 'received: "S' not in reply:
        raise gdb.GdbError("insn-trace.py: step: %s" % reply.strip())
    gdb.execute("maintenance flush register-cache", to_string=True)


def run_to(addr, times):
    bp = gdb.Breakpoint("*0x%x" % addr, internal=True)
    for _ in range(times):
        gdb.execute("continue", to_string=True)
        if pc() != addr:
            raise gdb.GdbError("insn-trace.py: stopped at 0x%x, not at 0x%x" % (pc(), addr))
    bp.delete()


gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute("set architecture aarch64", to_string=True)
gdb.execute("target remote localhost:%s" % PORT, to_string=True)
gdb.execute("set scheduler-locking step")  # other cores stay stopped while one steps

if ARM:
    run_to(addr_of(ARM), 1)
at = addr_of(AT)
run_to(at, SKIP)

out = open(OUT, "w") if OUT else None


def emit(s=""):
    print(s)
    if out:
        out.write(s + "\n")


totals = []
for it in range(ITERS):
    trace = []
    while True:
        trace.append(pc())
        step()
        if pc() == at:
            break
        if len(trace) >= LIMIT:
            raise gdb.GdbError("insn-trace.py: no return to %s within %d instructions" % (AT, LIMIT))
    totals.append(len(trace))
    per = collections.OrderedDict()
    runs = []  # consecutive stretches in one function: the flow
    for p in trace:
        fn, _ = where(p)
        per[fn] = per.get(fn, 0) + 1
        if runs and runs[-1][0] == fn:
            runs[-1][1] += 1
        else:
            runs.append([fn, 1])
    emit("== iteration %d of %s: %d instructions" % (it + 1, AT, len(trace)))
    emit("-- per function (first reached first):")
    for fn, n in per.items():
        emit("%6d  %s" % (n, fn))
    emit("-- flow (function: instructions in a row):")
    emit("  " + " > ".join("%s:%d" % (fn, n) for fn, n in runs))
    if LISTING:
        emit("-- listing:")
        for i, p in enumerate(trace):
            fn, off = where(p)
            emit("%5d  %-40s %s" % (i + 1, "%s+0x%x" % (fn, off), text.get(p - OFFSET, "?")))
emit("== %s: %s instructions per iteration (%d iterations)" % (AT, " ".join(map(str, totals)), ITERS))
if out:
    out.close()
gdb.execute("kill", to_string=True)
