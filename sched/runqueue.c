/*
 * One core's run queue: a FIFO per priority. Policy (BEAM's): max, high and
 * normal are strict; low shares the normal level but runs only once for every
 * RESCHEDULE_LOW normal picks, so it is neither starved nor equal.
 * Callers hold rq->lock.
 */
#include <sched/internal.h>

#define RESCHEDULE_LOW 8 /* BEAM: a low process runs after being passed over 8 times */

void rq_push(struct runqueue *rq, struct proc *p)
{
    p->rq_next = NULL;
    if (rq->tail[p->prio])
        rq->tail[p->prio]->rq_next = p;
    else
        rq->head[p->prio] = p;
    rq->tail[p->prio] = p;
    rq->len[p->prio]++;
    rq->total++;
    rq->movable += p->pinned < 0;
}

static struct proc *pop(struct runqueue *rq, int prio)
{
    struct proc *p = rq->head[prio];
    rq->head[prio] = p->rq_next;
    if (!rq->head[prio])
        rq->tail[prio] = NULL;
    rq->len[prio]--;
    rq->total--;
    rq->movable -= p->pinned < 0;
    return p;
}

struct proc *rq_pick(struct runqueue *rq)
{
    if (rq->head[PRIO_MAX])
        return pop(rq, PRIO_MAX);
    if (rq->head[PRIO_HIGH])
        return pop(rq, PRIO_HIGH);
    bool low_due = rq->normal_since_low >= RESCHEDULE_LOW;
    if (rq->head[PRIO_LOW] && (low_due || !rq->head[PRIO_NORMAL])) {
        rq->normal_since_low = 0;
        return pop(rq, PRIO_LOW);
    }
    if (rq->head[PRIO_NORMAL]) {
        if (rq->head[PRIO_LOW])
            rq->normal_since_low++; /* count only while a low one is waiting */
        return pop(rq, PRIO_NORMAL);
    }
    return NULL;
}

/* BEAM's steal: the first movable process of the victim's highest priority.
 * Movable: not pinned, and not still being switched out (on_cpu). */
struct proc *rq_steal_one(struct runqueue *rq)
{
    for (int prio = PRIO_MAX; prio < PRIO_COUNT; prio++) {
        for (struct proc **pp = &rq->head[prio]; *pp; pp = &(*pp)->rq_next) {
            struct proc *p = *pp;
            /* Acquire: if it reads 0, the owner's saved context is visible to us. */
            if (p->pinned >= 0 || __atomic_load_n(&p->on_cpu, __ATOMIC_ACQUIRE))
                continue;
            *pp = p->rq_next;
            if (rq->tail[prio] == p) {
                struct proc *last = rq->head[prio];
                while (last && last->rq_next)
                    last = last->rq_next;
                rq->tail[prio] = last;
            }
            rq->len[prio]--;
            rq->total--;
            rq->movable--;
            return p;
        }
    }
    return NULL;
}
