/*
 * Lock statistics: per named lock, acquisitions, contended acquisitions
 * (had to wait), and the longest and total wait in timer ticks. The fields
 * are written by the lock holder only (plain stores, no atomics); the wait
 * is timed only when there was a wait. What a kind counts:
 * - the ticket lock (sync/spinlock.h) in the lean build: contended
 *   acquisitions only, nothing on its fast path (`contended_only`: the
 *   report prints "-" for acquired); in the debug build (LOCKS=debug),
 *   every acquisition, as the others:
 * - MCS, rwlock, the run queues' lock: every acquisition, two plain
 *   increments and one load of `registered`.
 * The report list holds every lock defined once (DEFINE_SPINLOCK: a table
 * the linker gathers, listed at the first walk) and every other lock from
 * its first counted acquisition; a lock of which there is one per object
 * (per_object: a process's links lock) only from its first contended one,
 * so a million processes do not make a million rows, and every walk of the
 * list (the report, lockstat_by_id, the lockup detector's) as long: such a
 * lock is counted all the same, but named as held only once listed.
 * `lockstat_report()` prints a table.
 * Shared-side acquisitions (rwlock readers) are counted with relaxed atomics.
 */
#ifndef ARMADA_SYNC_LOCKSTAT_H
#define ARMADA_SYNC_LOCKSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <arch/barrier.h>

struct lockstat {
    const char *name;
    const char *kind; /* "ticket", "mcs", "rwlock", ... */
    uint64_t acquired;
    uint64_t contended;
    uint64_t max_wait;     /* ticks */
    uint64_t total_wait;   /* ticks, over contended acquisitions */
    struct lockstat *next; /* report list, pushed once */
    uint32_t registered;
    uint32_t per_object; /* listed once contended (above) */
    /* Only contended acquisitions are counted (a lean ticket lock,
     * sync/spinlock.h): `acquired` means nothing and the report says so. */
    uint32_t contended_only;
    /* The CPU holding the lock now, -1 if none, for kinds that record their
     * holder (ticket locks); NULL where the kind does not know. */
    int32_t (*holder)(const struct lockstat *s);
};

#define LOCKSTAT_INIT(n, k)                                                                                  \
    {                                                                                                        \
        .name = (n), .kind = (k)                                                                             \
    }
#define LOCKSTAT_INIT_HOLDER(n, k, h, co)                                                                    \
    {                                                                                                        \
        .name = (n), .kind = (k), .holder = (h), .contended_only = (co)                                      \
    }
#define LOCKSTAT_INIT_PER_OBJECT(n, k, h, co)                                                                \
    {                                                                                                        \
        .name = (n), .kind = (k), .holder = (h), .per_object = 1, .contended_only = (co)                     \
    }

void lockstat_register(struct lockstat *s);

/* Watching long waits (the flight recorder, sched/flight_watch.c): when set,
 * called with the lock held for each contended acquisition and its wait in
 * ticks. The layer above sets it while it records and clears it after:
 * unwatched, a contended acquisition pays one load and one branch more, an
 * uncontended one nothing. */
typedef void (*lockstat_wait_watch_fn)(const struct lockstat *s, uint64_t wait);
extern lockstat_wait_watch_fn lockstat_wait_watch;
void lockstat_wait_watch_set(lockstat_wait_watch_fn fn); /* NULL: stop */
static inline void lockstat_watch_wait(const struct lockstat *s, uint64_t wait)
{
    /* Acquire: pairs with lockstat_wait_watch_set's release (the watcher's set-up). */
    lockstat_wait_watch_fn fn = __atomic_load_n(&lockstat_wait_watch, __ATOMIC_ACQUIRE);
    if (__builtin_expect(fn != NULL, 0))
        fn(s, wait);
}
/* A lock's id in a recorder's record, and the registered lock it names
 * (NULL if none: never acquired, or not a lock). */
#define lockstat_id(s) ((uint32_t)((uintptr_t)(s) >> 4))
const struct lockstat *lockstat_by_id(uint32_t id);

/* A contended exclusive acquisition: the lock listed (even if per object),
 * the wait counted and timed. Alone, for a contended_only lock; through
 * lockstat_acquired for the others. Call with the lock held. */
static inline void lockstat_contended(struct lockstat *s, uint64_t wait)
{
    if (__builtin_expect(!READ_ONCE(s->registered), 0))
        lockstat_register(s);
    s->contended++;
    s->total_wait += wait;
    if (wait > s->max_wait)
        s->max_wait = wait;
    lockstat_watch_wait(s, wait);
}

/* Call with the lock held (exclusive side). wait: ticks spent waiting, 0 if none. */
static inline void lockstat_acquired(struct lockstat *s, bool contended, uint64_t wait)
{
    s->acquired++;
    if (contended)
        lockstat_contended(s, wait); /* listed even if per object */
    else if (__builtin_expect(!READ_ONCE(s->registered), 0) && !s->per_object)
        lockstat_register(s);
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
