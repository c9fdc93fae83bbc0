/* Ticket spinlock: see spinlock.h for the protocol and its ordering. */
#include <arch/atomic.h>
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <arch/exception.h>
#include <arch/timer.h>
#include <lib/print.h>
#include <stddef.h>
#include <sync/spinlock.h>

#define TICKET_ONE 0x10000u /* +1 in the `next` half */

void spin_lock_init(struct spinlock *lock, const char *name)
{
    *lock = (struct spinlock)SPINLOCK_INIT(name);
}

int32_t spin_lockstat_holder(const struct lockstat *s)
{
    const struct spinlock *lock = (const struct spinlock *)((const char *)s - offsetof(struct spinlock, stat));
    return READ_ONCE(lock->owner_cpu); /* a snapshot: the holder may let go at once */
}

/* The debug reports go out unlocked: the broken lock may be the console's. */
static void __attribute__((noreturn)) report_recursion(struct spinlock *lock, uint32_t me)
{
    kprintf_unlocked("\nspinlock: recursive lock of \"%s\" (%p) by cpu%u, which already holds it\n",
                     lock->name ? lock->name : "(anon)", (void *)lock, me);
    /* We hold it: hand it on, so panic's own printing cannot hang on it. */
    spin_unlock(lock);
    panic("recursive spin_lock(\"%s\") on cpu%u", lock->name ? lock->name : "(anon)", me);
}

static void __attribute__((noreturn)) report_bad_unlock(struct spinlock *lock, uint32_t me, int32_t owner)
{
    if (owner < 0)
        kprintf_unlocked("\nspinlock: unlock of \"%s\" (%p) by cpu%u, but nobody holds it\n",
                         lock->name ? lock->name : "(anon)", (void *)lock, me);
    else
        kprintf_unlocked("\nspinlock: unlock of \"%s\" (%p) by cpu%u, but cpu%d holds it\n",
                         lock->name ? lock->name : "(anon)", (void *)lock, me, owner);
    panic("spin_unlock(\"%s\") by non-owner cpu%u", lock->name ? lock->name : "(anon)", me);
}

/* Take a ticket: next++, returning the old word. Acquire, so if the lock is
 * free at once the critical section cannot be performed before we hold it. */
static inline uint32_t take_ticket(struct spinlock *lock)
{
#if defined(ARMADA_LSE) && ARMADA_LSE
    uint32_t old;
    __asm__ volatile("ldadda %w[inc], %w[old], %[lock]"
                     : [old] "=r"(old), [lock] "+Q"(lock->tickets)
                     : [inc] "r"(TICKET_ONE)
                     : "memory");
    return old;
#else
    uint32_t old, newval, fail;
    __asm__ volatile("   prfm pstl1strm, %[lock]\n"
                     "1: ldaxr %w[old], %[lock]\n"
                     "   add %w[new], %w[old], %w[inc]\n"
                     "   stxr %w[fail], %w[new], %[lock]\n"
                     "   cbnz %w[fail], 1b\n"
                     : [old] "=&r"(old), [new] "=&r"(newval), [fail] "=&r"(fail), [lock] "+Q"(lock->tickets)
                     : [inc] "r"(TICKET_ONE)
                     : "memory");
    return old;
#endif
}

