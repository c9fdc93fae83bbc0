/*
 * Per-CPU counters: each core adds to its own cache line with a plain load and
 * store (no atomic, no lock, no line bouncing); a reader sums every core's
 * slot. The sum is exact once the adders have stopped and their stores are
 * visible (e.g. after a cross-call with wait); while they run it is some
 * value between the counts at the start and the end of the summing.
 * Not for a counter that interrupt handlers on the same core also add to
 * (the handler's add could be lost between our load and store).
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
    uint64_t count;     /* written by its own core only */
    uint64_t snapshot;  /* written by its own core during a flush */
} __attribute__((aligned(PORT_CACHE_LINE)));

struct percpu_counter {
    struct percpu_counter_slot slot[PORT_MAX_CPUS];
};

static inline void percpu_counter_add(struct percpu_counter *c, uint64_t n)
{
    struct percpu_counter_slot *s = &c->slot[port_cpu_id()];
    /* Only this core writes its slot: load + store is enough; the store is
     * single-copy atomic, so a summing core never sees a torn value. */
    port_store_relaxed(&s->count, port_load_relaxed(&s->count) + n);
}

static inline void percpu_counter_inc(struct percpu_counter *c) { percpu_counter_add(c, 1); }

/* Every core's count, read now (no ordering: a statistic). */
uint64_t percpu_counter_sum(struct percpu_counter *c);
void percpu_counter_reset(struct percpu_counter *c); /* while nobody adds */

/* Image only: the cross-call snapshot. Returns the sum of the snapshots. */
uint64_t percpu_counter_flush(struct percpu_counter *c);

#endif
