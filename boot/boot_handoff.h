/* What the boot core leaves for secondaries, read by boot/head.S with the
 * MMU and caches still off: the boot core cleans it to the point of coherency
 * before releasing any core. Offsets are shared with assembly. */
#ifndef ARMADA_BOOT_BOOT_HANDOFF_H
#define ARMADA_BOOT_BOOT_HANDOFF_H

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

/* struct boot_entry (boot/boot.h): what head.S calls once a core is set up. */
#define BOOT_ENTRY_BOOT_CORE 0
#define BOOT_ENTRY_SECONDARY 8
#define BOOT_ENTRY_SIZE 16

#ifndef __ASSEMBLER__
#include <stddef.h>
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
_Static_assert(offsetof(struct boot_handoff, mair) == HANDOFF_MAIR, "head.S handoff layout");
_Static_assert(offsetof(struct boot_handoff, tcr) == HANDOFF_TCR, "head.S handoff layout");
_Static_assert(offsetof(struct boot_handoff, ttbr0) == HANDOFF_TTBR0, "head.S handoff layout");
_Static_assert(offsetof(struct boot_handoff, cpu_count) == HANDOFF_CPU_COUNT, "head.S handoff layout");
_Static_assert(offsetof(struct boot_handoff, mpidr) == HANDOFF_MPIDR, "head.S handoff layout");
_Static_assert(offsetof(struct boot_handoff, stack_top) == HANDOFF_STACK_TOP, "head.S handoff layout");
_Static_assert(offsetof(struct boot_handoff, exc_stack_top) == HANDOFF_EXC_STACK_TOP, "head.S handoff layout");
_Static_assert(offsetof(struct boot_handoff, percpu) == HANDOFF_PERCPU, "head.S handoff layout");
_Static_assert(sizeof(struct boot_handoff) == HANDOFF_SIZE, "head.S handoff layout");

struct boot_entry {
    void (*boot_core)(void);         /* the boot core, once boot_main has turned the MMU on */
    void (*secondary)(uint32_t cpu); /* each other core, once started and set up */
};
_Static_assert(offsetof(struct boot_entry, boot_core) == BOOT_ENTRY_BOOT_CORE, "head.S entry layout");
_Static_assert(offsetof(struct boot_entry, secondary) == BOOT_ENTRY_SECONDARY, "head.S entry layout");
_Static_assert(sizeof(struct boot_entry) == BOOT_ENTRY_SIZE, "head.S entry layout");
#endif
#endif
