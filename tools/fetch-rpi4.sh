#!/usr/bin/env bash
# Fetch what a Raspberry Pi 4 card needs that Armada does not make, from
# Debian's archive with apt-get download, and keep only the files we use:
#   DEST/bcm2711-rpi-4-b.dtb   Linux's Pi 4 tree (linux-image-<ver>-arm64:arm64)
#   DEST/start4.elf, fixup4.dat the GPU firmware (raspi-firmware, non-free-firmware)
#   DEST/u-boot-rpi4.bin       U-Boot for the Pi 4, arm64 build (u-boot-rpi:arm64)
# Nothing here is committed; `make distclean` removes it.
set -euo pipefail
dest=${1:?usage: fetch-rpi4.sh DEST}
want=(bcm2711-rpi-4-b.dtb start4.elf fixup4.dat u-boot-rpi4.bin)
have_all() { for f in "${want[@]}"; do [ -s "$dest/$f" ] || return 1; done; }
have_all && exit 0

as_root() { [ "$(id -u)" = 0 ] || { echo "fetch-rpi4: run as root to: $*" >&2; exit 1; }; }
apt_update() { apt-get update -o Acquire::Retries=3 >/tmp/armada-apt-update.log 2>&1 || true; }

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    as_root "dpkg --add-architecture arm64"
    dpkg --add-architecture arm64
    apt_update
fi
# raspi-firmware lives in the non-free-firmware component.
if ! apt-cache show raspi-firmware >/dev/null 2>&1; then
    as_root "add Debian's non-free-firmware component"
    # shellcheck source=tools/apt-sources.sh
    source "$(dirname "$0")/apt-sources.sh"
    apt_add_source armada-non-free-firmware.list deb bookworm non-free-firmware
    apt_update
fi

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
download() { # PACKAGE: the .deb into $tmp, updating the lists once if needed
    (cd "$tmp" && apt-get download "$1" >/dev/null 2>&1) ||
        { apt_update; (cd "$tmp" && apt-get download "$1"); }
}
extract() { # DEB PATTERN OUT: the one file of DEB whose path matches PATTERN
    local path
    path=$(dpkg-deb -c "$1" | awk '{print $NF}' | grep -E "$2" | sed -n 1p)
    [ -n "$path" ] || { echo "fetch-rpi4: $(basename "$1") has no file matching $2" >&2; exit 1; }
    dpkg-deb --fsys-tarfile "$1" | tar -xO "$path" > "$3"
    echo "fetch-rpi4: $3 <- $(basename "$1"):${path#.}"
}
mkdir -p "$dest"

# The kernel the linux-image-arm64 meta package points at (bookworm's own).
kpkg=$(apt-cache depends linux-image-arm64:arm64 2>/dev/null |
       sed -n 's/^ *Depends: \(linux-image-[^ ]*-arm64\)\(:arm64\)\?$/\1/p' | head -1)
[ -n "$kpkg" ] || { echo "fetch-rpi4: cannot resolve linux-image-arm64:arm64 (apt-get update?)" >&2; exit 1; }
download "$kpkg:arm64" || download "$kpkg-unsigned:arm64"
extract "$(ls "$tmp"/linux-image-*.deb | head -1)" '/broadcom/bcm2711-rpi-4-b\.dtb$' "$dest/bcm2711-rpi-4-b.dtb"

download raspi-firmware
extract "$(ls "$tmp"/raspi-firmware_*.deb)" '/start4\.elf$' "$dest/start4.elf"
extract "$(ls "$tmp"/raspi-firmware_*.deb)" '/fixup4\.dat$' "$dest/fixup4.dat"

download u-boot-rpi:arm64
deb=$(ls "$tmp"/u-boot-rpi_*.deb)
if dpkg-deb -c "$deb" | grep -E '/rpi_arm64/u-boot\.bin$' >/dev/null; then
    extract "$deb" '/rpi_arm64/u-boot\.bin$' "$dest/u-boot-rpi4.bin"
else
    extract "$deb" '/rpi_4/u-boot\.bin$' "$dest/u-boot-rpi4.bin"
fi
have_all
