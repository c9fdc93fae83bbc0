/* Ticket spinlock: see spinlock.h for the protocol and its ordering. */
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <sync/spinlock.h>

void spin_lock(struct spinlock *lock)
{
    uint32_t old, newval, tmp, owner;
    /* Take a ticket. LDAXR: acquire, so if the lock is free at once, the
     * critical section cannot be performed before we hold it. */
    __asm__ volatile("   prfm pstl1strm, %[lock]\n"
                     "1: ldaxr %w[old], %[lock]\n"
                     "   add %w[new], %w[old], #0x10000\n"
                     "   stxr %w[tmp], %w[new], %[lock]\n"
                     "   cbnz %w[tmp], 1b\n"
                     : [old] "=&r"(old), [new] "=&r"(newval), [tmp] "=&r"(tmp),
                       [lock] "+Q"(lock->tickets)
                     :
                     : "memory");
    uint32_t ticket = old >> 16;
    owner = old & 0xffff;
    if (owner != ticket) {
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
    }
    lock->owner_cpu = (int32_t)this_cpu_id(); /* only the owner writes it */
}

bool spin_trylock(struct spinlock *lock)
{
    uint32_t old, tmp;
    /* Take a ticket only if owner == next; LDAXR acquires as in spin_lock. */
    __asm__ volatile("1: ldaxr %w[old], %[lock]\n"
                     "   eor %w[tmp], %w[old], %w[old], ror #16\n"
                     "   cbnz %w[tmp], 2f\n"
                     "   add %w[old], %w[old], #0x10000\n"
                     "   stxr %w[tmp], %w[old], %[lock]\n"
                     "   cbnz %w[tmp], 1b\n"
                     "   mov %w[tmp], #0\n"
                     "   b 3f\n"
                     "2: clrex\n"
                     "   mov %w[tmp], #1\n"
                     "3:\n"
                     : [old] "=&r"(old), [tmp] "=&r"(tmp), [lock] "+Q"(lock->tickets)
                     :
                     : "memory");
    if (tmp)
        return false;
    lock->owner_cpu = (int32_t)this_cpu_id();
    return true;
}

void spin_unlock(struct spinlock *lock)
{
    lock->owner_cpu = -1;
    uint16_t next_owner = (uint16_t)(lock->owner + 1); /* only the holder writes owner */
    /* STLRH: the critical section is visible before the next ticket holder
     * sees its turn; the store also clears waiters' monitors (wakes WFE). */
    __asm__ volatile("stlrh %w[v], %[owner]" : [owner] "=Q"(lock->owner) : [v] "r"(next_owner) : "memory");
}

bool spin_is_locked(const struct spinlock *lock)
{
    uint32_t t = READ_ONCE(lock->tickets);
    return (t & 0xffff) != (t >> 16);
}
