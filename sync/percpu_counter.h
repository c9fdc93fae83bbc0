/*
 * Per-CPU counters: each core adds to its own cache line (no lock, no line
 * bouncing); a reader sums every core's slot. The sum is exact once the
 * adders have stopped and their stores are visible (e.g. after a cross-call
 * with wait); while they run it is some value between the counts at the start
 * and the end of the summing.
 * The add is one relaxed atomic add on the own slot, not a load and a store:
 * an interrupt handler on the same core that adds to the same counter between
 * the two would have its add lost, and so would a process preempted there and
 * moved, whose store then lands on the old core's slot beside that core's
 * own adds. Uncontended, the atomic stays in this core's cache (LL/SC: one
 * LDXR/STXR pair, which an interrupt in between just retries; LSE: STADD).
 *
 * percpu_counter_flush (image only, sync/percpu_flush.c) is the snapshot
 * variant from Linux's SMP design: a cross-call has every other core copy its
 * count into its snapshot slot, then the caller sums the snapshots.
 * Portable (sync/portable.h): the same code runs on the host under TSan.
 */
#ifndef ARMADA_SYNC_PERCPU_COUNTER_H
#define ARMADA_SYNC_PERCPU_COUNTER_H

#include <sync/portable.h>

struct percpu_counter_slot {
    uint64_t count;     /* added to by its own core (and its interrupt handlers) */
    uint64_t snapshot;  /* written by its own core during a flush */
} __attribute__((aligned(PORT_CACHE_LINE)));

struct percpu_counter {
    struct percpu_counter_slot slot[PORT_MAX_CPUS];
};

static inline void percpu_counter_add(struct percpu_counter *c, uint64_t n)
{
    struct percpu_counter_slot *s = &c->slot[port_cpu_id()];
    /* Relaxed: a count, ordered by nothing; atomic against a handler or a
     * moved process adding to the same slot (above). */
    port_fetch_add64_relaxed(&s->count, n);
}

static inline void percpu_counter_inc(struct percpu_counter *c) { percpu_counter_add(c, 1); }

/* Every core's count, read now (no ordering: a statistic). */
uint64_t percpu_counter_sum(struct percpu_counter *c);
void percpu_counter_reset(struct percpu_counter *c); /* while nobody adds */

/* Image only: the cross-call snapshot. Returns the sum of the snapshots. */
uint64_t percpu_counter_flush(struct percpu_counter *c);

#endif
