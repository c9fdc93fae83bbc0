# Armada: one relocatable AArch64 image for QEMU virt, QEMU raspi4b and the Pi 4.
# `make` builds build/armada.img and build/armada.elf. See README.md for targets.

CROSS ?= aarch64-linux-gnu-
CC := $(CROSS)gcc
OBJCOPY := $(CROSS)objcopy
# `make ATOMICS=lse` builds the LSE image beside the default one (sync/sync.mk).
ATOMICS ?= llsc
# `make FLIGHT_SITES=out` builds build/nosites/armada.img with the flight
# recorder's call sites compiled out (docs/trace.md, Cost).
FLIGHT_SITES ?= on
# `make LOCKS=debug` builds build/lockdebug/armada.img, whose ticket locks
# check recursion and non-owner unlocks and count every acquisition
# (sync/spinlock.h); the default, lean, counts only contended ones.
LOCKS ?= lean
BUILD := $(if $(filter lse,$(ATOMICS)),build/lse,$(if $(filter out,$(FLIGHT_SITES)),build/nosites,$(if $(filter debug,$(LOCKS)),build/lockdebug,build)))
DEPS := .deps
LIBFDT_ARM64 := $(DEPS)/libfdt-arm64
LIBFDT_A := $(LIBFDT_ARM64)/usr/lib/aarch64-linux-gnu/libfdt.a
SETUP_STAMP := $(DEPS)/setup.stamp

