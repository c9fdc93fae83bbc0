# boot.scr for the FIT variant on QEMU virt (mkimage -T script): one FIT
# (dts/armada.its) carries the image and its device tree; bootm starts it.
# The FIT goes high (ramdisk_addr_r) so the image can be placed at its load address.
setenv bootargs "@BOOTARGS@"
echo "armada: bootm of armada.itb from ${devtype} ${devnum}:${distro_bootpart}, bootargs ${bootargs}"
load ${devtype} ${devnum}:${distro_bootpart} ${ramdisk_addr_r} armada.itb
bootm ${ramdisk_addr_r}
