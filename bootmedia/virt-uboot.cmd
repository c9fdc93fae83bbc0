# boot.scr for U-Boot's distro boot on QEMU virt (mkimage -T script): load
# armada.img from the partition this script came from, start it with booti on
# U-Boot's own device tree (QEMU's, at ${fdtcontroladdr}).
setenv bootargs "@BOOTARGS@"
echo "armada: booti from ${devtype} ${devnum}:${distro_bootpart}, bootargs ${bootargs}"
load ${devtype} ${devnum}:${distro_bootpart} ${kernel_addr_r} armada.img
booti ${kernel_addr_r} - ${fdtcontroladdr}
