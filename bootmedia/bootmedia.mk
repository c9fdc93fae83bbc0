# Boot media: the Raspberry Pi 4 SD card (direct and through U-Boot), and the
# U-Boot disks for QEMU virt. Everything from Debian is fetched by
# tools/fetch-rpi4.sh into $(DEPS)/rpi4 (never committed).
#   make sdcard        build/armada-rpi4.img and build/armada-rpi4-uboot.img
#   make run-rpi4      build/armada.img on QEMU raspi4b with Linux's Pi 4 tree
#   make run-uboot     QEMU virt: U-Boot's distro boot finds Armada on a disk
# SDCARD_ARGS: the card's cmdline.txt (Armada's boot arguments, e.g. test).

RPI4_DEPS := $(DEPS)/rpi4
RPI4_STAMP := $(RPI4_DEPS)/fetched.stamp
RPI4_DTB := $(RPI4_DEPS)/bcm2711-rpi-4-b.dtb
UBOOT_QEMU := /usr/lib/u-boot/qemu_arm64/u-boot.bin
SDCARD_ARGS ?=
SDCARD_MIB := 64
MEDIA := $(BUILD)/media

.PHONY: sdcard run-rpi4 run-uboot run-uboot-fit rpi4-deps FORCE
FORCE:
.PRECIOUS: $(MEDIA)/virt/booti-%.scr $(MEDIA)/virt/fit-%.scr $(MEDIA)/virt/bootargs-%.txt

$(RPI4_STAMP): tools/fetch-rpi4.sh | $(SETUP_STAMP)
	@bash tools/fetch-rpi4.sh $(RPI4_DEPS)
	@touch $@
rpi4-deps: $(RPI4_STAMP)

# A file whose content is a make variable: rewritten only when it changes.
define write-if-changed
	@mkdir -p $(@D)
	@printf '%s\n' '$(1)' > $@.new
	@if cmp -s $@.new $@; then rm $@.new; else mv $@.new $@; fi
endef

$(MEDIA)/rpi4/cmdline.txt: FORCE
	$(call write-if-changed,$(SDCARD_ARGS))

$(MEDIA)/rpi4/boot.scr: bootmedia/rpi4-uboot.cmd | $(SETUP_STAMP)
	@mkdir -p $(@D)
	@mkimage -A arm64 -O linux -T script -C none -n "Armada on a Pi 4" -d $< $@ >/dev/null

RPI4_CARD_COMMON := $(RPI4_DEPS)/start4.elf $(RPI4_DEPS)/fixup4.dat $(RPI4_DTB) \
                    bootmedia/rpi4-config.txt=config.txt $(MEDIA)/rpi4/cmdline.txt

$(BUILD)/armada-rpi4.img: $(BUILD)/armada.img $(RPI4_STAMP) bootmedia/rpi4-config.txt \
                          $(MEDIA)/rpi4/cmdline.txt tools/mkdisk.sh
	@echo "  SDCARD  $@"
	@bash tools/mkdisk.sh $@ $(SDCARD_MIB) ARMADA $(RPI4_CARD_COMMON) $(BUILD)/armada.img=kernel8.img

$(BUILD)/armada-rpi4-uboot.img: $(BUILD)/armada.img $(RPI4_STAMP) bootmedia/rpi4-config.txt \
                                $(MEDIA)/rpi4/cmdline.txt $(MEDIA)/rpi4/boot.scr tools/mkdisk.sh
	@echo "  SDCARD  $@ (U-Boot)"
	@bash tools/mkdisk.sh $@ $(SDCARD_MIB) ARMADA $(RPI4_CARD_COMMON) \
		$(RPI4_DEPS)/u-boot-rpi4.bin=kernel8.img $(BUILD)/armada.img $(MEDIA)/rpi4/boot.scr

sdcard: $(BUILD)/armada-rpi4.img $(BUILD)/armada-rpi4-uboot.img
	@echo "sdcard: write with: sudo dd if=$(BUILD)/armada-rpi4.img of=/dev/sdX bs=4M conv=fsync"

