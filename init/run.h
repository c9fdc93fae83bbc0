/* What the first process runs (init/run.c): every registered run mode whose
 * boot word is given, in order; if none takes the machine, make run's demo
 * workload and the shell. A mode is registered by the layer that owns it
 * (tests/ registers test, bench, litmus) with RUN_MODE, which the linker
 * gathers (boot/armada.lds): init/ names nothing above it. */
#ifndef ARMADA_INIT_RUN_H
#define ARMADA_INIT_RUN_H

#include <lib/bootargs.h>
#include <stdbool.h>

struct run_mode {
    const char *name;
    bool (*wanted)(const struct bootargs *b);
    void (*run)(const struct bootargs *b); /* usually powers off; may return */
};
/* `order`: a digit; modes run in that order. */
#define RUN_MODE(order, id, wanted_, run_)                                                          \
    static const struct run_mode run_mode_##id                                                      \
        __attribute__((used, section(".run_modes." #order #id), aligned(8))) = {#id, wanted_, run_}

#endif
