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
 * Debug checks, always on: the owner CPU is recorded; locking a lock this CPU
 * already holds, and unlocking one it does not hold, are reported and panic.
 * Statistics: sync/lockstat.h (lockstat_report()).
 * x86: `lock xadd` for the ticket, plain load while spinning, plain store to
 * unlock (TSO keeps earlier accesses before it). docs/barriers.md.
 */
#ifndef ARMADA_SYNC_SPINLOCK_H
#define ARMADA_SYNC_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include <arch/sysreg.h>
#include <sync/lockstat.h>

struct spinlock {
    union {
        uint32_t tickets;     /* owner [15:0], next [31:16]: one exclusive word */
        struct {
            uint16_t owner;   /* ticket being served */
            uint16_t next;    /* next ticket to hand out */
        };
    };
    int32_t owner_cpu;        /* debug: who holds it, -1 when free */
    uint32_t max_ahead;       /* most tickets ever ahead of a new one (fairness: < cores) */
    const char *name;
    struct lockstat stat;
};

int32_t spin_lockstat_holder(const struct lockstat *s); /* the lock's owner_cpu, for lockstat_held_by */
#define SPINLOCK_INIT(n)                                                                                    \
    {{.tickets = 0}, .owner_cpu = -1, .name = (n), .stat = LOCKSTAT_INIT_HOLDER(n, "ticket", spin_lockstat_holder)}

/* One of many, one per object (a process's links lock): in the lock
 * statistics' list once contended (sync/lockstat.h). */
#define SPINLOCK_INIT_PER_OBJECT(n)                                                                         \
    {{.tickets = 0}, .owner_cpu = -1, .name = (n), .stat = LOCKSTAT_INIT_PER_OBJECT(n, "ticket", spin_lockstat_holder)}
void spin_lock_init(struct spinlock *lock, const char *name);
void spin_lock(struct spinlock *lock);
/* spin_lock, returning the ticket it drew (the fairness test checks the
 * order of service against it). */
uint16_t spin_lock_ticket(struct spinlock *lock);
bool spin_trylock(struct spinlock *lock);
void spin_unlock(struct spinlock *lock);
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
