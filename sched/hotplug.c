/*
 * A core going offline (smp_cpu_down -> cpu_die, on that core, from its idle
 * loop, already marked offline) hands its work on before PSCI CPU_OFF:
 * - its queued processes go to the other online cores, round robin; a
 *   process pinned to it, queued or waiting, is unpinned, moved, and told
 *   (MSG_CPU_DOWN);
 * - its timer events (receive timeouts of processes that waited here) are
 *   re-queued on another core, so no timeout is lost.
 * An enqueue that raced with the offline mark can still land here: other
 * cores steal from offline queues (core.c), so it is not stranded.
 */
#include <boot/boot.h>
#include <drivers/console.h>
#include <sched/internal.h>
#include <sched/lockup.h>
#include <sched/race_hooks.h>
#include <sched/runqueue.h>
#include <sync/xcall.h>

static uint32_t next_online(uint32_t after)
{
    for (uint32_t i = 1; i <= cpus_possible; i++) {
        uint32_t cpu = (after + i) % cpus_possible;
        if (cpu_is_online(cpu))
            return cpu;
    }
    return 0;
}

struct moved_timers {
    struct timer_event *list; /* linked by next, as taken off the going core */
    uint32_t cpu;             /* the core that queues them again */
};

/* One cross-call for the whole list: under a loaded host each call waits for
 * the target's vCPU, and a call per timer made going down take seconds. */
static void requeue_timers_here(void *arg)
{
    struct moved_timers *m = arg;
    for (struct timer_event *ev = m->list, *next; ev; ev = next) {
        next = ev->next; /* the add below rewrites it */
        timer_event_add(ev, ev->deadline, ev->fn, ev->arg);
        timeout_moved(ev, m->cpu); /* queued here first: a canceller that sees us as owner finds it */
    }
}

/* On the core asked to go down, in the request's interrupt (masked): its
 * switches take the general path, which returns it to its idle loop. */
static void sched_down_requested(uint32_t cpu) { sched_cores[cpu].slow |= SLOW_DOWN; }

static void sched_cpu_down(uint32_t cpu)
{
    struct sched_core *c = &sched_cores[cpu];
    uint32_t to = cpu, moved = 0, unpinned = 0;
    c->slow &= (uint8_t)~SLOW_DOWN; /* handled now (interrupts masked, on this core): clear for its return */
    rq_lock(&c->rq.lock);
    /* Closed before the drain: an enqueuer that saw us online and locks the
     * queue after this goes elsewhere (enqueue), so nothing lands behind it. */
    c->rq.closed = 1;
    if (c->run_next) /* pick_next put it in the queue; should it not have, now */
        rq_push(&c->rq, c->run_next);
    /* The remote-next slot closed too (a waker's CAS from NULL fails from
     * now on, and it takes the queue's way, which sees the queue closed);
     * what it held is drained with the queue. Acquire: the waker's stores. */
    struct proc *remote = __atomic_exchange_n(&c->remote_next, REMOTE_NEXT_CLOSED, __ATOMIC_ACQUIRE);
    if (remote && remote != REMOTE_NEXT_CLOSED)
        rq_push(&c->rq, remote);
    rq_unlock(&c->rq.lock);
    c->run_next = NULL;
    for (;;) {
        rq_lock(&c->rq.lock);
        struct proc *p = rq_pick(&c->rq);
        rq_unlock(&c->rq.lock);
        if (!p)
            break;
        RACE_HOOK(moving_off_going_core, p->pid);
        to = next_online(to);
        if (p->pinned == (int32_t)cpu) {
            p->pinned = -1;
            send_signal(p->pid, 0, MSG_CPU_DOWN, cpu, NULL);
            unpinned++;
        }
        p->core = to;
        enqueue(p);
        moved++;
    }
    /* Pinned processes not in the queue: waiting for a message or sleeping.
     * Wake each as a message would, by winning WAITING -> RUNNABLE: that
     * makes it ours (in no queue, so its pin may change), then unpin, tell
     * and queue it elsewhere. (One woken by another core while this one was
     * going offline runs there already, still pinned here, until it waits
     * again: such a window is left alone.) */
    for (uint32_t i = 0;; i++) {
        struct proc *p = proc_by_index(i);
        if (!p)
            break;
        uint8_t waiting = PROC_WAITING;
        /* Acq_rel, as proc_wake: one waker wins; what p did before it waited is visible here. */
        if (READ_ONCE(p->pinned) != (int32_t)cpu ||
            !__atomic_compare_exchange_n(&p->state, &waiting, PROC_RUNNABLE, false, __ATOMIC_ACQ_REL,
                                         __ATOMIC_RELAXED))
            continue;
        to = next_online(to);
        p->pinned = -1;
        p->core = to;
        send_signal(p->pid, 0, MSG_CPU_DOWN, cpu, NULL);
        enqueue(p);
        unpinned++;
        moved++;
    }
    RACE_HOOK(timers_handing_on, cpu);
    struct timer_event *ev = timer_events_take_all();
    /* Before the first cross-call below, whose wait serves calls to us: a
     * canceller's removal served after the take finds nothing here, and
     * must see that its timeout is on the move (timeout_cancel). */
    for (struct timer_event *e = ev; e; e = e->next)
        timeout_moving(e);
    struct moved_timers m = {NULL, next_online(cpu)};
    uint32_t timers = 0;
    while (ev) {
        struct timer_event *next = ev->next;
        if (ev != &c->slice && ev != lockup_watch_event(cpu)) { /* both restart when the core is back */
            ev->next = m.list;
            m.list = ev;
            timers++;
        }
        ev = next;
    }
    if (m.list)
        smp_call_function_single(m.cpu, requeue_timers_here, &m, true);
    flight_record(FL_CPU_DOWN, 0, 0, moved, 0, (uint16_t)timers);
    if (moved || timers)
        kprintf("sched: cpu%u going down: %u process(es) moved (%u unpinned and told), %u timer(s) moved\n",
                cpu, moved, unpinned, timers);
}

void sched_hotplug_init(void)
{
    cpu_down_requested = sched_down_requested;
    cpu_down_prepare = sched_cpu_down;
}
