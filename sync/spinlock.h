/*
 * Ticket spinlock, waiters parked in WFE.
 * Layout: one 32-bit word, `owner` in the low half, `next` in the high half.
 * Lock: take a ticket (next++) with an acquire RMW (LL/SC: LDAXR/STXR; LSE:
 * LDADDA); if it is not our turn, wait in WFE until owner == ticket,
 * re-reading owner with LDAXRH so the exclusive monitor arms and the
 * unlocking STLRH (which clears every monitor on that line) wakes us.
 * Unlock: owner++ with STLRH (release: the critical section's accesses are
 * visible before the next owner can see its turn). Tickets are served in
 * order: a waiter waits at most (cores - 1) handovers; max_ahead records the
 * longest queue a new ticket found.
 * Two builds (the Makefile's LOCKS=lean, the default, or LOCKS=debug):
 * - lean: the uncontended path is the ticket RMW, one compare, and the
 *   holder's per-CPU area stored (lockup reports and spin_is_held_by_me
 *   read it); only a contended acquisition is timed and counted, and only
 *   then does the lock join the statistics' list (sync/lockstat.h);
 * - debug (ARMADA_LOCK_DEBUG, build/lockdebug/armada.img): also every
 *   acquisition counted, the lock listed at its first, and locking a lock
 *   this CPU already holds, or unlocking one it does not hold, reported,
 *   then panic. (Linux: CONFIG_DEBUG_SPINLOCK and CONFIG_LOCK_STAT.)
 * x86: `lock xadd` for the ticket, plain load while spinning, plain store to
 * unlock (TSO keeps earlier accesses before it). docs/barriers.md.
 */
#ifndef ARMADA_SYNC_SPINLOCK_H
#define ARMADA_SYNC_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include <arch/barrier.h>
#include <arch/cpu.h>
#include <arch/sysreg.h>
#include <sync/lockstat.h>

#ifdef ARMADA_LOCK_DEBUG
#define SPIN_DEBUG 1
#else
#define SPIN_DEBUG 0
#endif

struct spinlock {
    union {
        uint32_t tickets;     /* owner [15:0], next [31:16]: one exclusive word */
        struct {
            uint16_t owner;   /* ticket being served */
            uint16_t next;    /* next ticket to hand out */
        };
    };
    struct percpu *holder;    /* the holding core's per-CPU area, NULL when free */
    uint32_t max_ahead;       /* most tickets ever ahead of a new one (fairness: < cores) */
    const char *name;
    struct lockstat stat;
};

int32_t spin_lockstat_holder(const struct lockstat *s); /* the holder's cpu, for lockstat_held_by */
#define SPINLOCK_INIT(n)                                                                                    \
    {{.tickets = 0}, .holder = NULL, .name = (n), .stat = LOCKSTAT_INIT_HOLDER(n, "ticket", spin_lockstat_holder, !SPIN_DEBUG)}

/* A lock defined once, at file scope (`static DEFINE_SPINLOCK(x, "x");`):
 * its statistics are in the report list from the start (a table the linker
 * gathers, sync/lockstat.h), so a report of a stuck core names it as held
 * although the lean fast path never registers anything. */
#define DEFINE_SPINLOCK(var, n)                                                                             \
    struct spinlock var = SPINLOCK_INIT(n);                                                                 \
    static struct lockstat *const var##_listed __attribute__((used, section(".lockstats"))) = &var.stat

/* One of many, one per object (a process's links lock): in the lock
 * statistics' list once contended (sync/lockstat.h). */
#define SPINLOCK_INIT_PER_OBJECT(n)                                                                         \
    {{.tickets = 0}, .holder = NULL, .name = (n), .stat = LOCKSTAT_INIT_PER_OBJECT(n, "ticket", spin_lockstat_holder, !SPIN_DEBUG)}
void spin_lock_init(struct spinlock *lock, const char *name);
/* spin_lock, returning the ticket it drew (the fairness test checks the
 * order of service against it). */
