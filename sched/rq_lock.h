/*
 * The run queues' lock: test-and-set, inline, the lean fast path the
 * switch takes once or twice a time. Run queues are rarely contended (their
 * owner, a waker, a thief or the balancer), so the ticket lock's fairness
 * buys nothing here and its owner checks are left to the locks that need
 * them. Statistics stay on (sync/lockstat.h: an acquisition is one
 * increment; a wait is timed). Waiters sleep in WFE on the word: the
 * unlocking STLR clears their exclusive monitor, which wakes them.
 * LL/SC in both images (LSE cores run it too).
 */
#ifndef ARMADA_SCHED_RQ_LOCK_H
#define ARMADA_SCHED_RQ_LOCK_H

#include <drivers/timer.h>
#include <stdbool.h>
#include <stdint.h>
#include <sync/lockstat.h>

struct rq_lock {
    uint32_t locked;
    struct lockstat stat;
};

#define RQ_LOCK_INIT(n) {.locked = 0, .stat = LOCKSTAT_INIT(n, "tas")}

/* Take it once if free: LDAXR (acquire: the critical section stays after
 * the load that saw it free) and STXR of 1. It leaves the LL/SC loop by
 * asm goto when the word is taken, so a caller's branch on the result is
 * the loop's own, with no flag tested again after it. */
static inline bool rq_lock_try_once(struct rq_lock *l)
{
    uint32_t old, fail;
    __asm__ goto("1: ldaxr %w[old], %[word]\n"
                 "   cbnz %w[old], %l[busy]\n"
                 "   stxr %w[fail], %w[one], %[word]\n"
                 "   cbnz %w[fail], 1b\n"
                 : [old] "=&r"(old), [fail] "=&r"(fail), [word] "+Q"(l->locked)
                 : [one] "r"(1)
                 : "memory"
                 : busy);
    return true;
busy:
    __asm__ volatile("clrex" ::: "memory"); /* the reservation the LDAXR left */
    return false;
}

void rq_lock_wait(struct rq_lock *l); /* sched/rq_lock.c: the contended path */

/* Every run-queue lock is listed in the statistics before its first use
 * (rq_lock_register, at boot), so an acquisition is one increment. */
static inline void rq_lock_register(struct rq_lock *l) { lockstat_register(&l->stat); }

static inline void rq_lock(struct rq_lock *l)
{
    if (__builtin_expect(rq_lock_try_once(l), 1))
        l->stat.acquired++; /* the holder's plain count, as lockstat_acquired's */
    else
        rq_lock_wait(l);
}

static inline void rq_unlock(struct rq_lock *l)
{
    /* STLR: the critical section is visible before the lock reads free; it
     * also clears waiters' monitors, ending their WFE. */
    __asm__ volatile("stlr wzr, %[word]" : [word] "=Q"(l->locked) : : "memory");
}

#endif
