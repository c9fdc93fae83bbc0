/*
 * The lockup detector, as Linux's: every online core watches the one before
 * it (in logical-id order, wrapping) from a timer event of its own every
 * LOCKUP_CHECK_MS. A watched core is stuck when it has run one process
 * without a new slice for lockup_limit_ms(): no switch, no reduction point that
 * yielded, no preemption check that passed (each of those starts a slice).
 * Interrupts masked (it took no interrupt for half that either), or an RCU
 * read-side section that cannot be preempted, are the ways to get there.
 * The report names the core, how long, the process, the pc it was at when it
 * last took an interrupt, and every ticket lock it holds; in test mode the run
 * then fails (a panic, which powers off). sched/lockup.c.
 */
#ifndef ARMADA_SCHED_LOCKUP_H
#define ARMADA_SCHED_LOCKUP_H

#include <arch/cpu.h>
#include <sched/sched.h>
#include <stdbool.h>
#include <stdint.h>

/* Far above any slice (2 ms) and any wait a test allows a busy host
 * (TEST_BUSY_HOST_MS, 500 ms). Under emulation on a loaded host a core can
 * wait seconds for a ticket lock: each handover waits for the host to run
 * the next holder's vCPU, and the queue is up to (cores - 1) long. At a
 * fixed 2 s an 8-core run, and at 5 s an 18-core run (hotplug stress, a
 * core holding "balance" with interrupts masked), were reported that way,
 * never reproduced. So the limit grows with the cores online: 5 s up to 5
 * cores, 1 s more per core beyond (18 cores: 18 s). */
#define LOCKUP_LIMIT_MS 5000
#define LOCKUP_LIMIT_MS_PER_CORE 1000
uint64_t lockup_limit_ms(void); /* for the cores online now */
#define LOCKUP_CHECK_MS 250 /* the watch period: a report comes at most this late */

struct lockup_report {
    uint32_t cpu;
    pid_t pid;
    uint64_t stuck_ms;
    uint64_t limit_ms;       /* the limit it passed */
    bool irqs_masked;        /* no interrupt taken for half the limit either */
    uint64_t pc;             /* at its last interrupt */
    uint64_t pc_age_ms;      /* how long before the report that was */
    unsigned locks;          /* ticket locks held */
    char lock_names[128];    /* their names, space separated (cut if long) */
};

/* Each core, as it enters its scheduler loop (boot, or back from cpu off). */
void lockup_watch_start(void);
/* The watch event of `cpu`, which hotplug drops rather than moves. */
const void *lockup_watch_event(uint32_t cpu);

/* Where `cpu` was when it took an interrupt (sched_irq_entry): the pc the
 * report gives. One line of its own, per interrupt. */
struct lockup_sample {
    uint64_t pc, at;
} __attribute__((aligned(CACHE_LINE)));
extern struct lockup_sample lockup_samples[MAX_CPUS];
static inline void lockup_sample_irq(uint32_t cpu, uint64_t pc, uint64_t now)
{
    lockup_samples[cpu].pc = pc;
    lockup_samples[cpu].at = now;
}

/* For tests: reports so far, the last one, and whether a report in test mode
 * fails the run (default true; a test that sticks a core on purpose and
 * checks the report itself turns it off for that while). */
uint32_t sched_lockup_reports(void);
bool sched_lockup_last(struct lockup_report *out);
void sched_lockup_fail_run(bool on);

#endif
