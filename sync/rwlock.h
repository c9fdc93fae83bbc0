/*
 * Reader-writer spinlock: many readers or one writer. One 32-bit word:
 * bit 31 = a writer holds it, bit 30 = a writer is waiting (new readers hold
 * back, so a stream of readers cannot starve writers), bits 29:0 = readers.
 * Waiters sleep in WFE on the word; every change to it wakes them.
 * x86: `lock cmpxchg` / `lock xadd` on the word; release is `lock` too.
 */
#ifndef ARMADA_SYNC_RWLOCK_H
#define ARMADA_SYNC_RWLOCK_H

#include <stdint.h>

#include <sync/lockstat.h>

struct rwlock {
    uint32_t word;
    struct lockstat stat;
};

#define RWLOCK_INIT(n) {0, LOCKSTAT_INIT(n, "rwlock")}

void read_lock(struct rwlock *rw);
void read_unlock(struct rwlock *rw);
void write_lock(struct rwlock *rw);
void write_unlock(struct rwlock *rw);

#endif
