/* CPU identity: the per-CPU area (reached through tpidr_el1, one
 * cache-line-aligned struct per core, arch's fields only: every other layer
 * keeps its own per-core data, indexed by this_cpu_id()), each core's MPIDR,
 * and which cores are online. arch/arm64/cpu.c. */
#ifndef ARMADA_ARCH_CPU_H
#define ARMADA_ARCH_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include <arch/sysreg.h>
#include <arch/sysreg_bits.h>

#define MAX_CPUS 64
#define CACHE_LINE 64

struct percpu {
    uint32_t cpu_id;                 /* logical id 0..N-1 */
    uint64_t mpidr;                  /* affinity bits */
    uint64_t stack_base, stack_top;  /* thread stack (guard page below base) */
    uint64_t exc_stack_base, exc_stack_top;
    /* For tests of the reporting path: if set, the next synchronous exception
     * is reported in full, then execution resumes after the faulting instruction. */
    uint32_t fault_skip;
    uint32_t faults_recovered;
    uint64_t skipped_esr, skipped_far, skipped_elr; /* the last exception fault_skip survived */
} __attribute__((aligned(CACHE_LINE)));

extern struct percpu percpu_areas[MAX_CPUS];

static inline struct percpu *this_cpu(void) { return (struct percpu *)read_sysreg(tpidr_el1); }
static inline uint32_t this_cpu_id(void) { return this_cpu()->cpu_id; }

/* The thread this core runs, as the layer above keeps it: TPIDRRO_EL0 (EL0's
 * read-only thread register, unused otherwise; boot/head.S zeroes it). One
 * read, so it is this core's even if the caller moves cores right after: a
 * load through the per-CPU area could read the old core's once moved. */
static inline void *cpu_running_thread(void) { return (void *)read_sysreg(tpidrro_el0); }
static inline void cpu_set_running_thread(void *thread) { write_sysreg(tpidrro_el0, (uint64_t)thread); }

/* Logical core `cpu`'s MPIDR affinity (as the DT gave it). */
static inline uint64_t arch_cpu_mpidr(uint32_t cpu) { return percpu_areas[cpu].mpidr; }
/* This core's, read from the register (also before its per-CPU area is set). */
static inline uint64_t arch_this_cpu_mpidr(void) { return read_sysreg(mpidr_el1) & MPIDR_AFF_MASK; }

/* How many logical cores exist (set once at boot), and which of them have
 * finished their setup and take work. */
extern uint32_t cpus_possible;
extern uint64_t cpu_online_bits __attribute__((visibility("hidden"))); /* through the calls here */
static inline bool cpu_is_online(uint32_t cpu)
{
    /* Acquire: pairs with cpu_mark_online's release; the core's setup is visible. */
    return cpu < MAX_CPUS && (__atomic_load_n(&cpu_online_bits, __ATOMIC_ACQUIRE) >> cpu & 1);
}
uint32_t cpus_online_count(void);
uint64_t cpus_online_mask(void);
void cpu_mark_online(uint32_t cpu);  /* also notes when (cpu_online_since) */
void cpu_mark_offline(uint32_t cpu);
uint64_t cpu_online_since(uint32_t cpu); /* counter ticks at its last cpu_mark_online */

#endif
