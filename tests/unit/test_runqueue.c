/* sched/runqueue.c on the host: the pick policy (strict max/high/normal,
 * low once per RESCHEDULE_LOW normal picks), FIFO order, and what stealing
 * may take. */
#include <sched/internal.h>
#include <sched/runqueue.h>
#include <string.h>

#include "unit.h"

static struct proc procs[64];

static struct proc *mk(int i, enum priority prio, int pinned)
{
    memset(&procs[i], 0, sizeof procs[i]);
    procs[i].index = (uint32_t)i;
    procs[i].prio = (uint8_t)prio;
    procs[i].pinned = pinned;
    return &procs[i];
}

static void rq_strict_priorities_then_fifo(void)
{
    struct runqueue rq;
    memset(&rq, 0, sizeof rq);
    rq_push(&rq, mk(0, PRIO_LOW, -1));
    rq_push(&rq, mk(1, PRIO_NORMAL, -1));
    rq_push(&rq, mk(2, PRIO_NORMAL, -1));
    rq_push(&rq, mk(3, PRIO_HIGH, -1));
    rq_push(&rq, mk(4, PRIO_MAX, -1));
    CHECK(rq.total == 5 && rq.movable == 5, "counts %u %u", rq.total, rq.movable);
    int want[] = {4, 3, 1, 2, 0};
    for (int i = 0; i < 5; i++) {
        struct proc *p = rq_pick(&rq);
        CHECK(p && p->index == (uint32_t)want[i], "pick %d: got %d, want %d", i, p ? (int)p->index : -1, want[i]);
    }
    CHECK(!rq_pick(&rq) && rq.total == 0 && rq.movable == 0, "queue not empty after all picks");
}

/* Both always runnable: every pick goes back to the end of its queue. */
static void rq_low_runs_once_per_eight_normal(void)
{
    struct runqueue rq;
    memset(&rq, 0, sizeof rq);
    rq_push(&rq, mk(0, PRIO_NORMAL, -1));
    rq_push(&rq, mk(1, PRIO_NORMAL, -1));
    rq_push(&rq, mk(2, PRIO_LOW, -1));
    int normal = 0, low = 0;
    for (int i = 0; i < 900; i++) {
        struct proc *p = rq_pick(&rq);
        if (p->prio == PRIO_LOW)
            low++;
        else
            normal++;
        rq_push(&rq, p);
    }
    CHECK(normal == 800 && low == 100, "normal %d, low %d: want 800 and 100", normal, low);
}

static void rq_low_alone_runs_every_time(void)
{
    struct runqueue rq;
    memset(&rq, 0, sizeof rq);
    rq_push(&rq, mk(0, PRIO_LOW, -1));
    for (int i = 0; i < 20; i++) {
        struct proc *p = rq_pick(&rq);
        CHECK(p == &procs[0], "low not picked when alone");
        rq_push(&rq, p);
    }
}

static void steal_takes_movable_highest_first(void)
{
    struct runqueue rq;
    memset(&rq, 0, sizeof rq);
    rq_push(&rq, mk(0, PRIO_NORMAL, -1));
    rq_push(&rq, mk(1, PRIO_HIGH, 2));  /* pinned: never stolen */
    struct proc *busy = mk(2, PRIO_HIGH, -1);
    busy->on_cpu = 1;                   /* still switching out: not yet */
    rq_push(&rq, busy);
    rq_push(&rq, mk(3, PRIO_HIGH, -1));
    CHECK(rq.movable == 3, "movable %u", rq.movable);
    struct proc *p = rq_steal_one(&rq);
    CHECK(p && p->index == 3, "stole %d, want 3 (high, movable, off its core)", p ? (int)p->index : -1);
    p = rq_steal_one(&rq);
    CHECK(p && p->index == 0, "stole %d, want 0", p ? (int)p->index : -1);
    CHECK(!rq_steal_one(&rq), "stole a pinned or on-cpu process");
    CHECK(rq.total == 2 && rq.movable == 1, "counts %u %u", rq.total, rq.movable);
    /* The tail was removed from the high queue: pushing again must append. */
    rq_push(&rq, mk(4, PRIO_HIGH, -1));
    busy->on_cpu = 0;
    int want[] = {1, 2, 4};
    for (int i = 0; i < 3; i++) {
        p = rq_pick(&rq);
        CHECK(p && p->index == (uint32_t)want[i], "after steals, pick %d: got %d want %d", i, p ? (int)p->index : -1,
              want[i]);
    }
}

int main(void)
{
    RUN(rq_strict_priorities_then_fifo);
    RUN(rq_low_runs_once_per_eight_normal);
    RUN(rq_low_alone_runs_every_time);
    RUN(steal_takes_movable_highest_first);
    return unit_failed_cases != 0;
}
