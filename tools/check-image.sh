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
