# Armada: one relocatable AArch64 image for QEMU virt, QEMU raspi4b and the Pi 4.
# `make` builds build/armada.img and build/armada.elf. See README.md for targets.

CROSS ?= aarch64-linux-gnu-
CC := $(CROSS)gcc
OBJCOPY := $(CROSS)objcopy
BUILD := build
DEPS := .deps
LIBFDT_ARM64 := $(DEPS)/libfdt-arm64
LIBFDT_A := $(LIBFDT_ARM64)/usr/lib/aarch64-linux-gnu/libfdt.a
SETUP_STAMP := $(DEPS)/setup.stamp

# Every module lists its sources here; one directory, one idea.
SRCS_S := boot/head.S arch/arm64/vectors.S arch/arm64/cache.S
SRCS_C := boot/main.c boot/smp.c boot/run.c \
          arch/arm64/mmu.c arch/arm64/exception.c arch/arm64/timer.c \
          lib/string.c lib/fmt.c lib/bootargs.c lib/ssp.c \
          $(wildcard lib/dt/*.c) \
          drivers/console.c drivers/pl011.c \
          gic/irq.c gic/gicv3.c \
          psci/psci.c psci/cpu_start.c \
          sync/spinlock.c sync/xcall.c \
          mm/page_alloc.c \
          tests/image/harness.c $(wildcard tests/image/test_*.c)

CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding -nostdinc -fno-builtin \
          -fpie -mgeneral-regs-only -mstrict-align -mno-outline-atomics -march=armv8-a \
          -fno-stack-protector -fno-omit-frame-pointer \
          -I. -Iarch/arm64/include -Ilib/include -I$(LIBFDT_ARM64)/usr/include \
          -isystem $(shell $(CC) -print-file-name=include 2>/dev/null) -MMD -MP
ASFLAGS := -g -I. -Iarch/arm64/include -D__ASSEMBLER__ -MMD -MP
LDFLAGS := -nostdlib -static-pie -Wl,--no-dynamic-linker -Wl,-z,norelro -Wl,-z,notext \
           -Wl,--build-id=none -Wl,-T,boot/armada.lds -Wl,-z,max-page-size=4096 -Wl,--no-warn-rwx-segments

OBJS := $(SRCS_S:%.S=$(BUILD)/obj/%.o) $(SRCS_C:%.c=$(BUILD)/obj/%.o)

.PHONY: all setup clean distclean run test debug
all: $(BUILD)/armada.img

$(SETUP_STAMP): tools/setup.sh
	@bash tools/setup.sh
	@mkdir -p $(DEPS) && touch $@

setup: $(SETUP_STAMP)

$(LIBFDT_A): | $(SETUP_STAMP)
	@bash tools/fetch-libfdt-arm64.sh $(LIBFDT_ARM64)

$(BUILD)/obj/%.o: %.c | $(LIBFDT_A)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/obj/%.o: %.S | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) $(ASFLAGS) -c $< -o $@

$(BUILD)/armada.elf: $(OBJS) $(LIBFDT_A) boot/armada.lds
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) $(OBJS) $(LIBFDT_A) -lgcc -o $@
	@bash tools/check-image.sh $@

$(BUILD)/armada.img: $(BUILD)/armada.elf
	$(OBJCOPY) -O binary $< $@

clean:
	rm -rf $(BUILD)

distclean: clean
	rm -rf $(DEPS)

-include $(OBJS:.o=.d)
