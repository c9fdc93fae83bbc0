/* The per-CPU area, reached through tpidr_el1: one cache-line aligned
 * struct per core. Layers add their per-core state here. */
#ifndef ARMADA_ARCH_CPU_H
#define ARMADA_ARCH_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include <arch/sysreg.h>

#define MAX_CPUS 64
#define CACHE_LINE 64

struct exception_frame;
struct timer_event;
typedef void (*timer_callback_t)(void *arg);

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
    struct timer_event *timer_queue; /* this core's pending timer events, earliest first */
    uint64_t timer_fired;            /* count of timer events handled */
    uint64_t ipis_received[4];       /* per kind */
    uint64_t irqs;                   /* all interrupts taken */
} __attribute__((aligned(CACHE_LINE)));

extern struct percpu percpu_areas[MAX_CPUS];

static inline struct percpu *this_cpu(void) { return (struct percpu *)read_sysreg(tpidr_el1); }
static inline uint32_t this_cpu_id(void) { return this_cpu()->cpu_id; }

/* Cores that finished secondary_main's setup, and how many exist. */
extern uint32_t cpus_possible;
bool cpu_is_online(uint32_t cpu);
uint32_t cpus_online_count(void);
void cpu_mark_online(uint32_t cpu);
void cpu_mark_offline(uint32_t cpu);

#endif
