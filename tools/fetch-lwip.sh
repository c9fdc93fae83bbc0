#!/usr/bin/env bash
# Unpack Debian's lwip source package (2.1.3) into $1 with apt's own source
# tools: a deb-src entry for bookworm main (from the mirror this machine
# already uses, tools/apt-sources.sh), apt-get source --download-only, then
# dpkg-source -x, which applies Debian's patches. lwIP is never copied into
# the repository; the image builds its core from $1/src (net/lwip.mk).
set -euo pipefail
dest=${1:?usage: fetch-lwip.sh DEST}
[ -f "$dest/src/core/tcp.c" ] && exit 0
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tools/apt-sources.sh
source "$here/apt-sources.sh"
command -v dpkg-source >/dev/null || {
    echo "fetch-lwip: dpkg-source missing: install dpkg-dev (tools/setup.sh does)" >&2; exit 1; }
if ! apt_has deb-src bookworm main; then
    [ "$(id -u)" = 0 ] || { echo "fetch-lwip: run as root once, to add a deb-src entry for bookworm main" >&2; exit 1; }
    apt_add_source armada-deb-src.list deb-src bookworm main
    apt-get update -o Acquire::Retries=3 >/tmp/armada-apt-update.log 2>&1 || \
        echo "fetch-lwip: apt-get update reported errors (see /tmp/armada-apt-update.log); continuing"
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
get() { (cd "$tmp" && apt-get source --download-only -o Acquire::Retries=3 lwip); }
get >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 || true; get; }
dsc=$(ls "$tmp"/lwip_*.dsc)
case $dsc in */lwip_2.1.3*) ;; *) echo "fetch-lwip: expected lwip 2.1.3, got $(basename "$dsc")" >&2; exit 1 ;; esac
rm -rf "$dest.tmp" && mkdir -p "$(dirname "$dest")"
# apt checked the files against the signed Sources index; dpkg-source only
# warns that it has no key for the uploader's own signature on the .dsc.
dpkg-source -x "$dsc" "$dest.tmp" >"$tmp/dpkg-source.log" 2>&1 || { cat "$tmp/dpkg-source.log" >&2; exit 1; }
rm -rf "$dest" && mv "$dest.tmp" "$dest"
echo "fetch-lwip: Debian $(basename "$dsc" .dsc) unpacked into $dest"
