# Host-side checks of lib/dt, included by the top Makefile (paths are relative
# to the repository root):
#   make host-tests   unit tests with ASan+UBSan over generated DTBs
#   make fuzz-smoke   libFuzzer on platform_from_dt for 20 s
#   make fuzz         the same for $(FUZZ_SECONDS) s (600 by default)
# Each prints PASS/FAIL lines only at line starts, for the top level to count.

# Including this file must not change the including Makefile's default goal.
HOST_SAVED_GOAL := $(.DEFAULT_GOAL)

HOST_BUILD := build/host
HOST_DTB := $(HOST_BUILD)/dtb
HOST_CC ?= gcc
HOST_FUZZ_CC ?= clang
HOST_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -g -O1 -fno-omit-frame-pointer \
               -fsanitize=address,undefined -fno-sanitize-recover=all -Ilib/dt -Itests/host
HOST_DT_SRCS := $(wildcard lib/dt/*.c)
HOST_DT_HDRS := $(wildcard lib/dt/*.h) tests/host/support.h
HOST_TESTS := $(patsubst tests/host/%.c,$(HOST_BUILD)/%,$(wildcard tests/host/test_*.c))
QEMU_AARCH64 ?= qemu-system-aarch64
DTC ?= dtc

# QEMU's own trees: machine options, then the rest of the command line.
HOST_QEMU_TREES := virt-gicv3 virt-gicv2 virt-clusters virt-el2 virt-20cpu
HOST_QEMU_M_virt-gicv3 := virt,gic-version=3
HOST_QEMU_A_virt-gicv3 := -smp 4 -m 512
HOST_QEMU_M_virt-gicv2 := virt,gic-version=2
HOST_QEMU_A_virt-gicv2 := -smp 2 -m 512
HOST_QEMU_M_virt-clusters := virt,gic-version=3
HOST_QEMU_A_virt-clusters := -smp 8,clusters=2,cores=4 -m 512
HOST_QEMU_M_virt-el2 := virt,gic-version=3,virtualization=on
HOST_QEMU_A_virt-el2 := -smp 4 -m 2G
HOST_QEMU_M_virt-20cpu := virt,gic-version=3
HOST_QEMU_A_virt-20cpu := -smp 20 -m 512

HOST_DTBS := $(HOST_QEMU_TREES:%=$(HOST_DTB)/%.dtb) \
             $(patsubst tests/host/dts/%.dts,$(HOST_DTB)/%.dtb,$(wildcard tests/host/dts/*.dts))

.PHONY: host-tests fuzz-smoke fuzz host-dtbs host-clean
host-dtbs: $(HOST_DTBS)

# -nic none: without it QEMU looks for a virtio-net option ROM and fails.
$(HOST_QEMU_TREES:%=$(HOST_DTB)/%.dtb): $(HOST_DTB)/%.dtb:
	@mkdir -p $(@D)
	$(QEMU_AARCH64) -M $(HOST_QEMU_M_$*),dumpdtb=$@ -cpu cortex-a72 $(HOST_QEMU_A_$*) \
		-nic none -nographic >/dev/null

$(HOST_DTB)/%.dtb: tests/host/dts/%.dts
	@mkdir -p $(@D)
	$(DTC) -q -I dts -O dtb -o $@ $<

$(HOST_BUILD)/test_%: tests/host/test_%.c tests/host/support.c $(HOST_DT_SRCS) $(HOST_DT_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $< tests/host/support.c $(HOST_DT_SRCS) -lfdt

# A binary that dies (sanitizer report, signal) cannot print its own FAIL
# line: sanitizers exit 99 so that is told apart from "some tests failed" (1).
HOST_SAN_ENV := ASAN_OPTIONS=exitcode=99:detect_leaks=1 UBSAN_OPTIONS=exitcode=99:print_stacktrace=1

host-tests: $(HOST_TESTS) $(HOST_DTBS)
	@fail=0; for t in $(HOST_TESTS); do \
		$(HOST_SAN_ENV) $$t $(HOST_DTB); rc=$$?; \
		if [ $$rc -gt 1 ]; then echo "FAIL $$(basename $$t): crashed (exit $$rc)"; fi; \
		[ $$rc -eq 0 ] || fail=1; \
	done; exit $$fail

# Fuzzing: seeds are the test trees repacked by dtc (QEMU pads its blobs to 1 MiB).
FUZZ_SECONDS ?= 600
HOST_FUZZ := $(HOST_BUILD)/fuzz_dt
HOST_CORPUS := $(HOST_BUILD)/fuzz-corpus
HOST_FUZZ_FLAGS := -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
                   -artifact_prefix=$(HOST_BUILD)/fuzz-crash-

$(HOST_FUZZ): tests/fuzz/fuzz_dt.c $(HOST_DT_SRCS) $(wildcard lib/dt/*.h)
	@mkdir -p $(@D)
	$(HOST_FUZZ_CC) -std=gnu11 -Wall -Wextra -Werror -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -Ilib/dt -o $@ $< $(HOST_DT_SRCS) -lfdt

# tests/fuzz/regress/ holds inputs that once crashed or hung: kept as seeds.
HOST_REGRESS := $(wildcard tests/fuzz/regress/*)

$(HOST_CORPUS)/.stamp: $(HOST_DTBS) $(HOST_REGRESS)
	@mkdir -p $(@D)
	@for f in $(HOST_DTBS); do $(DTC) -q -I dtb -O dtb -o $(@D)/$$(basename $$f) $$f || exit 1; done
	@for f in $(HOST_REGRESS); do cp $$f $(@D)/regress-$$(basename $$f); done
	@touch $@

# $(1): seconds, $(2): PASS/FAIL name. New inputs go to a scratch dir, seeds stay as built.
define host_run_fuzz
	@mkdir -p $(HOST_BUILD)/fuzz-work
	@if $(HOST_FUZZ) $(HOST_FUZZ_FLAGS) -max_total_time=$(1) $(HOST_BUILD)/fuzz-work $(HOST_CORPUS) \
		>$(HOST_BUILD)/$(2).log 2>&1; then echo "PASS $(2)"; \
	else tail -n 40 $(HOST_BUILD)/$(2).log; echo "FAIL $(2): see $(HOST_BUILD)/$(2).log"; exit 1; fi
endef

fuzz-smoke: $(HOST_FUZZ) $(HOST_CORPUS)/.stamp
	$(call host_run_fuzz,20,fuzz_dt_smoke)

fuzz: $(HOST_FUZZ) $(HOST_CORPUS)/.stamp
	$(call host_run_fuzz,$(FUZZ_SECONDS),fuzz_dt)

host-clean:
	rm -rf $(HOST_BUILD)


# The external term codec (lib/term/) under libFuzzer; seeds: erl's encodings
# in tests/unit/term_fixtures.h. `make fuzz` runs it for FUZZ_SECONDS too.
HOST_FUZZ_TERM := $(HOST_BUILD)/fuzz_term
HOST_TERM_CORPUS := $(HOST_BUILD)/fuzz-term-corpus
HOST_TERM_SRCS := $(wildcard lib/term/*.c)
HOST_FUZZ_TERM_FLAGS := -max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
                        -artifact_prefix=$(HOST_BUILD)/fuzz-term-crash-

$(HOST_FUZZ_TERM): tests/fuzz/fuzz_term.c tests/unit/term_rebuild.h $(HOST_TERM_SRCS) $(wildcard lib/term/*.h)
	@mkdir -p $(@D)
	$(HOST_FUZZ_CC) -std=gnu11 -Wall -Wextra -Werror -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -I. -Itests/unit -o $@ $< $(HOST_TERM_SRCS)

$(HOST_TERM_CORPUS)/.stamp: tests/unit/term_fixtures.h tests/fuzz/term-seeds.py
	@python3 tests/fuzz/term-seeds.py $< $(@D)
	@touch $@

# $(1): seconds, $(2): PASS/FAIL name.
define host_run_fuzz_term
	@mkdir -p $(HOST_BUILD)/fuzz-term-work
	@if $(HOST_FUZZ_TERM) $(HOST_FUZZ_TERM_FLAGS) -max_total_time=$(1) $(HOST_BUILD)/fuzz-term-work \
		$(HOST_TERM_CORPUS) >$(HOST_BUILD)/$(2).log 2>&1; then echo "PASS $(2)"; \
	else tail -n 40 $(HOST_BUILD)/$(2).log; echo "FAIL $(2): see $(HOST_BUILD)/$(2).log"; exit 1; fi
endef

.PHONY: fuzz-term fuzz-term-smoke
fuzz-term-smoke: $(HOST_FUZZ_TERM) $(HOST_TERM_CORPUS)/.stamp
	$(call host_run_fuzz_term,10,fuzz_term_smoke)
fuzz-term: $(HOST_FUZZ_TERM) $(HOST_TERM_CORPUS)/.stamp
	$(call host_run_fuzz_term,$(FUZZ_SECONDS),fuzz_term)
fuzz-smoke: fuzz-term-smoke
fuzz: fuzz-term

.DEFAULT_GOAL := $(HOST_SAVED_GOAL)
