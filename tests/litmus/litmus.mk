# Litmus tests, included by the top Makefile (paths from the repository root):
#   make litmus-host   the tests on this x86-64 host (pthreads)
#   make litmus        the tests on QEMU virt (4 cores, multi-threaded TCG) and on
#                      the host, then one table: build/litmus.{txt,md,csv} + chart
#   make litmus-model  the ARMv8 and x86-TSO verdicts of every test, computed
#                      (tests/litmus/model/), each with its witness or cycle
#   make litmus-graphs those drawn into build/litmus/graphs/ (make litmus does too)
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

LITMUS_MODEL := $(LITMUS_BUILD)/litmus-model
LITMUS_MODEL_SRCS := $(wildcard tests/litmus/model/*.c) lib/bootargs.c

.PHONY: litmus litmus-host litmus-host-bin litmus-model litmus-model-bin litmus-graphs

$(LITMUS_HOST): tests/litmus/host/main.c $(LITMUS_SHARED) $(LITMUS_HDRS)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@gcc -std=gnu11 -O2 -g -Wall -Wextra -Werror -pthread -I. -o $@ tests/litmus/host/main.c $(LITMUS_SHARED)

litmus-host-bin: $(LITMUS_HOST)

# The checker runs on the host only; sanitized, as the other host tests.
$(LITMUS_MODEL): $(LITMUS_MODEL_SRCS) $(wildcard tests/litmus/model/*.h tests/litmus/model/*.def) $(LITMUS_HDRS)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@gcc -std=gnu11 -O2 -g -Wall -Wextra -Werror -fsanitize=address,undefined -fno-sanitize-recover=all \
		-I. -o $@ $(LITMUS_MODEL_SRCS)

litmus-model-bin: $(LITMUS_MODEL)

litmus-model: $(LITMUS_MODEL)
	@$(LITMUS_MODEL) $(LITMUS_TESTS)

litmus-graphs: $(LITMUS_MODEL) | $(SETUP_STAMP)
	@bash tools/litmus-graphs.sh $(if $(LITMUS_TESTS),--tests $(LITMUS_TESTS))

litmus-host: $(LITMUS_HOST)
	@$(LITMUS_HOST) iters=$(LITMUS_HOST_ITERS) $(if $(LITMUS_TESTS),litmus=$(LITMUS_TESTS))

litmus: $(BUILD)/armada.img $(LITMUS_HOST) $(LITMUS_MODEL)
	@bash tools/litmus-report.sh --iters $(LITMUS_ITERS) --host-iters $(LITMUS_HOST_ITERS) \
		$(if $(LITMUS_TESTS),--tests $(LITMUS_TESTS))

.DEFAULT_GOAL := $(LITMUS_SAVED_GOAL)
