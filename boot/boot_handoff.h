/* What the boot core leaves for secondaries, read by boot/head.S with the
 * MMU and caches still off: the boot core cleans it to the point of coherency
 * before releasing any core. Offsets are shared with assembly. */
#ifndef ARMADA_ARCH_BOOT_HANDOFF_H
#define ARMADA_ARCH_BOOT_HANDOFF_H

#define HANDOFF_MAX_CPUS 64
#define HANDOFF_MAIR 0
#define HANDOFF_TCR 8
#define HANDOFF_TTBR0 16
#define HANDOFF_CPU_COUNT 24
#define HANDOFF_MPIDR 32
#define HANDOFF_STACK_TOP (HANDOFF_MPIDR + 8 * HANDOFF_MAX_CPUS)
#define HANDOFF_EXC_STACK_TOP (HANDOFF_STACK_TOP + 8 * HANDOFF_MAX_CPUS)
#define HANDOFF_PERCPU (HANDOFF_EXC_STACK_TOP + 8 * HANDOFF_MAX_CPUS)
#define HANDOFF_SIZE (HANDOFF_PERCPU + 8 * HANDOFF_MAX_CPUS)

#ifndef __ASSEMBLER__
#include <stdint.h>
struct boot_handoff {
    uint64_t mair, tcr, ttbr0;
    uint64_t cpu_count;
    uint64_t mpidr[HANDOFF_MAX_CPUS];        /* logical id -> MPIDR affinity */
    uint64_t stack_top[HANDOFF_MAX_CPUS];    /* SP_EL0: the core's thread stack */
    uint64_t exc_stack_top[HANDOFF_MAX_CPUS];/* SP_EL1: where exceptions land */
    uint64_t percpu[HANDOFF_MAX_CPUS];       /* tpidr_el1 value */
};
extern struct boot_handoff boot_handoff;
#endif
#endif
