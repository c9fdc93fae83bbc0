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
# The privileged code never touches FP/SIMD registers: an exception does not
# save them, they belong to processes. libgcc and libfdt are checked too. The
# only exceptions are the routines that save and restore a process's FP state.
fp_allowed='^(ctx_switch|ctx_resume|fp_save_all|proc_resume_preempted|fp_state_keeper)$'
fp=$(${CROSS:-aarch64-linux-gnu-}objdump -d "$elf" | awk -v allowed="$fp_allowed" '
    /^[0-9a-f]+ <.*>:$/ { fn = substr($2, 2, length($2) - 3); next }
    /\s(v[0-9]+\.|q[0-9]+,|[bhsd][0-9]+, )/ { if (fn !~ allowed) print fn ": " $0 }')
if [ -n "$fp" ]; then
    echo "check-image: $elf uses FP/SIMD registers outside the FP save/restore routines:" >&2
    printf '%s\n' "$fp" | head -5 >&2
    exit 1
fi