# QEMU raspi4b, firmware-less: QEMU loads the image at 0x200000, writes the
# spin-table stubs at 0xd8.. and fills /memory. The mini UART is its 2nd UART.
run-rpi4: $(BUILD)/armada.img $(RPI4_STAMP)
	qemu-system-aarch64 -M raspi4b -nographic -serial null -serial mon:stdio -kernel $< \
		-dtb $(RPI4_DTB) $(if $(RUN_APPEND),-append "$(RUN_APPEND)")

# U-Boot on QEMU virt. boot.scr sets bootargs: @BOOTARGS@ in the .cmd.
# The test disks run the suites of the boot path (not the whole suite: the
# rest runs on the plain boot, and U-Boot's two runs took a minute of make test).
UBOOT_VIRT_ARGS ?= test=smp,timer,gic,psci,exception,sched
$(MEDIA)/virt/bootargs-%.txt: FORCE
	$(call write-if-changed,$(if $(filter run,$*),$(RUN_APPEND),$(UBOOT_VIRT_ARGS)))

$(MEDIA)/virt/booti-%.scr: bootmedia/virt-uboot.cmd $(MEDIA)/virt/bootargs-%.txt | $(SETUP_STAMP)
	@sed "s|@BOOTARGS@|$$(cat $(MEDIA)/virt/bootargs-$*.txt)|" $< > $(@:.scr=.cmd)
	@mkimage -A arm64 -O linux -T script -C none -n "Armada booti" -d $(@:.scr=.cmd) $@ >/dev/null

$(MEDIA)/virt/fit-%.scr: bootmedia/virt-uboot-fit.cmd $(MEDIA)/virt/bootargs-%.txt | $(SETUP_STAMP)
	@sed "s|@BOOTARGS@|$$(cat $(MEDIA)/virt/bootargs-$*.txt)|" $< > $(@:.scr=.cmd)
	@mkimage -A arm64 -O linux -T script -C none -n "Armada bootm FIT" -d $(@:.scr=.cmd) $@ >/dev/null

$(BUILD)/armada-virt.itb: dts/armada.its $(BUILD)/armada.img $(BUILD)/dts/qemu-virt-gicv3.dtb
	@echo "  FIT     $@"
	@mkimage -D "-I dts -O dtb -p 500 -i $(BUILD)" -f $< $@ >/dev/null

# Disks: virt-booti-test.img, virt-fit-test.img (make test), virt-booti-run.img (make run-uboot).
$(MEDIA)/virt-booti-%.img: $(MEDIA)/virt/booti-%.scr $(BUILD)/armada.img tools/mkdisk.sh
	@bash tools/mkdisk.sh $@ $(SDCARD_MIB) ARMADA $(BUILD)/armada.img $<=boot.scr
$(MEDIA)/virt-fit-%.img: $(MEDIA)/virt/fit-%.scr $(BUILD)/armada-virt.itb tools/mkdisk.sh
	@bash tools/mkdisk.sh $@ $(SDCARD_MIB) ARMADA $(BUILD)/armada-virt.itb=armada.itb $<=boot.scr

UBOOT_VIRT_QEMU = qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a72 -smp 4 -m 512M \
    -nographic -net none -bios $(UBOOT_QEMU) -device virtio-blk-device,drive=disk \
    -drive if=none,id=disk,format=raw,snapshot=on,file=

# Quit: Ctrl-A X. RUN_APPEND becomes the boot script's bootargs.
run-uboot: $(MEDIA)/virt-booti-run.img
	$(UBOOT_VIRT_QEMU)$<
run-uboot-fit: $(MEDIA)/virt-fit-run.img
	$(UBOOT_VIRT_QEMU)$<

# What tests/qemu/matrix-rpi4.sh boots (built by `make test`).
RPI4_TEST_MEDIA := $(BUILD)/armada-rpi4.img $(BUILD)/armada-rpi4-uboot.img \
                   $(MEDIA)/virt-booti-test.img $(MEDIA)/virt-fit-test.img
rpi4-test-media: $(RPI4_TEST_MEDIA)
.PHONY: rpi4-test-media
