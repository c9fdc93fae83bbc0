/*
 * Seqlock: a sequence count plus a writer lock, for small multi-word data
 * read often and written rarely. Writers serialise on the lock and make the
 * count odd while they write; readers take no lock: they read the count,
 * read the data, and retry if the count was odd or has changed.
 *
 *   do { s = read_seqbegin(&sl); copy = data; } while (read_seqretry(&sl, s));
 *
 * Readers must read the data with single-copy-atomic loads (READ_ONCE) and
 * writers store it with WRITE_ONCE: a reader may race with a writer, and only
 * the retry makes the copy consistent. Portable (sync/portable.h): the same
 * code runs on the host under ThreadSanitizer.
 * x86: both barriers below are compiler barriers only (TSO keeps loads in
 * order and stores in order). docs/barriers.md.
 */
#ifndef ARMADA_SYNC_SEQLOCK_H
#define ARMADA_SYNC_SEQLOCK_H

#include <sync/portable.h>

struct seqlock {
    uint32_t seq;       /* odd while a writer is inside */
    port_lock_t lock;   /* serialises writers */
};

#define SEQLOCK_INIT(name) {0, PORT_LOCK_INIT(name)}

static inline uint32_t read_seqbegin(const struct seqlock *sl)
{
    /* Acquire: the data loads that follow are performed after this read. */
    uint32_t seq = port_load_acquire(&sl->seq);
    while (seq & 1) /* a writer is inside: wait (WFE) for its closing store */
        seq = port_wait_ne32_acquire(&sl->seq, seq);
    return seq;
}

static inline bool read_seqretry(const struct seqlock *sl, uint32_t seq)
{
    /* DMB ISHLD: the data loads are performed before the count is re-read, so
     * a writer that started meanwhile is seen. */
    port_rmb();
    return port_load_relaxed(&sl->seq) != seq;
}

static inline uint64_t write_seqlock(struct seqlock *sl)
{
    uint64_t flags = port_lock(&sl->lock);
    port_store_relaxed(&sl->seq, sl->seq + 1); /* only writers (locked) write seq */
    /* DMB ISHST: the odd count is visible before any of the data stores. */
    port_wmb();
    return flags;
}

static inline void write_sequnlock(struct seqlock *sl, uint64_t flags)
{
    /* STLR: every data store is visible before the even count. */
    port_store_release(&sl->seq, sl->seq + 1);
    port_unlock(&sl->lock, flags);
}

#endif
