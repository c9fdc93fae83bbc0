#!/usr/bin/env bash
# An MBR disk image with one bootable FAT32 partition holding the given files,
# made without root: sfdisk writes the table, mkfs.vfat formats at an offset,
# mtools copies in.  mkdisk.sh OUT SIZE_MIB LABEL FILE[=NAME]...
# (FILE=NAME stores FILE under NAME at the top of the partition.)
set -euo pipefail
out=${1:?usage: mkdisk.sh OUT SIZE_MIB LABEL FILE[=NAME]...}; size=$2; label=$3; shift 3
start=2048                                  # 1 MiB: where partitioning tools align
sectors=$((size * 2048))
rm -f "$out.tmp"
truncate -s "${size}M" "$out.tmp"
# type c: W95 FAT32 (LBA), what the Pi's boot ROM and firmware look for.
echo "start=$start, size=$((sectors - start)), type=c, bootable" | sfdisk -q --label dos "$out.tmp"
# 512-byte clusters keep FAT32 valid on a small partition (>= 65525 clusters).
mkfs.vfat -F 32 -s 1 -i 41524d41 -n "$label" --offset "$start" "$out.tmp" $(((sectors - start) / 2)) >/dev/null
for f in "$@"; do
    src=${f%%=*}; name=${f#*=}; [ "$name" != "$f" ] || name=$(basename "$src")
    mcopy -o -i "$out.tmp@@$((start * 512))" "$src" "::$name"
done
mv "$out.tmp" "$out"
