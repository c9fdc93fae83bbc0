/* Lock statistics: the report list and the table. See lockstat.h. */
#include <arch/atomic.h>
#include <arch/timer.h>
#include <lib/fmt.h>
#include <lib/print.h>
#include <sync/lockstat.h>

static uint64_t registered_head; /* struct lockstat *, as an integer for the atomics */
static uint32_t statics_listed;

/* The linker's table of locks defined once (DEFINE_SPINLOCK). */
extern struct lockstat *const __lockstats_start[], *const __lockstats_end[];

/* The head of the report list, the locks defined once pushed onto it first
 * (once, by whichever walk comes first: registering is idempotent). */
static struct lockstat *listed(void)
{
    if (!load_acquire(&statics_listed)) { /* acquire: pairs with the release below */
        for (struct lockstat *const *s = __lockstats_start; s < __lockstats_end; s++)
            lockstat_register(*s);
        store_release(&statics_listed, 1); /* release: all pushed before a walker skips this */
    }
    /* Acquire: pairs with lockstat_register's release; each entry is complete. */
    return (struct lockstat *)load_acquire(&registered_head);
}
lockstat_wait_watch_fn lockstat_wait_watch;

void lockstat_wait_watch_set(lockstat_wait_watch_fn fn)
{
    /* Release: the watcher's set-up is visible before a lock holder sees fn. */
    __atomic_store_n(&lockstat_wait_watch, fn, __ATOMIC_RELEASE);
}

const struct lockstat *lockstat_by_id(uint32_t id)
{
    for (struct lockstat *s = listed(); s; s = s->next)
        if (lockstat_id(s) == id)
            return s;
    return NULL;
}

void lockstat_register(struct lockstat *s)
{
    if (atomic32_xchg_relaxed(&s->registered, 1)) /* someone else pushes it */
        return;
    uint64_t head = load_acquire(&registered_head);
    for (;;) {
        s->next = (struct lockstat *)head;
        /* Release: s->next (and s's name) are visible before s is reachable. */
        uint64_t seen = atomic64_cmpxchg_release(&registered_head, head, (uint64_t)s);
        if (seen == head)
            return;
        head = seen;
    }
}

void lockstat_acquired_shared(struct lockstat *s, bool contended, uint64_t wait)
{
    if (!READ_ONCE(s->registered) && (contended || !s->per_object))
        lockstat_register(s);
    atomic64_add(&s->acquired, 1); /* relaxed: a count, read only by the report */
    if (!contended)
        return;
    atomic64_add(&s->contended, 1);
    atomic64_add(&s->total_wait, wait);
    lockstat_watch_wait(s, wait);
    uint64_t max = READ_ONCE(s->max_wait);
    while (wait > max) {
        uint64_t seen = atomic64_cmpxchg_relaxed(&s->max_wait, max, wait);
        if (seen == max)
            break;
        max = seen;
    }
}

void lockstat_reset(struct lockstat *s)
{
    WRITE_ONCE(s->acquired, 0);
    WRITE_ONCE(s->contended, 0);
    WRITE_ONCE(s->max_wait, 0);
    WRITE_ONCE(s->total_wait, 0);
}

void lockstat_report(void)
{
    kprintf("lockstat: %-16s %-7s %12s %12s %12s %12s\n", "lock", "kind", "acquired", "contended",
            "max wait ns", "avg wait ns");
    for (struct lockstat *s = listed(); s; s = s->next) {
        /* Racy snapshot on purpose: the counters keep moving while we print. */
        uint64_t acq = READ_ONCE(s->acquired), con = READ_ONCE(s->contended);
        uint64_t max = READ_ONCE(s->max_wait), total = READ_ONCE(s->total_wait);
        char acquired[24] = "-"; /* a contended_only lock does not count the others */
        if (!s->contended_only)
            fmt_snprintf(acquired, sizeof acquired, "%lu", (unsigned long)acq);
        kprintf("lockstat: %-16s %-7s %12s %12lu %12lu %12lu\n", s->name ? s->name : "(anon)",
                s->kind ? s->kind : "?", acquired, (unsigned long)con,
                (unsigned long)timer_ticks_to_ns(max),
                (unsigned long)(con ? timer_ticks_to_ns(total / con) : 0));
    }
}

unsigned lockstat_held_by(uint32_t cpu, void (*fn)(const struct lockstat *s, void *arg), void *arg)
{
    unsigned n = 0;
    for (struct lockstat *s = listed(); s; s = s->next) {
        if (s->holder && s->holder(s) == (int32_t)cpu) {
            fn(s, arg);
            n++;
        }
    }
    return n;
}

unsigned lockstat_held(void (*fn)(const struct lockstat *s, int32_t holder, void *arg), void *arg)
{
    unsigned n = 0;
    for (struct lockstat *s = listed(); s; s = s->next) {
        int32_t holder = s->holder ? s->holder(s) : -1;
        if (holder >= 0) {
            fn(s, holder, arg);
            n++;
        }
    }
    return n;
}
