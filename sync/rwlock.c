/* Reader-writer spinlock: see rwlock.h. */
#include <arch/atomic.h>
#include <arch/barrier.h>
#include <arch/timer.h>
#include <sync/rwlock.h>

#define RW_WRITER 0x80000000u
#define RW_WAITING 0x40000000u
#define RW_READERS 0x3fffffffu

void read_lock(struct rwlock *rw)
{
    uint32_t v = READ_ONCE(rw->word);
    uint64_t t0 = 0;
    for (;;) {
        if (!(v & (RW_WRITER | RW_WAITING))) {
            /* Acquire: the read-side section stays after joining. */
            uint32_t seen = atomic32_cmpxchg_acquire(&rw->word, v, v + 1);
            if (seen == v)
                break;
            v = seen;
            continue;
        }
        if (!t0)
            t0 = timer_now();
        v = atomic32_wait_ne_acquire(&rw->word, v); /* WFE until the word changes */
    }
    uint64_t waited = t0 ? timer_now() - t0 + 1 : 0;
    lockstat_acquired_shared(&rw->stat, waited != 0, waited);
}

void read_unlock(struct rwlock *rw)
{
    /* Release: the read-side section's loads are performed before a writer
     * can see the reader gone. */
    atomic32_fetch_sub_release(&rw->word, 1);
}

void write_lock(struct rwlock *rw)
{
    uint32_t v = READ_ONCE(rw->word);
    uint64_t t0 = 0;
    for (;;) {
        if (!(v & (RW_WRITER | RW_READERS))) {
            /* Acquire: the critical section stays after taking it; clears
             * RW_WAITING (another waiting writer sets it again). */
            uint32_t seen = atomic32_cmpxchg_acquire(&rw->word, v, RW_WRITER);
            if (seen == v)
                break;
            v = seen;
            continue;
        }
        if (!t0)
            t0 = timer_now();
        if (!(v & RW_WAITING)) { /* hold new readers back */
            atomic32_or(&rw->word, RW_WAITING);
            v |= RW_WAITING;
        }
        v = atomic32_wait_ne_acquire(&rw->word, v);
    }
    uint64_t waited = t0 ? timer_now() - t0 + 1 : 0;
    lockstat_acquired(&rw->stat, waited != 0, waited);
}

void write_unlock(struct rwlock *rw)
{
    /* Release: the critical section is visible before the lock is free; keeps
     * RW_WAITING if a writer set it meanwhile. */
    atomic32_fetch_and_release(&rw->word, ~RW_WRITER);
}
