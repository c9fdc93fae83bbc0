/*
 * MCS queued lock: each waiter spins (in WFE) on its own node, so a handover
 * touches one waiter's cache line instead of every waiter's, and waiters are
 * served in arrival order. For contended paths; the ticket lock is smaller
 * and cheaper when uncontended.
 *   struct mcs_node n; mcs_lock(&l, &n); ... mcs_unlock(&l, &n);
 * The node lives until mcs_unlock returns (on the stack is fine).
 * x86: `xchg` for the tail, `lock cmpxchg` to release with no successor,
 * plain stores for the handover.
 */
#ifndef ARMADA_SYNC_MCS_H
#define ARMADA_SYNC_MCS_H

#include <stdint.h>

#include <sync/lockstat.h>

struct mcs_node {
    uint64_t next;          /* our successor (struct mcs_node *), set by it */
    uint32_t locked;        /* set to 1 by our predecessor: our turn */
} __attribute__((aligned(64)));

struct mcs_lock {
    uint64_t tail;          /* last waiter (struct mcs_node *), 0 when free */
    struct lockstat stat;
};

#define MCS_LOCK_INIT(n) {0, LOCKSTAT_INIT(n, "mcs")}

void mcs_lock(struct mcs_lock *lock, struct mcs_node *node);
void mcs_unlock(struct mcs_lock *lock, struct mcs_node *node);

#endif
