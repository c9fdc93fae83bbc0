#!/usr/bin/env bash
# GICv2 and the Raspberry Pi 4 under QEMU, the Pi 4 SD card images, and
# booting through U-Boot. PASS/FAIL lines only (logs: build/test-logs/).
set -uo pipefail
cd "$(dirname "$0")/../.."
run=tests/qemu/qemu-run.sh
T=${QEMU_TIMEOUT:-180}
RPI4_DEPS=.deps/rpi4
LINUX_DTB=$RPI4_DEPS/bcm2711-rpi-4-b.dtb
UBOOT_VIRT=/usr/lib/u-boot/qemu_arm64/u-boot.bin

# The cards, U-Boot disks and the Debian files they hold (fetched once).
if ! make --no-print-directory rpi4-test-media > build/test-logs/rpi4-media.log 2>&1; then
    echo "FAIL rpi4-media: make rpi4-test-media failed (log: build/test-logs/rpi4-media.log)"
fi

# GICv2 on QEMU virt (its default GIC; at most 8 cores): 4 cores, and 8 so
# the SGI target list uses all of its bits.
$run virt-gicv2-4cpu --suite --machine virt,gic-version=2 --smp 4 --append test --timeout $T \
    --expect 'gic: GICv2, GICD 0x8000000, GICC 0x8010000'
$run virt-gicv2-8cpu --suite --machine virt,gic-version=2 --smp 8 --append test=smp,timer,gic --timeout $T \
    --expect 'smp: 8 of 8 core'

# QEMU raspi4b: entry at EL2, 4 x A72, GIC-400, spin-table (QEMU writes the
# stubs at 0xd8..), no PSCI. A run powers off through the PM watchdog (reset
# into the halt partition), which QEMU's model turns into a shutdown: QEMU
# exits 0. No -no-reboot, on purpose: with it a plain reset would exit 0 too;
# without it a reset reboots the image and the run times out.
rpi4=(--machine raspi4b --cpu cortex-a72 --smp 4 --mem 2G --timeout $T)
rpi4_expect=(--expect 'entered at EL2' --expect 'gic: GICv2, GICD 0xff841000, GICC 0xff842000'
             --expect 'cpu3: MPIDR 0x3 .*started by spin-table' --expect 'smp: 4 of 4 core'
             --expect 'power-off: BCM2835 PM watchdog /soc/watchdog@7e100000 at 0xfe100000')
# (a) Armada's own tree; its console is the PL011, QEMU's first UART.
$run rpi4-armada-dtb --suite "${rpi4[@]}" "${rpi4_expect[@]}" --dtb build/dts/rpi4.dtb --append test \
    --expect 'console: /soc/serial@7e201000 at 0xfe201000'
# (b) Linux's tree from Debian; stdout-path names the mini UART, QEMU's second.
# The suites that read the tree (the whole suite ran on (a)).
$run rpi4-linux-dtb --suite "${rpi4[@]}" "${rpi4_expect[@]}" --dtb "$LINUX_DTB" --serial-index 1 \
    --append test=smp,timer,gic,exception,sched,messages --expect 'console: /soc/serial@7e215040 at 0xfe215040'
# The diag screen on the Pi's own questions: EL2 entry, the load address, the
# spin-table slots released to our entry, the GIC-400's state and routing, the
# mini UART (Linux's tree; its receive SPI is INTID 125).
$run rpi4-diag --suite "${rpi4[@]}" --dtb "$LINUX_DTB" --serial-index 1 --append "diag test=smp.boot_core_alive" \
    --expect '^diag: el: entered at EL2, running at EL1$' --expect '^diag: image: loaded at 0x200000 \(2 MiB aligned\)' \
    --count '^diag: cpu[1-3]: spin-table, release address 0x(e0|e8|f0), slot held 0 before release, now 0x[0-9a-f]+ \(our entry\), online$' 3 \
    --expect '^diag: cpu3: MPIDR 0x3, SCTLR_EL1 0x[0-9a-f]+ M=1 C=1 I=1, LDAXR/STXR ok' \
    --expect '^diag: gic: GICv2, .*now 0x1 0x1$' --expect 'interfaces: cpu0=0x1 cpu1=0x2 cpu2=0x4 cpu3=0x8$' \
    --expect '^diag: gic: SPI INTID 125 enabled, ITARGETSR 0x1$' \
    --expect '^diag: timer: CNTFRQ_EL0 [0-9]+ Hz, no DT clock-frequency' \
    --expect '^diag: uart: mini UART, AUX_ENABLES 0x1, AUX_MU_BAUD' --expect '^diag: --- end ---$'
# The image where the Pi firmware puts kernel8.img (0x80000, not 2 MiB aligned)
# and where QEMU and U-Boot would (0x200000), placed by the stand-in loader
# (tests/qemu/stub.S as a -kernel: QEMU's DTB with -append in x0, its
# spin-table stubs for the secondaries).
for at in 0x80000 0x200000; do
    $run rpi4-loaded-at-$at --suite "${rpi4[@]}" "${rpi4_expect[@]}" --dtb "$LINUX_DTB" --serial-index 1 --load-at $at \
        --append "diag test=smp,timer,exception" --expect "^Armada: entered at EL2, loaded at $at, DTB at 0x" \
        --expect "^diag: image: loaded at $at \\($([ $at = 0x80000 ] && echo not)"
done
# SPIs through the GIC-400: each UART's receive interrupt.
$run rpi4-pl011-receive --suite "${rpi4[@]}" --dtb build/dts/rpi4.dtb --append test=console \
    --input armada-rx
