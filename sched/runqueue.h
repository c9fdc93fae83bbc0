/*
 * One core's run queue, push and pick (inline: the switch takes one of each).
 * A FIFO per priority and a bit per non-empty FIFO, so a pick is a count of
 * trailing zeros. Policy (BEAM's): max, high and normal are strict; low
 * shares the normal level but runs only once for every RESCHEDULE_LOW normal
 * picks, so it is neither starved nor equal. Callers hold rq->lock.
 */
#ifndef ARMADA_SCHED_RUNQUEUE_H
#define ARMADA_SCHED_RUNQUEUE_H

#include <sched/internal.h>

#define RESCHEDULE_LOW 8 /* BEAM: a low process runs after being passed over 8 times */

static inline void rq_push(struct runqueue *rq, struct proc *p)
{
    uint32_t prio = p->prio, bit = 1u << prio;
    p->rq_next = NULL;
    if (rq->nonempty & bit)
        rq->tail[prio]->rq_next = p;
    else
        rq->head[prio] = p;
    rq->tail[prio] = p;
    rq->nonempty |= bit;
    rq->total++;
    rq->movable += p->pinned < 0;
}

/* The head of list `prio`, which is not empty. */
static inline struct proc *rq_pop(struct runqueue *rq, uint32_t prio)
{
    struct proc *p = rq->head[prio];
    struct proc *next = p->rq_next;
    rq->head[prio] = next;
    if (!next)
        rq->nonempty &= ~(1u << prio); /* tail[prio] is stale from now: push looks at the bit */
    rq->total--;
    rq->movable -= p->pinned < 0;
    return p;
}

static inline struct proc *rq_pick(struct runqueue *rq)
{
    uint32_t m = rq->nonempty;
    if (!m)
        return NULL;
    uint32_t prio = (uint32_t)__builtin_ctz(m); /* max and high first, strictly */
    if (prio == PRIO_NORMAL && (m & 1u << PRIO_LOW)) {
        if (rq->normal_since_low >= RESCHEDULE_LOW)
            prio = PRIO_LOW; /* passed over enough times: its turn */
        else
            rq->normal_since_low++; /* counted only while a low one waits */
    }
    if (prio == PRIO_LOW)
        rq->normal_since_low = 0;
    return rq_pop(rq, prio);
}

/* A yield: prev, running, goes behind its equals and the next process is
 * picked, as rq_push then rq_pick would. When prev's list is the only one
 * with processes (the common case), one rotation: its head comes off and
 * prev goes on behind the rest; nothing queued: prev runs on. */
static inline struct proc *rq_yield(struct runqueue *rq, struct proc *prev)
{
    uint32_t m = rq->nonempty, prio = prev->prio;
    if (m != 1u << prio) {
        if (!m) {
            if (prio == PRIO_LOW)
                rq->normal_since_low = 0; /* as its own pick would */
            return prev;
        }
        rq_push(rq, prev);
        return rq_pick(rq);
    }
    struct proc *next = rq->head[prio], *after = next->rq_next;
    prev->rq_next = NULL;
    if (after) {
        rq->head[prio] = after;
        rq->tail[prio]->rq_next = prev;
    } else {
        rq->head[prio] = prev;
    }
    rq->tail[prio] = prev;
    rq->movable += (uint32_t)(prev->pinned < 0) - (uint32_t)(next->pinned < 0);
    if (prio == PRIO_LOW)
        rq->normal_since_low = 0; /* a low pick */
    return next;
}

#endif