# The image is every source in these directories: the tree is the architecture.
IMAGE_DIRS := boot arch/arm64 lib lib/dt lib/term drivers gic psci sync mm sched net dist apps init tests/image tests/litmus tests/bench
SRCS_S := $(foreach d,$(IMAGE_DIRS),$(wildcard $(d)/*.S))
SRCS_C := $(foreach d,$(IMAGE_DIRS),$(wildcard $(d)/*.c))

# The compiler's own headers (stddef.h, stdint.h) under -nostdinc. Worked out
# on first use, inside a recipe: never while make reads this file, because on a
# fresh machine the cross compiler only exists once tools/setup.sh has run.
GCC_INCLUDE = $(eval GCC_INCLUDE := $(shell $(CC) -print-file-name=include))$(GCC_INCLUDE)
CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding -nostdinc -fno-builtin \
          -fpie -mgeneral-regs-only -mstrict-align -mno-outline-atomics -march=armv8-a \
          -fno-stack-protector -fno-omit-frame-pointer \
          -I. -Iarch/arm64/include -Ilib/include -I$(LIBFDT_ARM64)/usr/include \
          -MMD -MP
ASFLAGS := -g -I. -Iarch/arm64/include -D__ASSEMBLER__ -MMD -MP
LDFLAGS := -nostdlib -static-pie -Wl,--no-dynamic-linker -Wl,-z,norelro -Wl,-z,notext \
           -Wl,--build-id=none -Wl,-T,boot/armada.lds -Wl,-z,max-page-size=4096 -Wl,--no-warn-rwx-segments

ifeq ($(LOCKS),debug)
CFLAGS += -DARMADA_LOCK_DEBUG
else ifneq ($(LOCKS),lean)
$(error LOCKS must be lean (default) or debug, not "$(LOCKS)")
endif
ifeq ($(FLIGHT_SITES),out)
CFLAGS += -DFLIGHT_SITES_OUT
else ifneq ($(FLIGHT_SITES),on)
$(error FLIGHT_SITES must be on (default) or out, not "$(FLIGHT_SITES)")
endif

OBJS := $(SRCS_S:%.S=$(BUILD)/obj/%.o) $(SRCS_C:%.c=$(BUILD)/obj/%.o)

.PHONY: all setup clean distclean run run-net test trace debug fuzz fuzz-boot unit-tests dtbs fresh-check soak run-cluster
all: $(BUILD)/armada.img

include net/lwip.mk
OBJS += $(LWIP_OBJS)

$(SETUP_STAMP): tools/setup.sh
	@bash tools/setup.sh
	@mkdir -p $(DEPS) && touch $@

setup: $(SETUP_STAMP)

$(LIBFDT_A): | $(SETUP_STAMP)
	@bash tools/fetch-libfdt-arm64.sh $(LIBFDT_ARM64)

$(BUILD)/obj/%.o: %.c | $(LIBFDT_A) $(LWIP_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) $(LWIP_CFLAGS) -isystem $(GCC_INCLUDE) -c $< -o $@

$(BUILD)/obj/%.o: %.S | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) $(ASFLAGS) -c $< -o $@

# Two links: the first gives the functions' addresses, tools/gen-ksyms.sh
# turns them into the .ksyms table, the second links it in. .ksyms comes last
# (boot/armada.lds), so every function keeps its address: checked.
$(BUILD)/armada.pass1.elf: $(OBJS) $(LIBFDT_A) boot/armada.lds
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) $(OBJS) $(LIBFDT_A) -lgcc -o $@

$(BUILD)/ksyms.o: $(BUILD)/armada.pass1.elf tools/gen-ksyms.sh
	@bash tools/gen-ksyms.sh $< > $(BUILD)/ksyms.S
	@$(CC) $(ASFLAGS) -c $(BUILD)/ksyms.S -o $@

$(BUILD)/armada.elf: $(BUILD)/armada.pass1.elf $(BUILD)/ksyms.o
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) $(OBJS) $(BUILD)/ksyms.o $(LIBFDT_A) -lgcc -o $@
	@bash tools/gen-ksyms.sh $@ > $(BUILD)/ksyms.final.S
	@cmp -s $(BUILD)/ksyms.final.S $(BUILD)/ksyms.S || \
	    { echo "ksyms: a function moved between the two links" >&2; rm -f $@; exit 1; }
	@FLIGHT_SITES=$(FLIGHT_SITES) bash tools/check-image.sh $@

$(BUILD)/armada.img: $(BUILD)/armada.elf
	$(OBJCOPY) -O binary $< $@

# Device trees: dts/*.dts -> build/dts/*.dtb; virt-truncated.dtb is cut by tools/dtb-cut.
DTBS := $(patsubst dts/%.dts,$(BUILD)/dts/%.dtb,$(wildcard dts/*.dts)) $(BUILD)/dts/virt-truncated.dtb
dtbs: $(DTBS)

$(BUILD)/dts/%.dtb: dts/%.dts $(wildcard dts/*.dtsi) | $(SETUP_STAMP)
	@mkdir -p $(@D)
	@echo "  DTC     $<"
	@dtc -q -I dts -O dtb -o $@ $<

$(BUILD)/tools/dtb-cut: tools/dtb-cut.c | $(SETUP_STAMP)
	@mkdir -p $(@D)
	@gcc -std=gnu11 -Wall -Wextra -Werror -O2 -o $@ $< -lfdt

$(BUILD)/dts/virt-truncated.dtb: $(BUILD)/dts/virt-truncated-src.dtb $(BUILD)/tools/dtb-cut
	@$(BUILD)/tools/dtb-cut $< $@ /cpus/cpu@2

# Damaged trees for booting the image on (tests/qemu/dtboot.sh); it reads each
# with lib/dt, under ASan, to know what the image must report.
$(BUILD)/tools/dt-mutate: tools/dt-mutate.c $(wildcard lib/dt/*.c lib/dt/*.h) | $(SETUP_STAMP)
	@mkdir -p $(@D)
	@gcc -std=gnu11 -Wall -Wextra -Werror -O1 -g -fsanitize=address,undefined -Ilib/dt -o $@ \
		tools/dt-mutate.c $(wildcard lib/dt/*.c) -lfdt

# make fuzz-boot: FUZZ_BOOT_COUNT random damaged trees booted, all cores busy.
FUZZ_BOOT_COUNT ?= 1000
FUZZ_BOOT_FIRST ?= 1
fuzz-boot: $(BUILD)/armada.img $(BUILD)/tools/dt-mutate $(BUILD)/dts/virt-mutate-base.dtb $(BUILD)/tests/stub.bin
	@DTBOOT_JOBS=$$(nproc) bash tests/qemu/dtboot.sh random $(FUZZ_BOOT_COUNT) $(FUZZ_BOOT_FIRST)

# The stand-in loader for tests that hand over a blob QEMU would refuse.
$(BUILD)/tests/stub.bin: tests/qemu/stub.S | $(SETUP_STAMP)
	@mkdir -p $(@D)
	@$(CC) -nostdlib -static -DDTB_ADDR=0x48000000 -Wl,-Ttext=0x40100000 -Wl,--build-id=none -o $(@:.bin=.elf) $<
	@$(OBJCOPY) -O binary -j .text $(@:.bin=.elf) $@
# The same loader as a kernel for QEMU's -kernel path, jumping to the image
# at ADDR (raspi4b: where the Pi firmware loads it, 0x80000, and 0x200000).
STUB_LOAD_ADDRS := 0x80000 0x200000
$(BUILD)/tests/stub-at-%.bin: tests/qemu/stub.S | $(SETUP_STAMP)
	@mkdir -p $(@D)
	@$(CC) -nostdlib -static -DIMAGE_ADDR=$* -Wl,-Ttext=0x1000000 -Wl,--build-id=none -o $(@:.bin=.elf) $<
	@$(OBJCOPY) -O binary -j .text $(@:.bin=.elf) $@

# The soak for MINUTES (default 10) on 8 cores (make test runs one minute).
MINUTES ?= 10
soak: $(BUILD)/armada.img
	@SOAK_SECONDS=$$(( $(MINUTES) * 60 )) bash tests/qemu/soak.sh

# Host unit tests of the pure logic in lib/ (ASan + UBSan).
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/test_*.c))
$(BUILD)/unit/test_fmt: lib/fmt.c
$(BUILD)/unit/test_bootargs: lib/bootargs.c
$(BUILD)/unit/test_runqueue: sched/runqueue.c
$(BUILD)/unit/test_policy: sched/policy.c
$(BUILD)/unit/test_virtqueue: drivers/virtqueue.c
$(BUILD)/unit/test_timer_heap: drivers/timer_heap.c
$(BUILD)/unit/test_md5: lib/md5.c
$(BUILD)/unit/test_dist_digest: dist/digest.c lib/md5.c lib/fmt.c
$(BUILD)/unit/test_term: lib/term/term_decode.c lib/term/term_encode.c lib/term/term_match.c tests/unit/term_fixtures.h tests/unit/term_rebuild.h $(wildcard lib/term/*.h)

$(BUILD)/unit/%: tests/unit/%.c tests/unit/unit.h | $(SETUP_STAMP)
	@mkdir -p $(@D)
	@gcc -std=gnu11 -Wall -Wextra -Werror -Wno-format -g -fsanitize=address,undefined \
		-fno-sanitize-recover=all -I. -Iarch/arm64/include -Itests/unit -o $@ $(filter %.c,$^)
unit-tests: $(UNIT_TESTS)
	@fail=0; for t in $(UNIT_TESTS); do timeout 120 $$t || { echo "FAIL $$t: exited $$?"; fail=1; }; done; \
	$(MAKE) --no-print-directory term-fixtures-check || fail=1; exit $$fail

# The committed term fixtures are what this erl encodes (a change of OTP or of
# the escript shows here); regenerate with the command the escript names.
.PHONY: term-fixtures-check
term-fixtures-check:
	@if ! command -v escript >/dev/null; then echo "SKIP term_fixtures_current: no escript (erlang-base)"; \
	elif timeout 120 escript tests/unit/term-fixtures.escript | cmp -s - tests/unit/term_fixtures.h; then \
		echo "PASS term_fixtures_current: tests/unit/term_fixtures.h is what erl encodes"; \
	else echo "FAIL term_fixtures_current: tests/unit/term_fixtures.h differs from erl's encodings;" \
		"regenerate: escript tests/unit/term-fixtures.escript > tests/unit/term_fixtures.h"; exit 1; fi

include tests/host/host.mk
include sync/sync.mk
include tests/litmus/litmus.mk
include bootmedia/bootmedia.mk

QEMU_VIRT := qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a72 -smp 4 -m 512M \
             -net none -kernel $(BUILD)/armada.img
RUN_APPEND ?=

# The demo on QEMU virt: boot log, then IPIs between the cores. Quit: Ctrl-A X.
run: $(BUILD)/armada.img
	$(QEMU_VIRT) -nographic $(if $(RUN_APPEND),-append "$(RUN_APPEND)")

# The network: virtio-net on QEMU's user network, the TCP echo service on
# NET_PORT forwarded from 127.0.0.1 only (try: nc 127.0.0.1 7777). Ctrl-A X.
NET_PORT ?= 7777
run-net: $(BUILD)/armada.img
	qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a72 -smp 4 -m 512M -kernel $(BUILD)/armada.img \
		-netdev user,id=n0,hostfwd=tcp:127.0.0.1:$(NET_PORT)-:$(NET_PORT) -device virtio-net-device,netdev=n0 \
		-nographic -append "echo=$(NET_PORT) $(RUN_APPEND)"

# An Erlang cluster: Armada as armada@127.0.0.1 in the background, epmd, and
# an erl shell as beam@127.0.0.1 with the same cookie (tools/run-cluster.sh).
run-cluster: $(BUILD)/armada.img
	@bash tools/run-cluster.sh

# QEMU halted with a gdb stub on :1234, and gdb-multiarch attached with symbols.
debug: $(BUILD)/armada.img
	@echo "QEMU waits for gdb on localhost:1234 (log: $(BUILD)/debug-console.log)"
	$(QEMU_VIRT) -S -gdb tcp::1234 -serial file:$(BUILD)/debug-console.log -display none -daemonize
	gdb-multiarch -q -x tools/armada.gdb $(BUILD)/armada.elf

# The flight recorder over a demo: build/trace/trace.json (Perfetto) and
# timeline.png (tools/trace-run.sh, docs/trace.md).
DEMO ?= ring
CORES ?= 4
SECONDS ?= 2
trace: $(BUILD)/armada.img
	@bash tools/trace-run.sh $(DEMO) $(CORES) $(SECONDS)

# Everything: host unit tests, DT tests and a fuzz smoke run, then QEMU.
test: $(BUILD)/armada.img $(DTBS) $(BUILD)/tests/stub.bin $(STUB_LOAD_ADDRS:%=$(BUILD)/tests/stub-at-%.bin)
	@bash tests/run-all.sh


# The README's two commands in fresh minbase bookworm chroots (takes 15-25 min).
fresh-check:
	@bash tools/fresh-check.sh

# --one-file-system: a chroot of fresh-check's that is still mounted keeps its
# bind mounts of /dev and /sys out of reach.
clean:
	rm -rf --one-file-system $(BUILD)

distclean: clean
	rm -rf $(DEPS)

-include $(OBJS:.o=.d)
