# Litmus tests, included by the top Makefile (paths from the repository root):
#   make litmus-host   the tests on this x86-64 host (pthreads)
#   make litmus        the tests on QEMU virt (4 cores, multi-threaded TCG) and on
#                      the host, then one table: build/litmus.{txt,md,csv} + chart
#   LITMUS_ITERS=N  LITMUS_HOST_ITERS=N  LITMUS_TESTS=MP,SB  to change the run.
# The image side is tests/litmus/*.c, compiled into the image (IMAGE_DIRS).

# Including this file must not change the including Makefile's default goal.
LITMUS_SAVED_GOAL := $(.DEFAULT_GOAL)

LITMUS_BUILD := build/litmus
LITMUS_HOST := $(LITMUS_BUILD)/litmus-host
LITMUS_ITERS ?= 20000
LITMUS_HOST_ITERS ?= 200000
LITMUS_TESTS ?=
LITMUS_SHARED := tests/litmus/engine.c tests/litmus/tests.c lib/bootargs.c
LITMUS_HDRS := $(wildcard tests/litmus/*.h tests/litmus/*.def) lib/bootargs.h

.PHONY: litmus litmus-host litmus-host-bin

$(LITMUS_HOST): tests/litmus/host/main.c $(LITMUS_SHARED) $(LITMUS_HDRS)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@gcc -std=gnu11 -O2 -g -Wall -Wextra -Werror -pthread -I. -o $@ tests/litmus/host/main.c $(LITMUS_SHARED)

litmus-host-bin: $(LITMUS_HOST)

litmus-host: $(LITMUS_HOST)
	@$(LITMUS_HOST) iters=$(LITMUS_HOST_ITERS) $(if $(LITMUS_TESTS),litmus=$(LITMUS_TESTS))

litmus: $(BUILD)/armada.img $(LITMUS_HOST)
	@bash tools/litmus-report.sh --iters $(LITMUS_ITERS) --host-iters $(LITMUS_HOST_ITERS) \
		$(if $(LITMUS_TESTS),--tests $(LITMUS_TESTS))

.DEFAULT_GOAL := $(LITMUS_SAVED_GOAL)
