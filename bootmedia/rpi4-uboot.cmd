# boot.scr for the U-Boot variant of the Pi 4 card (mkimage -T script).
# U-Boot keeps the firmware's device tree (memory filled in, cmdline.txt in
# /chosen/bootargs) at ${fdt_addr}; start Armada on it with booti.
fdt addr ${fdt_addr}
fdt get value bootargs /chosen bootargs
echo "armada: loading armada.img from ${devtype} ${devnum}:${distro_bootpart}"
load ${devtype} ${devnum}:${distro_bootpart} ${kernel_addr_r} armada.img
booti ${kernel_addr_r} - ${fdt_addr}
