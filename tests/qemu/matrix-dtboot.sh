#!/usr/bin/env bash
# Damaged device trees booted, not only parsed: every named kind of damage in
# tools/dt-mutate (and eight seeds of flipped bits), each through the
# stand-in loader (tests/qemu/dtboot.sh judges them). `make fuzz-boot` runs
# thousands of random ones. PASS/FAIL lines only.
set -uo pipefail
cd "$(dirname "$0")/../.."
bash tests/qemu/dtboot.sh list
