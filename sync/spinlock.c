/* Ticket spinlock: see spinlock.h for the protocol and its ordering. */
#include <arch/atomic.h>
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <arch/exception.h>
#include <arch/timer.h>
#include <lib/print.h>
#include <stddef.h>
#include <sync/spinlock.h>

void spin_lock_init(struct spinlock *lock, const char *name)
{
    *lock = (struct spinlock)SPINLOCK_INIT(name);
}

int32_t spin_lockstat_holder(const struct lockstat *s)
{
    const struct spinlock *lock = (const struct spinlock *)((const char *)s - offsetof(struct spinlock, stat));
    const struct percpu *holder = READ_ONCE(lock->holder); /* a snapshot: the holder may let go at once */
    return holder ? (int32_t)holder->cpu_id : -1;
}

static const char *lock_name(const struct spinlock *lock) { return lock->name ? lock->name : "(anon)"; }

/* The debug reports go out unlocked: the broken lock may be the console's. */
static void __attribute__((noreturn, cold)) report_recursion(struct spinlock *lock, uint32_t me)
{
    kprintf_unlocked("\nspinlock: recursive lock of \"%s\" (%p) by cpu%u, which already holds it\n",
                     lock_name(lock), (void *)lock, me);
    /* We hold it: hand it on, so panic's own printing cannot hang on it. */
    spin_unlock(lock);
    panic("recursive spin_lock(\"%s\") on cpu%u", lock_name(lock), me);
}

/* Not our turn: wait in WFE, then time and count the wait (the holder's
 * writes: we hold it then). Out of line, off the uncontended path. */
void spin_lock_wait(struct spinlock *lock, uint32_t old)
{
    uint32_t ticket = old >> 16, owner, tmp;
    uint64_t t0 = timer_now();
    /* SEVL makes the first WFE fall through; each LDAXRH (acquire: our
     * section stays after the handover) re-arms the monitor that the
     * unlocker's store clears, which wakes the WFE. */
    __asm__ volatile("   sevl\n"
                     "1: wfe\n"
                     "   ldaxrh %w[owner], %[lock]\n"
                     "   eor %w[tmp], %w[owner], %w[ticket]\n"
                     "   cbnz %w[tmp], 1b\n"
                     : [owner] "=&r"(owner), [tmp] "=&r"(tmp)
                     : [lock] "Q"(lock->owner), [ticket] "r"(ticket)
                     : "memory");
    uint64_t waited = timer_now() - t0;
    if (!waited)
        waited = 1; /* contended, even if the counter did not tick */
    uint32_t ahead = (uint16_t)(ticket - (old & 0xffff));
    if (ahead > lock->max_ahead)
        lock->max_ahead = ahead;
    if (SPIN_DEBUG)
        lockstat_acquired(&lock->stat, true, waited);
    else
        lockstat_contended(&lock->stat, waited);
    WRITE_ONCE(lock->holder, this_cpu()); /* only the holder writes it */
}

uint16_t spin_lock_ticket(struct spinlock *lock)
{
    /* Only the holder writes its own area here: reading ours means we hold it. */
    if (SPIN_DEBUG && __builtin_expect(READ_ONCE(lock->holder) == this_cpu(), 0))
        report_recursion(lock, this_cpu_id());
    uint32_t old = spin_acquire(lock);
    if (SPIN_DEBUG && !spin_ticket_waits(old))
        lockstat_acquired(&lock->stat, false, 0); /* a wait was counted by spin_lock_wait */
    return (uint16_t)(old >> 16);
}

#if SPIN_DEBUG
static void __attribute__((noreturn, cold)) report_bad_unlock(struct spinlock *lock, uint32_t me,
                                                              const struct percpu *holder)
{
    if (!holder)
        kprintf_unlocked("\nspinlock: unlock of \"%s\" (%p) by cpu%u, but nobody holds it\n", lock_name(lock),
                         (void *)lock, me);
    else
        kprintf_unlocked("\nspinlock: unlock of \"%s\" (%p) by cpu%u, but cpu%u holds it\n", lock_name(lock),
                         (void *)lock, me, holder->cpu_id);
    panic("spin_unlock(\"%s\") by non-owner cpu%u", lock_name(lock), me);
}

void spin_lock(struct spinlock *lock) { (void)spin_lock_ticket(lock); }

void spin_unlock(struct spinlock *lock)
{
    struct percpu *me = this_cpu(), *holder = READ_ONCE(lock->holder);
    if (__builtin_expect(holder != me, 0))
        report_bad_unlock(lock, me->cpu_id, holder);
    spin_release(lock);
}
#endif

/* No recursion check: trying a lock we hold fails, it cannot deadlock. */
bool spin_trylock(struct spinlock *lock)
{
#if defined(ARMADA_LSE) && ARMADA_LSE
    uint32_t old = READ_ONCE(lock->tickets);
    if (spin_ticket_waits(old))
        return false;
    /* CASA: take the ticket only if nobody moved the word; acquire as in spin_lock. */
    if (atomic32_cmpxchg_acquire(&lock->tickets, old, old + SPIN_TICKET_ONE) != old)
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
                     : [inc] "r"(SPIN_TICKET_ONE)
                     : "memory");
    if (tmp)
        return false;
#endif
    WRITE_ONCE(lock->holder, this_cpu());
    if (SPIN_DEBUG)
        lockstat_acquired(&lock->stat, false, 0);
    return true;
}

bool spin_is_locked(const struct spinlock *lock)
{
    uint32_t t = READ_ONCE(lock->tickets);
    return (t & 0xffff) != (t >> 16);
}

bool spin_is_held_by_me(const struct spinlock *lock) { return READ_ONCE(lock->holder) == this_cpu(); }
