# sync/: the LSE image, host ThreadSanitizer runs of the portable algorithms,
# and the lock benchmarks. Included by the top Makefile.
#   make ATOMICS=lse                   an image with LSE atomics (LDADDAL, CASAL, SWPAL)
#                                      in build/lse/armada.img (`make lse` does the same)
#   make sync-host-tests               seqlock, RCU, per-CPU counters on the host under TSan
#   make bench                         lock benchmarks on QEMU (tests/bench/run-bench.sh)
SYNC_SAVED_GOAL := $(.DEFAULT_GOAL)

ifeq ($(ATOMICS),lse)
ifeq ($(BUILD),build)
$(error ATOMICS=lse must not overwrite build/armada.img: leave BUILD alone, or point it elsewhere)
endif
# -march=armv8.1-a (the later -march wins): LSE for our asm and for the
# compiler's own __atomic builtins, so the whole image is LSE.
CFLAGS += -DARMADA_LSE=1 -march=armv8.1-a
ASFLAGS += -DARMADA_LSE=1
else ifneq ($(ATOMICS),llsc)
$(error ATOMICS must be llsc (default) or lse, not "$(ATOMICS)")
endif

LSE_IMAGE := build/lse/armada.img
.PHONY: lse sync-host-tests bench
lse:
	@$(MAKE) --no-print-directory ATOMICS=lse BUILD=build/lse build/lse/armada.img

# Host builds of the portable algorithms (same sources) under ThreadSanitizer.
# -Wno-tsan: TSan does not model atomic_thread_fence (the seqlock barriers);
# every access they order is itself atomic here, so no race goes unseen for it.
SYNC_HOST := build/host/sync
SYNC_HOST_SRCS := sync/rcu.c sync/percpu_counter.c
SYNC_HOST_TESTS := $(patsubst tests/host/sync/%.c,$(SYNC_HOST)/%,$(wildcard tests/host/sync/test_*.c))
SYNC_HOST_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -Wno-tsan -g -O1 -fsanitize=thread -DARMADA_HOST -I. \
                    -Itests/host/sync

$(SYNC_HOST)/test_%: tests/host/sync/test_%.c tests/host/sync/host_cpus.c tests/host/sync/host_cpus.h \
                     $(SYNC_HOST_SRCS) $(wildcard sync/*.h)
	@mkdir -p $(@D)
	@$(HOST_CC) $(SYNC_HOST_CFLAGS) -o $@ $< tests/host/sync/host_cpus.c $(SYNC_HOST_SRCS) -lpthread

# TSan exits 66 on a report: a crash or a race is a FAIL line of its own.
sync-host-tests: $(SYNC_HOST_TESTS)
	@fail=0; for t in $(SYNC_HOST_TESTS); do \
		TSAN_OPTIONS=exitcode=66:halt_on_error=1 setarch -R $$t; rc=$$?; \
		if [ $$rc -gt 1 ]; then echo "FAIL $$(basename $$t): ThreadSanitizer report or crash (exit $$rc)"; fi; \
		[ $$rc -eq 0 ] || fail=1; \
	done; exit $$fail

bench: $(BUILD)/armada.img
	@$(MAKE) --no-print-directory lse
	@bash tests/bench/run-bench.sh

.DEFAULT_GOAL := $(SYNC_SAVED_GOAL)
