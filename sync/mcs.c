/* MCS queued lock: see mcs.h. */
#include <arch/atomic.h>
#include <arch/barrier.h>
#include <arch/timer.h>
#include <sync/mcs.h>

void mcs_lock(struct mcs_lock *lock, struct mcs_node *node)
{
    WRITE_ONCE(node->next, 0);
    WRITE_ONCE(node->locked, 0);
    /* Fully ordered swap: our node's initialisation is visible before we are
     * the tail (release), and if the lock was free the critical section stays
     * after taking it (acquire). */
    struct mcs_node *prev = (struct mcs_node *)atomic64_xchg(&lock->tail, (uint64_t)node);
    uint64_t waited = 0;
    if (prev) {
        uint64_t t0 = timer_now();
        /* STLR: node->locked = 0 (above) is ordered before the predecessor
         * can find us and hand over. */
        store_release(&prev->next, (uint64_t)node);
        /* WFE until the predecessor's store sets locked; acquire: its
         * critical section happens before ours. */
        atomic32_wait_ne_acquire(&node->locked, 0);
        waited = timer_now() - t0;
        if (!waited)
            waited = 1;
    }
    lockstat_acquired(&lock->stat, waited != 0, waited);
}

void mcs_unlock(struct mcs_lock *lock, struct mcs_node *node)
{
    /* Acquire: a successor's node is initialised before we write to it. */
    struct mcs_node *next = (struct mcs_node *)load_acquire(&node->next);
    if (!next) {
        /* Release: the critical section is visible before the lock is free. */
        if (atomic64_cmpxchg_release(&lock->tail, (uint64_t)node, 0) == (uint64_t)node)
            return;
        /* Someone swapped in after us but has not linked yet: wait for it. */
        next = (struct mcs_node *)atomic64_wait_ne_acquire(&node->next, 0);
    }
    /* STLR: our critical section is visible before the successor runs. */
    store_release(&next->locked, 1);
}
