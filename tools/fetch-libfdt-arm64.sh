#!/usr/bin/env bash
# Unpack Debian's libfdt-dev:arm64 (static libfdt.a + headers) into $1.
# bookworm's libfdt-dev is not Multi-Arch: same, so the arm64 build cannot be
# installed beside the host one; we extract the package instead of installing it.
set -euo pipefail
dest=${1:?usage: fetch-libfdt-arm64.sh DEST}
[ -f "$dest/usr/lib/aarch64-linux-gnu/libfdt.a" ] && exit 0
dpkg --print-foreign-architectures | grep -qx arm64 || {
    [ "$(id -u)" = 0 ] || { echo "fetch-libfdt: run as root: dpkg --add-architecture arm64 && apt-get update" >&2; exit 1; }
    dpkg --add-architecture arm64
    apt-get update >/dev/null 2>&1 || true
}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download libfdt-dev:arm64 >/dev/null 2>&1) || {
    apt-get update >/dev/null 2>&1 || true
    (cd "$tmp" && apt-get download libfdt-dev:arm64)
}
mkdir -p "$dest"
dpkg-deb -x "$tmp"/libfdt-dev_*_arm64.deb "$dest"
echo "fetch-libfdt: Debian libfdt-dev:arm64 unpacked into $dest"
