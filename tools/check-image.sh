#!/usr/bin/env bash
# The image must be self-relocating: only R_AARCH64_RELATIVE dynamic relocations
# (and R_AARCH64_NONE, which the linker leaves for GOT slots it optimised away).
set -euo pipefail
elf=$1
bad=$(${CROSS:-aarch64-linux-gnu-}readelf -rW "$elf" | awk '/^[0-9a-f]+ /{print $3}' | grep -vE '^R_AARCH64_(RELATIVE|NONE)$' | sort -u || true)
if [ -n "$bad" ]; then
    echo "check-image: $elf has relocations boot/head.S cannot apply: $bad" >&2
    exit 1
fi
# The privileged code never touches FP/SIMD registers (processes own them; an
# exception does not save them). libgcc and libfdt are checked too.
fp=$(${CROSS:-aarch64-linux-gnu-}objdump -d "$elf" | grep -cE '\s(v[0-9]+\.|q[0-9]+,|[bhsd][0-9]+, )' || true)
if [ "$fp" != 0 ]; then
    echo "check-image: $elf uses FP/SIMD registers in $fp instruction(s):" >&2
    ${CROSS:-aarch64-linux-gnu-}objdump -d "$elf" | grep -E '\s(v[0-9]+\.|q[0-9]+,|[bhsd][0-9]+, )' | head -5 >&2
    exit 1
fi
