# gdb-multiarch script for `make debug`: symbols are loaded from armada.elf,
# which is linked at 0; QEMU virt loads the image at 0x40200000, so add that.
set architecture aarch64
target remote localhost:1234
symbol-file
add-symbol-file build/armada.elf -o 0x40200000
break init_boot_core
echo Armada: stopped at reset. 'continue' runs to init_boot_core (MMU on).\n