$run rpi4-miniuart-receive --suite "${rpi4[@]}" --dtb "$LINUX_DTB" --serial-index 1 --append test=console \
    --input armada-rx

# A tree whose /memory is zero-size (as Linux's Pi 4 tree ships, for the
# firmware to fill) and nothing filled it: the boot says so and halts.
$run dt-zero-memory --loader-dtb build/dts/virt-zero-memory.dtb --timeout $T --stop-on 'Halted' \
    --expect 'no non-empty reg entry' --expect "no RAM: the device tree's /memory is missing or zero-size"

# The SD card: an MBR with one bootable FAT32 partition at 1 MiB holding the
# firmware, Linux's tree, config.txt, cmdline.txt and kernel8.img = armada.img.
check_card() { # NAME IMAGE KERNEL8-SOURCE FILE...
    local name=$1 img=$2 k8=$3; shift 3
    [ -f "$img" ] || { echo "FAIL $name: $img was not built"; return 1; }
    local table
    table=$(sfdisk -d "$img" 2>/dev/null | grep "^$img")
    [ "$(printf '%s\n' "$table" | wc -l)" = 1 ] ||
        { echo "FAIL $name: expected one partition, sfdisk says: $table"; return 1; }
    printf '%s\n' "$table" | grep -qE 'start= *2048, .*type=c, bootable' ||
        { echo "FAIL $name: partition is not FAT32-LBA, bootable, at 2048: $table"; return 1; }
    local at="$img@@1048576" listing
    listing=$(minfo -i "$at" :: 2>&1) || { echo "FAIL $name: mtools cannot read the partition"; return 1; }
    printf '%s\n' "$listing" | grep -q 'disk type="FAT32' ||
        { echo "FAIL $name: the partition is not FAT32"; return 1; }
    for f in "$@"; do
        mdir -b -i "$at" "::$f" >/dev/null 2>&1 || { echo "FAIL $name: no $f on the card"; return 1; }
    done
    local got
    got=$(mtype -i "$at" ::config.txt | tr -d '\r')
    for want in 'arm_64bit=1' 'enable_uart=1' 'kernel=kernel8.img'; do
        printf '%s\n' "$got" | grep -q "^$want" || { echo "FAIL $name: config.txt lacks $want"; return 1; }
    done
    mkdir -p "build/test-logs/$name"
    mcopy -o -n -i "$at" ::kernel8.img "build/test-logs/$name/kernel8.img"
    cmp -s "build/test-logs/$name/kernel8.img" "$k8" ||
        { echo "FAIL $name: kernel8.img differs from $k8"; return 1; }
    echo "PASS $name: MBR + FAT32 partition, $# files, config.txt, kernel8.img = $(basename "$k8")"
}
card_files=(start4.elf fixup4.dat bcm2711-rpi-4-b.dtb config.txt cmdline.txt kernel8.img)
check_card sdcard-layout build/armada-rpi4.img build/armada.img "${card_files[@]}"
check_card sdcard-uboot-layout build/armada-rpi4-uboot.img "$RPI4_DEPS/u-boot-rpi4.bin" \
    "${card_files[@]}" armada.img boot.scr
# The kernel and tree taken out of the card boot on raspi4b.
card=build/test-logs/sdcard-from-card
mkdir -p $card
if mcopy -o -n -i build/armada-rpi4.img@@1048576 ::kernel8.img ::bcm2711-rpi-4-b.dtb $card/ 2>/dev/null; then
    $run rpi4-from-sdcard --suite "${rpi4[@]}" "${rpi4_expect[@]}" --image $card/kernel8.img \
        --dtb $card/bcm2711-rpi-4-b.dtb --serial-index 1 --append test=smp,timer,gic
else
    echo "FAIL rpi4-from-sdcard: cannot take kernel8.img and the DTB out of build/armada-rpi4.img"
fi
# The U-Boot card's boot.scr is a U-Boot script image that boots armada.img with booti.
scr=$(mktemp); mcopy -o -n -i build/armada-rpi4-uboot.img@@1048576 ::boot.scr "$scr" 2>/dev/null
if dumpimage -l "$scr" 2>/dev/null | grep -q 'Script' && grep -aq 'booti ${kernel_addr_r} - ${fdt_addr}' "$scr"; then
    echo "PASS sdcard-uboot-script: boot.scr is a script image that loads armada.img and booti's it"
else
    echo "FAIL sdcard-uboot-script: boot.scr on the U-Boot card is not the expected script image"
fi
rm -f "$scr"

# U-Boot (Debian's qemu_arm64) on QEMU virt: distro boot finds boot.scr on a
# virtio FAT disk; booti with U-Boot's own DT, then a FIT (image + DTB) with bootm.
disk() { echo "-device virtio-blk-device,drive=disk -drive if=none,id=disk,format=raw,snapshot=on,file=$1"; }
# shellcheck disable=SC2046
$run uboot-virt-booti --suite --bios $UBOOT_VIRT --timeout $T --expect 'Found U-Boot script /boot.scr' \
    --expect 'armada: booti from virtio 0:1' --expect 'loaded at 0x40400000' \
    -- $(disk build/media/virt-booti-test.img)
# shellcheck disable=SC2046
$run uboot-virt-fit --suite --bios $UBOOT_VIRT --timeout $T --expect "Trying 'armada' kernel subimage" \
    --expect 'sha256\+ OK' --expect 'loaded at 0x40400000' \
    -- $(disk build/media/virt-fit-test.img)
