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
# (fp_state_keeper is a test's process that holds FP values on purpose; GCC
# may name it with a suffix such as .constprop.0. [[:space:]], not \s: mawk,
# Debian's default awk, has no \s, and with it this check never fired.)
fp_allowed='^(fp_save_all|proc_resume_preempted|fp_state_keeper(\..*)?)$'
fp=$(${CROSS:-aarch64-linux-gnu-}objdump -d "$elf" | awk -v allowed="$fp_allowed" '
    /^[0-9a-f]+ <.*>:$/ { fn = substr($2, 2, length($2) - 3); next }
    /[[:space:]](v[0-9]+\.|q[0-9]+,|[bhsd][0-9]+, )/ { if (fn !~ allowed) print fn ": " $0 }')
if [ -n "$fp" ]; then
    echo "check-image: $elf uses FP/SIMD registers outside the FP save/restore routines:" >&2
    printf '%s\n' "$fp" | head -5 >&2
    exit 1
fi
# The flight recorder's call sites are static branches (arch/static_branch.h):
# each a nop whose block calls flight_record_slow, at least one per source
# site; only the watch hooks (sched/flight_watch.c) call it directly.
# FLIGHT_SITES=out (the Makefile's): the sites are compiled out, none expected.
sites=0
if [ "${FLIGHT_SITES:-on}" != out ]; then
    sites=$(cat sched/*.c sched/*.h | grep 'flight_record(' | grep -vc '^#define')
fi
python3 tools/check-static-branches.py "$elf" flight_sites=flight_record_slow \
    --direct ipi_was_sent,irq_taken,lock_waited --min "$sites" >/dev/null
