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
# With IT_CORES=1 nothing is stepped: every core runs, and QEMU's exec log
# (started with one instruction per block) takes every instruction of every
# core from this entry of IT_AT to IT_ITERS more on the same core, for
# tools/insn_report.py to read. PCs become functions in insn_report.py.
import os
import sys

import gdb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)) if "__file__" in globals() else "tools")
import insn_report  # noqa: E402 (after the path)


def env(name, default=None):
    v = os.environ.get(name, default)
    if v is None:
        raise gdb.GdbError("insn-trace.py: %s not set" % name)
    return v


PORT = env("IT_PORT")
ARM = env("IT_ARM", "")
AT = env("IT_AT")
SKIP = int(env("IT_SKIP", "10"))
ITERS = int(env("IT_ITERS", "1"))
LIMIT = int(env("IT_LIMIT", "50000"))
LISTING = env("IT_LISTING", "0") == "1"
OUT = env("IT_OUT", "")
CORES = env("IT_CORES", "0") == "1"


def addr_of(spec):
    try:
        return insn_report.addr_of(spec)
    except ValueError as e:
        raise gdb.GdbError(str(e))


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

if CORES:
    # Every core's instructions go to QEMU's exec log (the shell half reads
    # it), from this entry of AT to ITERS more on the core that stopped here.
    lead = gdb.selected_thread().num
    gdb.execute("monitor log exec,nochain", to_string=True)
    bp = gdb.Breakpoint("*0x%x" % at, internal=True)
    seen = 0
    while seen < ITERS + 1:  # the last entry stops before it runs: one more
        gdb.execute("continue", to_string=True)
        if pc() == at and gdb.selected_thread().num == lead:
            seen += 1
    gdb.execute("monitor log none", to_string=True)
    bp.delete()
    gdb.execute("kill", to_string=True)
    raise SystemExit(0)

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
    emit("== iteration %d of %s: %d instructions" % (it + 1, AT, len(trace)))
    insn_report.report(trace, emit, LISTING)
emit("== %s: %s instructions per iteration (%d iterations)" % (AT, " ".join(map(str, totals)), ITERS))
if out:
    out.close()
gdb.execute("kill", to_string=True)
