#!/usr/bin/env bash
# Install what Armada's build, run and tests need, on Debian bookworm.
# Idempotent: does nothing when every tool is present. Elsewhere it prints
# the packages to install by hand.
set -euo pipefail

need_cmds=(gcc aarch64-linux-gnu-gcc qemu-system-aarch64 dtc clang mkimage
           gdb-multiarch mcopy mkfs.vfat sfdisk gnuplot dot pkill dpkg-source python3 socat
           erl escript epmd)
need_files=(/usr/include/libfdt.h /usr/lib/x86_64-linux-gnu/libfdt.a
            /usr/lib/u-boot/qemu_arm64/u-boot.bin)

# gcc and libc6-dev: the host tests; procps: pkill in the QEMU runner;
# python3: the network tests' host client; socat: make bench's reference echo
# on the host loopback; dpkg-dev: dpkg-source for lwIP; graphviz: dot, for
# the litmus graphs (tools/litmus-graphs.sh); erlang-base: the Erlang peer of
# the distribution tests, and the term fixtures' generator.
# A minimal Debian (debootstrap --variant=minbase) has none of them.
packages="gcc libc6-dev procps gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu device-tree-compiler
  libfdt-dev clang llvm u-boot-qemu u-boot-tools gdb-multiarch
  mtools dosfstools fdisk gnuplot-nox graphviz libclang-rt-dev dpkg-dev python3 socat erlang-base"
backports_packages="qemu-system-arm"

missing=0
for c in "${need_cmds[@]}"; do command -v "$c" >/dev/null 2>&1 || missing=1; done
for f in "${need_files[@]}"; do [ -e "$f" ] || missing=1; done
# libFuzzer's runtime (make fuzz-smoke): not a dependency of clang itself.
compgen -G '/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a' >/dev/null || missing=1
qemu_major() { qemu-system-aarch64 --version | sed -n 's/.*version \([0-9]*\).*/\1/p'; }
if command -v qemu-system-aarch64 >/dev/null 2>&1 && [ "$(qemu_major)" -lt 9 ]; then missing=1; fi
[ "$missing" = 0 ] && exit 0

if ! grep -qs 'bookworm' /etc/os-release || ! command -v apt-get >/dev/null; then
    echo "setup: not Debian bookworm; install these yourself:" >&2
    echo "  $packages" >&2
    echo "  $backports_packages (QEMU >= 9, for -M raspi4b)" >&2
    exit 1
fi
if [ "$(id -u)" != 0 ]; then
    echo "setup: run as root (or: sudo $0) to install: $packages $backports_packages" >&2
    exit 1
fi

echo "setup: installing build and test tools (apt)..."
# Backports from the mirror this machine already uses, unless it has them.
# shellcheck source=tools/apt-sources.sh
source "$(dirname "$0")/apt-sources.sh"
apt_add_source armada-backports.list deb bookworm-backports main
# lwIP's source package (tools/fetch-lwip.sh): apt-get source needs deb-src.
apt_add_source armada-deb-src.list deb-src bookworm main
dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
# Third-party sources on the host may be unreachable; Debian's are what count.
apt-get update -o Acquire::Retries=3 >/tmp/armada-apt-update.log 2>&1 || \
    echo "setup: apt-get update reported errors (see /tmp/armada-apt-update.log); continuing"
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
apt-get install -y --no-install-recommends $packages
# shellcheck disable=SC2086
apt-get install -y --no-install-recommends -t bookworm-backports $backports_packages
echo "setup: QEMU $(qemu-system-aarch64 --version | head -1)"
