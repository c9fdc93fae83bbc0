#!/usr/bin/env python3
"""Check the static branch table of a linked image (arch/static_branch.h).

  check-static-branches.py ELF KEY=SLOW [--direct CALLER,...] [--min N]

Each row of .static_branches is three 32-bit offsets, each from its own
field: the site, its out-of-line block, its key. For every row of KEY: the
site is a `nop` in .text (the image is linked with every key off), its block
is in the same function, and the block, followed through its branches within the
function, calls (or tail-calls) SLOW before any other call or return. Every call of SLOW in the image is reached that way
or sits in one of the --direct functions (callers that are not sites). At
least N rows of KEY (--min). Rows of other keys are checked the same way,
minus the SLOW part. Exit 1 with a message on the first class of fault.
"""
import argparse
import os
import re
import struct
import subprocess
import sys

NOP = 0xD503201F
CROSS = os.environ.get("CROSS", "aarch64-linux-gnu-")


def fail(msg):
    print(f"check-static-branches: {msg}", file=sys.stderr)
    sys.exit(1)


class Elf:
    def __init__(self, path):
        with open(path, "rb") as f:
            self.data = f.read()
        d = self.data
        if d[:4] != b"\x7fELF" or d[4] != 2 or d[5] != 1:
            fail(f"{path}: not a little-endian ELF64 file")
        shoff, = struct.unpack_from("<Q", d, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", d, 0x3A)
        raw = [struct.unpack_from("<IIQQQQIIQQ", d, shoff + i * shentsize) for i in range(shnum)]
        names = raw[shstrndx]
        self.sections = {}
        for (name, typ, _flags, addr, off, size, link, _info, _align, entsize) in raw:
            end = d.index(b"\0", names[4] + name)
            self.sections[d[names[4] + name:end].decode()] = (typ, addr, off, size, link, entsize)
        self.symbols = []
        if ".symtab" in self.sections:
            _, _, off, size, link, entsize = self.sections[".symtab"]
            stroff = raw[link][4]
            for i in range(size // entsize):
                name, info, _other, _shndx, value, sz = struct.unpack_from("<IBBHQQ", d, off + i * entsize)
                end = d.index(b"\0", stroff + name)
                self.symbols.append((d[stroff + name:end].decode(), info & 0xF, value, sz))

    def section(self, name):
        return self.sections.get(name)

    def word(self, addr):
        for typ, base, off, size, _l, _e in self.sections.values():
            if typ == 1 and base <= addr and addr + 4 <= base + size:  # PROGBITS
                return struct.unpack_from("<I", self.data, off + addr - base)[0]
        return None

    def function_at(self, addr):
        for name, typ, value, size in self.symbols:
            if typ == 2 and value <= addr < value + size:  # STT_FUNC
                return name
        return None

    def object_at(self, addr):
        for name, typ, value, _size in self.symbols:
            if typ == 1 and value == addr:  # STT_OBJECT
                return name
        return None


def rows(elf):
    sec = elf.section(".static_branches")
    if not sec:
        return []
    _, base, off, size, _l, _e = sec
    if size % 12:
        fail(f".static_branches is {size} bytes, not a whole number of 12-byte rows")
    out = []
    for i in range(size // 12):
        a = base + i * 12
        nop, target, key = struct.unpack_from("<iii", elf.data, off + i * 12)
        out.append((a + nop, a + 4 + target, a + 8 + key))
    return out


def disassembly(path):
    """address -> (mnemonic, operands) for every instruction."""
    text = subprocess.run([CROSS + "objdump", "-d", "--no-show-raw-insn", path], check=True,
                          capture_output=True, text=True).stdout
    insns = {}
    for line in text.splitlines():
        m = re.match(r"\s*([0-9a-f]+):\s+(\S+)\s*(.*)", line)
        if m:
            insns[int(m.group(1), 16)] = (m.group(2), m.group(3))
    return insns


def first_call(insns, elf, addr, slow, limit=96):
    """The call of slow that a block reaches: its first unconditional branch,
    followed through branches within its function. (address, text) of the
    branch that ends the walk, and whether it calls slow."""
    fn = elf.function_at(addr)
    for _ in range(limit):
        if addr not in insns:
            return addr, "nothing", False
        mn, ops = insns[addr]
        if mn in ("b", "bl") and f"<{slow}>" in ops:
            return addr, f"{mn} {ops}", True
        if mn == "b":
            m = re.match(r"([0-9a-f]+)", ops)
            dest = int(m.group(1), 16) if m else None
            if dest is None or elf.function_at(dest) != fn:
                return addr, f"{mn} {ops}", False
            addr = dest
            continue
        if mn in ("bl", "br", "blr") or mn.startswith("ret"):
            return addr, f"{mn} {ops}", False
        addr += 4
    return addr, "no branch within reach", False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("elf")
    ap.add_argument("key_slow", help="KEY=SLOW: the key's sites must lead to calls of SLOW")
    ap.add_argument("--direct", default="", help="functions that call SLOW directly, not as a site")
    ap.add_argument("--min", type=int, default=0, help="at least this many sites of KEY")
    a = ap.parse_args()
    key_name, _, slow = a.key_slow.partition("=")
    direct = set(filter(None, a.direct.split(",")))
    elf = Elf(a.elf)
    text = elf.section(".text")
    if not text:
        fail(f"{a.elf}: no .text")
    t0, t1 = text[1], text[1] + text[3]
    insns = disassembly(a.elf)
    seen, reached, per_key = set(), set(), {}
    for site, target, key in rows(elf):
        kname = elf.object_at(key) or f"0x{key:x}"
        per_key[kname] = per_key.get(kname, 0) + 1
        where = f"site 0x{site:x} ({elf.function_at(site) or '?'}) of {kname}"
        if site in seen:
            fail(f"{where}: listed twice")
        seen.add(site)
        if site % 4 or not t0 <= site < t1 or elf.word(site) != NOP:
            w = elf.word(site)
            fail(f"{where}: not a nop in .text (reads {w:#010x})" if w is not None else f"{where}: outside the image")
        if not t0 <= target < t1 or target % 4:
            fail(f"{where}: its block 0x{target:x} is outside .text")
        if elf.function_at(target) != elf.function_at(site):
            fail(f"{where}: its block 0x{target:x} is in {elf.function_at(target)}, another function")
        if kname != key_name:
            continue
        at, what, calls = first_call(insns, elf, target, slow)
        if not calls:
            fail(f"{where}: its block 0x{target:x} does not lead to {slow} (it ends at 0x{at:x}: {what})")
        reached.add(at)
    n = per_key.get(key_name, 0)
    if n < a.min:
        fail(f"{n} sites of {key_name}, expected at least {a.min}")
    for addr, (mn, ops) in insns.items():
        if mn in ("b", "bl") and f"<{slow}>" in ops and addr not in reached:
            fn = elf.function_at(addr)
            if fn not in direct and fn != slow:
                fail(f"{slow} called at 0x{addr:x} in {fn}, not behind a site of {key_name}")
    print(f"check-static-branches: {n} sites of {key_name}, each a nop whose block calls {slow}; "
          f"{sum(per_key.values())} rows in all")


if __name__ == "__main__":
    main()
