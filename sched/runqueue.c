/*
 * One core's run queue: stealing (push and pick: sched/runqueue.h).
 * Callers hold rq->lock.
 */
#include <sched/runqueue.h>

/* BEAM's steal: the first movable process of the victim's highest priority.
 * Movable: not pinned, and not still being switched out (on_cpu). */
struct proc *rq_steal_one(struct runqueue *rq)
{
    for (uint32_t m = rq->nonempty; m; m &= m - 1) {
        uint32_t prio = (uint32_t)__builtin_ctz(m);
        for (struct proc **pp = &rq->head[prio], *last = NULL; *pp; last = *pp, pp = &(*pp)->rq_next) {
            struct proc *p = *pp;
            /* Acquire: if it reads 0, the owner's saved context is visible to us. */
            if (p->pinned >= 0 || __atomic_load_n(&p->on_cpu, __ATOMIC_ACQUIRE))
                continue;
            *pp = p->rq_next;
            if (!p->rq_next) /* it was the tail: the one before it is now */
                rq->tail[prio] = last;
            if (!rq->head[prio])
                rq->nonempty &= ~(1u << prio);
            rq->total--;
            rq->movable--;
            return p;
        }
    }
    return NULL;
}