uint16_t spin_lock_ticket(struct spinlock *lock)
{
    uint32_t me = this_cpu_id();
    /* Only the holder writes its own id here: reading ours means we hold it. */
    if (__builtin_expect(READ_ONCE(lock->owner_cpu) == (int32_t)me, 0))
        report_recursion(lock, me);
    uint32_t old = take_ticket(lock);
    uint32_t ticket = old >> 16, owner = old & 0xffff, tmp;
    uint64_t waited = 0;
    if (owner != ticket) {
        uint64_t t0 = timer_now();
        /* Wait our turn. SEVL makes the first WFE fall through; each LDAXRH
         * (acquire: our section stays after the handover) re-arms the monitor
         * that the unlocker's store clears, which wakes the WFE. */
        __asm__ volatile("   sevl\n"
                         "1: wfe\n"
                         "   ldaxrh %w[owner], %[lock]\n"
                         "   eor %w[tmp], %w[owner], %w[ticket]\n"
                         "   cbnz %w[tmp], 1b\n"
                         : [owner] "=&r"(owner), [tmp] "=&r"(tmp)
                         : [lock] "Q"(lock->owner), [ticket] "r"(ticket)
                         : "memory");
        waited = timer_now() - t0;
        if (!waited)
            waited = 1; /* contended, even if the counter did not tick */
    }
    WRITE_ONCE(lock->owner_cpu, (int32_t)me); /* only the holder writes it */
    uint32_t ahead = (uint16_t)(ticket - (old & 0xffff));
    if (ahead > lock->max_ahead)
        lock->max_ahead = ahead; /* the holder's write */
    lockstat_acquired(&lock->stat, waited != 0, waited);
    return (uint16_t)ticket;
}

void spin_lock(struct spinlock *lock) { (void)spin_lock_ticket(lock); }

/* No recursion check: trying a lock we hold fails, it cannot deadlock. */
bool spin_trylock(struct spinlock *lock)
{
    uint32_t me = this_cpu_id();
#if defined(ARMADA_LSE) && ARMADA_LSE
    uint32_t old = READ_ONCE(lock->tickets);
    if ((old & 0xffff) != (old >> 16))
        return false;
    /* CASA: take the ticket only if nobody moved the word; acquire as in spin_lock. */
    if (atomic32_cmpxchg_acquire(&lock->tickets, old, old + TICKET_ONE) != old)
        return false;
#else
    uint32_t old, tmp;
    /* Take a ticket only if owner == next; LDAXR acquires as in spin_lock. */
    __asm__ volatile("1: ldaxr %w[old], %[lock]\n"
                     "   eor %w[tmp], %w[old], %w[old], ror #16\n"
                     "   cbnz %w[tmp], 2f\n"
                     "   add %w[old], %w[old], %w[inc]\n"
                     "   stxr %w[tmp], %w[old], %[lock]\n"
                     "   cbnz %w[tmp], 1b\n"
                     "   mov %w[tmp], #0\n"
                     "   b 3f\n"
                     "2: clrex\n"
                     "   mov %w[tmp], #1\n"
                     "3:\n"
                     : [old] "=&r"(old), [tmp] "=&r"(tmp), [lock] "+Q"(lock->tickets)
                     : [inc] "r"(TICKET_ONE)
                     : "memory");
    if (tmp)
        return false;
#endif
    WRITE_ONCE(lock->owner_cpu, (int32_t)me);
    lockstat_acquired(&lock->stat, false, 0);
    return true;
}

void spin_unlock(struct spinlock *lock)
{
    uint32_t me = this_cpu_id();
    int32_t owner_cpu = READ_ONCE(lock->owner_cpu);
    if (__builtin_expect(owner_cpu != (int32_t)me, 0))
        report_bad_unlock(lock, me, owner_cpu);
    WRITE_ONCE(lock->owner_cpu, -1);
    uint16_t next_owner = (uint16_t)(lock->owner + 1); /* only the holder writes owner */
    /* STLRH: the critical section (and owner_cpu = -1) is visible before the
     * next ticket holder sees its turn; the store also clears waiters'
     * monitors, which wakes their WFE. */
    __asm__ volatile("stlrh %w[v], %[owner]" : [owner] "=Q"(lock->owner) : [v] "r"(next_owner) : "memory");
}

bool spin_is_locked(const struct spinlock *lock)
{
    uint32_t t = READ_ONCE(lock->tickets);
    return (t & 0xffff) != (t >> 16);
}

bool spin_is_held_by_me(const struct spinlock *lock)
{
    return READ_ONCE(lock->owner_cpu) == (int32_t)this_cpu_id();
}
