/*
 * Lock statistics, always on: per named lock, acquisitions, contended
 * acquisitions (had to wait), and the longest and total wait in timer ticks.
 * The fields are written by the lock holder only (plain stores, no atomics);
 * the wait is timed only when there was a wait, so an uncontended acquire
 * costs two plain increments and one load of `registered`. A lock joins the
 * report list on its first acquisition. `lockstat_report()` prints a table.
 * Shared-side acquisitions (rwlock readers) are counted with relaxed atomics.
 */
#ifndef ARMADA_SYNC_LOCKSTAT_H
#define ARMADA_SYNC_LOCKSTAT_H

#include <stdbool.h>
#include <stdint.h>

#include <arch/barrier.h>

struct lockstat {
    const char *name;
    const char *kind;            /* "ticket", "mcs", "rwlock", ... */
    uint64_t acquired;
    uint64_t contended;
    uint64_t max_wait;           /* ticks */
    uint64_t total_wait;         /* ticks, over contended acquisitions */
    struct lockstat *next;       /* report list, pushed once */
    uint32_t registered;
    /* The CPU holding the lock now, -1 if none, for kinds that record their
     * holder (ticket locks); NULL where the kind does not know. */
    int32_t (*holder)(const struct lockstat *s);
};

#define LOCKSTAT_INIT(n, k) {.name = (n), .kind = (k)}
#define LOCKSTAT_INIT_HOLDER(n, k, h) {.name = (n), .kind = (k), .holder = (h)}

void lockstat_register(struct lockstat *s);

/* Call with the lock held (exclusive side). wait: ticks spent waiting, 0 if none. */
static inline void lockstat_acquired(struct lockstat *s, bool contended, uint64_t wait)
{
    if (__builtin_expect(!READ_ONCE(s->registered), 0))
        lockstat_register(s);
    s->acquired++;
    if (contended) {
        s->contended++;
        s->total_wait += wait;
        if (wait > s->max_wait)
            s->max_wait = wait;
    }
}

/* Shared side (several holders at once): relaxed atomics, counts only. */
void lockstat_acquired_shared(struct lockstat *s, bool contended, uint64_t wait);

void lockstat_reset(struct lockstat *s);
void lockstat_report(void);
/* Call fn for each lock that has been acquired at least once and that `cpu`
 * holds now (as far as its kind knows): a racy snapshot, for reports of a
 * stuck core. Returns how many. */
unsigned lockstat_held_by(uint32_t cpu, void (*fn)(const struct lockstat *s, void *arg), void *arg);
/* The same for every held lock, whoever holds it (its holder's cpu passed). */
unsigned lockstat_held(void (*fn)(const struct lockstat *s, int32_t holder, void *arg), void *arg);

#endif