uint16_t spin_lock_ticket(struct spinlock *lock);
bool spin_trylock(struct spinlock *lock);

#define SPIN_TICKET_ONE 0x10000u /* +1 in the `next` half */
_Static_assert(SPIN_TICKET_ONE == 0x10 << 12, "spin_take_ticket adds it as an immediate");

/* Take a ticket: next++, returning the old word. Acquire, so if the lock is
 * free at once the critical section cannot be performed before we hold it. */
static inline uint32_t spin_take_ticket(struct spinlock *lock)
{
#if defined(ARMADA_LSE) && ARMADA_LSE
    uint32_t old;
    __asm__ volatile("ldadda %w[inc], %w[old], %[lock]"
                     : [old] "=r"(old), [lock] "+Q"(lock->tickets)
                     : [inc] "r"(SPIN_TICKET_ONE)
                     : "memory");
    return old;
#else
    uint32_t old, newval, fail;
    /* The add's immediate is SPIN_TICKET_ONE (0x10 << 12): no register for it. */
    __asm__ volatile("   prfm pstl1strm, %[lock]\n"
                     "1: ldaxr %w[old], %[lock]\n"
                     "   add %w[new], %w[old], #0x10, lsl #12\n"
                     "   stxr %w[fail], %w[new], %[lock]\n"
                     "   cbnz %w[fail], 1b\n"
                     : [old] "=&r"(old), [new] "=&r"(newval), [fail] "=&r"(fail), [lock] "+Q"(lock->tickets)
                     :
                     : "memory");
    return old;
#endif
}

/* The ticket drawn (`old`, as spin_take_ticket returned it) is not being
 * served: wait for it, count the wait, then record us as the holder
 * (sync/spinlock.c). */
void spin_lock_wait(struct spinlock *lock, uint32_t old);

/* Does the ticket drawn (the word spin_take_ticket returned) have to wait? */
static inline bool spin_ticket_waits(uint32_t old) { return (old >> 16) != (old & 0xffff); }

/* Take it: the RMW, one compare, the holder's store (spin_lock_wait's,
 * when contended). Returns the word drawn. */
static inline uint32_t spin_acquire(struct spinlock *lock)
{
    uint32_t old = spin_take_ticket(lock);
    if (__builtin_expect(spin_ticket_waits(old), 0))
        spin_lock_wait(lock, old);
    else
        WRITE_ONCE(lock->holder, this_cpu()); /* only the holder writes it */
    return old;
}

static inline void spin_release(struct spinlock *lock)
{
    WRITE_ONCE(lock->holder, NULL);
    uint16_t next_owner = (uint16_t)(lock->owner + 1); /* only the holder writes owner */
    /* STLRH: the critical section (and holder = NULL) is visible before the
     * next ticket holder sees its turn; the store also clears waiters'
     * monitors, which wakes their WFE. */
    __asm__ volatile("stlrh %w[v], %[owner]" : [owner] "=Q"(lock->owner) : [v] "r"(next_owner) : "memory");
}

#if SPIN_DEBUG
/* Out of line, with the checks and the counts (sync/spinlock.c). */
void spin_lock(struct spinlock *lock);
void spin_unlock(struct spinlock *lock);
#else
/* Inline: spin_acquire and spin_release as they are. */
static inline void spin_lock(struct spinlock *lock) { (void)spin_acquire(lock); }
static inline void spin_unlock(struct spinlock *lock) { spin_release(lock); }
#endif

bool spin_is_locked(const struct spinlock *lock);
/* Does the calling CPU hold it? (for assertions) */
bool spin_is_held_by_me(const struct spinlock *lock);

static inline uint64_t spin_lock_irqsave(struct spinlock *lock)
{
    uint64_t flags = irq_save();
    spin_lock(lock);
    return flags;
}

static inline void spin_unlock_irqrestore(struct spinlock *lock, uint64_t flags)
{
    spin_unlock(lock);
    irq_restore(flags);
}

#endif
