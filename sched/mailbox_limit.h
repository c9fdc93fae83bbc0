/*
 * The mailbox policy: each process's mailbox holds at most
 * mailbox_limit_bytes of message blocks (a share of RAM, MAILBOX_LIMIT_SHARE).
 * A user message that would take it over is refused: send() returns
 * SEND_MAILBOX_FULL and the drop is counted (sched_mailbox_full_drops), so a
 * process that never receives while others flood it costs a bounded amount
 * of memory, and every other process keeps getting its messages. Signals
 * (EXIT, DOWN, CPU_DOWN, IRQ) are never refused: each must arrive once; they
 * count towards the total.
 *
 * The count is two numbers: bytes pushed (senders, one relaxed atomic add)
 * and bytes taken out (the receiver alone, a plain store). Senders read the
 * receiver's number racily: a stale one only refuses a little early, and
 * one ahead of the sender's (later senders' messages already taken) reads
 * as less than the mailbox holds, never as a wrapped-round full one.
 */
#ifndef ARMADA_SCHED_MAILBOX_LIMIT_H
#define ARMADA_SCHED_MAILBOX_LIMIT_H

#include <arch/barrier.h>
#include <sched/internal.h>

/* One eighth of RAM per mailbox: a fan-in of 100 000 replies (the big suite)
 * fits with room to spare, and one runaway mailbox leaves most memory to
 * everyone else. */
#define MAILBOX_LIMIT_SHARE 8

/* Set once by mailbox_limit_init, then read-only. Hidden: an address from adrp, not a GOT load. */
extern uint64_t mailbox_limit_bytes __attribute__((visibility("hidden")));
void mailbox_limit_init(void);       /* sched_init: from the page allocator's total */

/* Count `bytes` in for p; false (and nothing counted) if a user message
 * would take p's mailbox over the limit. */
static inline bool mailbox_admit(struct proc *p, uint16_t kind, uint64_t bytes)
{
    /* Relaxed: a count, ordered by nothing; the push publishes the message. */
    uint64_t pushed = __atomic_add_fetch(&p->mbox_pushed, bytes, __ATOMIC_RELAXED);
    /* Signed: `taken` may already count messages of senders that added after
     * us (pushed, and taken, before we read it), so it can be ahead of our
     * `pushed`. Unsigned, that wrapped round to a full mailbox: the stress
     * suite's 'send ... failed: -3' to a receiver holding a few messages. */
    int64_t queued = (int64_t)(pushed - READ_ONCE(p->mbox_taken));
    if (kind != MSG_USER || queued <= (int64_t)mailbox_limit_bytes)
        return true;
    __atomic_sub_fetch(&p->mbox_pushed, bytes, __ATOMIC_RELAXED);
    return false;
}
static inline void mailbox_unadmit(struct proc *p, uint64_t bytes)
{
    __atomic_sub_fetch(&p->mbox_pushed, bytes, __ATOMIC_RELAXED); /* the send failed after all */
}
/* The receiver (only it) took a message of `bytes` out of its mailbox. */
static inline void mailbox_taken(struct proc *p, uint64_t bytes)
{
    WRITE_ONCE(p->mbox_taken, p->mbox_taken + bytes);
}

#endif
