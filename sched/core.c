/*
 * The scheduler: switching, waking, stealing, the idle loop, and preemption
 * at the end of an interrupt. Each core runs its own; cores meet only in
 * each other's run queue (under its lock) and through a process's state word.
 */
#include <arch/barrier.h>
#include <arch/exception.h>
#include <arch/exception_frame.h>
#include <arch/page.h>
#include <boot/boot.h>
#include <drivers/console.h>
#include <gic/irq.h>
#include <sched/internal.h>
#include <sched/lockup.h>
#include <sched/mailbox_limit.h>
#include <sched/policy.h>
#include <sched/race_hooks.h>
#include <sched/runqueue.h>
#include <string.h>
#include <sync/rcu.h>

/* A process that never reaches a reduction point is preempted by its core's
 * timer after this long: long enough that reductions decide almost always. */
#define SLICE_NS (2 * 1000 * 1000)
#define STACK_MARGIN 512 /* room below a pushed frame for the resume path's C call */

/* Run queue balancing, BEAM's check_balance: every so often one core (the
 * first to take balance_lock) moves work from queues above the average to
 * the emptiest ones. BEAM checks every 1000 x CONTEXT_REDS reductions per
 * queue; a timer period is the same idea measured in time. */
#define BALANCE_PERIOD_NS (20 * 1000 * 1000)

/* Two processes that ping-pong through the run-next slot would keep the
 * rest of the queue waiting (Tokio's LIFO-slot bug): after this many slot
 * picks in a row with the queue non-empty, the slot's process goes to the
 * queue's tail and the queue's head runs. */
#define RUN_NEXT_CAP 8

struct sched_core sched_cores[MAX_CPUS];
static bool sched_running;
/* sched=global: every unpinned process in one queue under one lock, the
 * first SMP BEAM's design; pinned ones still use their core's queue. */
static bool global_mode;
static struct runqueue global_rq;
static DEFINE_SPINLOCK(balance_lock, "balance");

static void balance(struct sched_core *me);

/* Balancing is checked in the slice event (slice_expired), not at every
 * switch: a busy core's slice event fires at least once a slice, and an
 * idle core has nothing to give. */
static void __attribute__((noinline)) balance_due(struct sched_core *c, uint64_t now)
{
    c->next_balance = now + timer_ns_to_ticks(BALANCE_PERIOD_NS);
    balance(c);
}

/* The slice timer is armed lazily: a switch only notes when the new slice
 * began (slice_start); the event, once queued, stays queued, and when it
 * fires it either ends the slice or re-arms for what is left of it. So a
 * switch costs a store, not a timer-queue insert and a timer write. */
static void slice_expired(void *arg)
{
    (void)arg;
    struct sched_core *c = this_core();
    bool idle = c->current == &c->idle;
    uint64_t end = c->slice_start + c->slice_ticks, now = timer_now();
    bool ended = !idle && now >= end;
    flight_record(FL_TIMER, 0, c->current->pid, FLIGHT_TIMER_SLICE, 0, ended);
    if (idle)
        return; /* idle: the next switch re-arms */
    if (__builtin_expect(now >= c->next_balance, 0)) /* never under sched=global: UINT64_MAX */
        balance_due(c, now);
    if (ended)
        c->need_resched = 1; /* acted on as this interrupt returns */
    else
        timer_event_add(&c->slice, end, slice_expired, NULL);
}

/* What p used of its budget, into its total and this core's (p: the core's
 * process, not running meanwhile; the idle context's budget stays full).
 * Counted once a slice, at its end, not at every reduce(): on our own core,
 * not through a pointer that a migration could make stale. */
static inline void count_reductions(struct sched_core *c, struct proc *p)
{
    uint64_t used = (uint64_t)((int64_t)CONTEXT_REDS - p->reds);
    p->reductions += used;
    c->count.reductions += used;
}

/* The slice event, not queued (after an idle stretch): out of line, so the
 * switch paths keep no register for it. */
static void __attribute__((noinline)) arm_slice(struct sched_core *c, uint64_t now)
{
    c->slice_ticks = timer_ns_to_ticks(SLICE_NS);
    timer_event_add(&c->slice, now + c->slice_ticks, slice_expired, NULL);
}

/* A process's slice (next: not the idle context). */
static inline void start_proc_slice(struct sched_core *c, struct proc *next, uint64_t now)
{
    next->reds = CONTEXT_REDS;
    c->slice_start = now;
    if (!timer_event_queued(&c->slice))
        arm_slice(c, now);
}

/* A fresh slice for the process that had the last one (p: c's current). */
static inline void restart_slice(struct sched_core *c, struct proc *p, uint64_t now)
{
    if (p != &c->idle) {
        count_reductions(c, p);
        start_proc_slice(c, p, now);
    }
}

/* A snapshot of every core's queues, for the policy choices (racy reads:
 * hints, checked again under the queue lock). */
static uint32_t snapshot(struct core_view *v)
{
    for (uint32_t cpu = 0; cpu < cpus_possible; cpu++) {
        struct sched_core *c = &sched_cores[cpu];
        v[cpu].movable = READ_ONCE(c->rq.movable);
        v[cpu].load = v[cpu].movable + (READ_ONCE(c->current) != &c->idle);
        v[cpu].cluster = platform.cpus[cpu_dt_index[cpu]].cluster;
        v[cpu].online = cpu_is_online(cpu);
    }
    return cpus_possible;
}

/* Is there something another core could give us? (A racy look: a miss is
 * covered by the wakeup that the enqueuer sends to an idle core.) */
static inline bool any_work_elsewhere(uint32_t me)
{
    if (global_mode)
        return false; /* no stealing: the shared queue is checked by the caller */
    for (uint32_t cpu = 0; cpu < cpus_possible; cpu++)
        if (cpu != me && READ_ONCE(sched_cores[cpu].rq.movable) > 0)
            return true;
    return false;
}

/* An idle core takes the first movable process of the busiest nearby queue
 * (sched/policy.c); BEAM steals from the others round-robin. Called after
 * a look with any_work_elsewhere: the snapshot and the choice cost a hundred
 * and more instructions (and a frame of a kilobyte), which an idle core with
 * nothing to steal would pay at every pick. */
static struct proc *__attribute__((noinline)) steal(struct sched_core *c)
{
    struct core_view v[MAX_CPUS];
    int victim = policy_steal_victim(c->cpu, v, snapshot(v));
    if (victim < 0)
        return NULL;
    struct sched_core *from = &sched_cores[victim];
    rq_lock(&from->rq.lock);
    struct proc *p = rq_steal_one(&from->rq);
    rq_unlock(&from->rq.lock);
    if (p) {
        c->count.steals++;
        trace(c, TR_STEAL, p, (uint16_t)victim);
    }
    return p;
}

/* The run-next slot's process into the queue (IRQs off). */
static void __attribute__((noinline)) demote_run_next(struct sched_core *c)
{
    struct proc *p = c->run_next;
    c->run_next = NULL;
    c->run_next_streak = 0;
    rq_lock(&c->rq.lock);
    rq_push(&c->rq, p);
    rq_unlock(&c->rq.lock);
}

/* The slot's process, unless something of a higher priority waits in the
 * queue or the slot has had its RUN_NEXT_CAP turns in a row (IRQs off). */
static inline __attribute__((always_inline)) struct proc *take_run_next(struct sched_core *c)
{
    struct proc *p = c->run_next;
    if (!p)
        return NULL;
    /* Racy reads of the queue (others push under its lock): a process that
     * arrives just now is seen at the next switch. */
    if (READ_ONCE(c->rq.total) == 0) {
        c->run_next_streak = 0; /* nothing waits behind it */
    } else if (++c->run_next_streak > RUN_NEXT_CAP ||
               (READ_ONCE(c->rq.nonempty) & (1u << PRIO_MAX | 1u << PRIO_HIGH))) {
        demote_run_next(c);
        return NULL;
    }
    c->run_next = NULL;
    return p;
}

static inline __attribute__((always_inline)) struct proc *pick_next(struct sched_core *c)
{
    if (c->slow & SLOW_DOWN) {
        if (c->run_next)
            demote_run_next(c); /* the core's processes leave from its queue */
        return NULL;            /* to the idle loop, which takes the core down */
    }
    /* Acquire: the waker's stores to the process (its state, its core)
     * before we run it. Only while this core is up, so never the CLOSED mark. */
    if (__builtin_expect(__atomic_load_n(&c->remote_next, __ATOMIC_RELAXED) != NULL, 0))
        return __atomic_exchange_n(&c->remote_next, NULL, __ATOMIC_ACQUIRE);
    struct proc *p = c->run_next ? take_run_next(c) : NULL;
    if (p)
        return p;
    /* A racy look first, so a core about to go idle takes no lock: a
     * process queued just now is seen by the idle loop's sleep test, which
     * looks again after saying the core is idle (a NULL here always leads
     * there). */
    if (READ_ONCE(c->rq.total) != 0) {
        rq_lock(&c->rq.lock);
        p = rq_pick(&c->rq);
        rq_unlock(&c->rq.lock);
        if (p)
            return p;
    }
    if (!global_mode) /* the victim must have a movable process, which the look would see */
        return any_work_elsewhere(c->cpu) ? steal(c) : NULL;
    rq_lock(&global_rq.lock);
    p = rq_pick(&global_rq);
    rq_unlock(&global_rq.lock);
    return p;
}

/* The queue a runnable process goes to when it leaves this core's CPU. */
static struct runqueue *home_queue(struct sched_core *c, struct proc *p)
{
    return global_mode && p->pinned < 0 ? &global_rq : &c->rq;
}

static void requeue_runnable(struct sched_core *c, struct proc *p)
{
    struct runqueue *rq = home_queue(c, p);
    p->state = PROC_RUNNABLE;
    rq_lock(&rq->lock);
    rq_push(rq, p);
    rq_unlock(&rq->lock);
}

static bool work_waiting(struct sched_core *c)
{
    return c->run_next || READ_ONCE(c->remote_next) || READ_ONCE(c->rq.total) ||
           (global_mode && READ_ONCE(global_rq.total));
}

static bool wake_an_idle_core(uint32_t except);

/* Move processes from queues above the average to the emptiest ones,
 * nearby first (sched/policy.c). */
static void balance(struct sched_core *me)
{
    if (!spin_trylock(&balance_lock))
        return; /* one core at a time, as BEAM */
    struct core_view v[MAX_CPUS];
    uint32_t n = snapshot(v);
    for (uint32_t from = 0; from < n; from++) {
        for (int moves = 0; moves < 8 && v[from].online; moves++) {
            int to = policy_balance_target(from, v, n);
            if (to < 0)
                break;
            struct sched_core *src = &sched_cores[from], *dst = &sched_cores[to];
            rq_lock(&src->rq.lock);
            struct proc *p = rq_steal_one(&src->rq);
            rq_unlock(&src->rq.lock);
            if (!p)
                break;
            p->core = (uint32_t)to; /* migrates when it next runs */
            rq_lock(&dst->rq.lock);
            rq_push(&dst->rq, p);
            rq_unlock(&dst->rq.lock);
            smp_mb(); /* the push visible before we read idle: pairs with the idle loop's (sched_core_loop) */
            bool sleeping = __atomic_load_n(&dst->rq.idle, __ATOMIC_RELAXED);
            v[from].load--, v[from].movable--, v[to].load++, v[to].movable++;
            me->count.migrations++;
            if (!cpu_is_online((uint32_t)to)) {
                if (wake_an_idle_core((uint32_t)to)) /* it went down since the snapshot: someone must steal p */
                    me->count.balance_ipis++;
            } else if (sleeping && (uint32_t)to != me->cpu) {
                ipi_send((uint32_t)to, IPI_RESCHEDULE);
                me->count.balance_ipis++;
            }
        }
    }
    spin_unlock(&balance_lock);
}

/* take()'s rare parts, out of line. */
static void __attribute__((noinline, cold)) take_migrated(struct sched_core *c, struct proc *next)
{
    next->core = c->cpu;
    c->count.migrations++;
    trace(c, TR_MIGRATE, next, 0);
}

/* Make `next` this core's running process in place of prev (c->current);
 * IRQs off. to_idle: next may be the idle context (false: known not to be). */
static inline __attribute__((always_inline)) void take(struct sched_core *c, struct proc *prev, struct proc *next,
                                                       bool to_idle)
{
    /* LDARB (acquire): next's registers, saved by whichever core ran it
     * last, are visible before we load them. A loop of our own: the C one
     * tests the loaded byte twice. */
    uint32_t busy;
    __asm__ volatile("1: ldarb %w[busy], %[on]\n"
                     "   cbz %w[busy], 2f\n"
                     "   yield\n"
                     "   b 1b\n"
                     "2:"
                     : [busy] "=&r"(busy)
                     : [on] "Q"(next->on_cpu)
                     : "memory");
    next->on_cpu = 1;
    next->state = PROC_RUNNING;
    if (__builtin_expect(next->core != c->cpu, 0)) /* never the idle context: its core is set at boot */
        take_migrated(c, next);
    uint64_t now = read_sysreg(cntvct_el0); /* no isb: a timestamp for statistics and the slice */
    trace_at(c, now, TR_SWITCH, next, 0);
    count_reductions(c, prev);
    set_current(c, next);
    c->count.switches++;
    if (!to_idle || next != &c->idle)
        start_proc_slice(c, next, now);
}

/* The other half of a switch, on the side that now runs (c: its core;
 * prev: the process switched away from, handed over in a register with c,
 * NULL where an interrupt resumes the process it interrupted). from_switch:
 * resumed by a switch, so prev is set. */
static inline __attribute__((always_inline)) void finish_switch(struct sched_core *c, struct proc *prev,
                                                                bool from_switch)
{
    if (from_switch || prev) {
        bool dead = prev->state == PROC_EXITING;
        /* Release: prev's saved context is complete before another core may
         * load it (see take()). */
        __atomic_store_n(&prev->on_cpu, 0, __ATOMIC_RELEASE);
        if (__builtin_expect(dead, 0))
            proc_release(c, prev);
    }
    /* A context switch is a quiescent state. Reported here, not in take():
     * callbacks it runs see a finished switch, on the stack of the process
     * the core calls current. */
    rcu_quiescent_state_if_wanted_on(c->cpu);
    /* A plain look first (never the idle context's flag: no one kills it);
     * kill_due's acquire only if it is set. */
    struct proc *self = c->current; /* not a value kept across the switch: that would live on the stack */
    if (__builtin_expect(load_flag(&self->pending_kill) != 0, 0))
        proc_die_if_kill_due(self);
}

/* From context.S: a process's first entry, a preempted one's resumption. */
void sched_finish_switch(struct sched_core *c, struct proc *prev) { finish_switch(c, prev, false); }

#define CTX_STR_(x) #x
#define CTX_STR(x) CTX_STR_(x)

/* The context switch, inline: prev's frame pointer, stack and resume point
 * (label 1) go into its context and next's are loaded; next gets `core` in
 * x0 and prev in x1, and we get the same from whoever resumes us: *from is
 * the process that ran before us, the return value our core. The registers
 * are chosen so that nothing moves at the end: core and prev are already
 * in x0 and x1 (a proc is its context: ctx comes first). Every other
 * register is declared clobbered, so the compiler keeps what it needs
 * across the switch itself (saved once, by the function's prologue, not a
 * second time into the context). The same context is resumed from
 * interrupt context by ctx_resume (context.S). */
_Static_assert(offsetof(struct proc, ctx) == 0, "the switch takes a proc as its context");
static inline __attribute__((always_inline)) struct sched_core *ctx_switch(struct proc *prev, struct proc *next,
                                                                          struct sched_core *core, struct proc **from)
{
    register uint64_t x0 __asm__("x0") = (uint64_t)core;
    register uint64_t x1 __asm__("x1") = (uint64_t)prev;
    register uint64_t x2 __asm__("x2") = (uint64_t)next;
    __asm__ volatile("adr x9, 1f\n\t"
                     "mov x10, sp\n\t"
                     "stp x29, x9, [x1, #" CTX_STR(CTX_X29) "]\n\t"
                     "str x10, [x1, #" CTX_STR(CTX_SP) "]\n\t"
                     "ldp x29, x30, [x2, #" CTX_STR(CTX_X29) "]\n\t"
                     "ldr x10, [x2, #" CTX_STR(CTX_SP) "]\n\t"
                     "mov sp, x10\n\t"
                     "ret\n"
                     "1:"
                     : "+r"(x0), "+r"(x1), "+r"(x2)
                     :
                     : "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16",
                       "x17", "x18", "x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x30",
                       "memory", "cc");
    *from = (struct proc *)x1;
    return (struct sched_core *)x0;
}

/* One switch from prev (dealt with: queued, waiting or dead) to next, on
 * this core c; returns when prev runs again, wherever that is. IRQs off.
 * to_idle: as take()'s. */
static inline __attribute__((always_inline)) void switch_to(struct sched_core *c, struct proc *prev, struct proc *next,
                                                            bool to_idle)
{
    take(c, prev, next, to_idle);
    struct proc *from;
    c = ctx_switch(prev, next, c, &from);
    finish_switch(c, from, true); /* we are prev again, resumed by core c, coming from `from` */
}

/* See sched_check_not_in_rcu_read_on: the process is killed, said so, and the
 * core's count put back (its references end with it). */
void sched_refuse_rcu_block(const char *call)
{
    irq_disable_local(); /* we stay on this core, whose count we put back */
    uint32_t me = this_cpu_id();
    struct proc *p = current_proc();
    kprintf("sched: pid %lu called %s inside an RCU read-side section (cpu%u); killed\n",
            (unsigned long)(uint32_t)p->pid, call, me);
    rcu_cpus[me].nesting = 0;
    proc_die(p, (struct exit_reason){.kind = EXIT_FAULT,
                                     .class = EXIT_CLASS_RCU_BLOCK,
                                     .pc = (uint64_t)__builtin_return_address(0)});
}

/* The current process stops: back in its queue (requeue), or waiting, or dead. */
void sched_switch_out(bool requeue)
{
    struct sched_core *c = this_core();
    struct proc *prev = c->current;
    if (requeue && prev != &c->idle)
        requeue_runnable(c, prev);
    struct proc *next = pick_next(c);
    if (!next)
        next = &c->idle;
    if (next == prev) {
        prev->state = PROC_RUNNING;
        count_reductions(c, prev);
        prev->reds = CONTEXT_REDS;
        return;
    }
    switch_to(c, prev, next, true);
}

/* See sched_block (internal.h): the slot is full and the core not slow. */
void sched_block_to_run_next(struct sched_core *c)
{
    struct proc *prev = c->current; /* a process: the idle context never waits */
    struct proc *next = take_run_next(c);
    if (__builtin_expect(!next, 0)) { /* the slot's process went to the queue behind others */
        sched_switch_out(false);
        return;
    }
    switch_to(c, prev, next, false); /* from the slot: not the idle context */
}

/* wake_to_run_next_on's unpinned process whose home is another core: it
 * comes here when nothing waits in our queue (per-core queues only). IRQs off. */
bool __attribute__((noinline)) wake_to_run_next_from_elsewhere(struct sched_core *c, struct proc *p)
{
    if (global_mode || READ_ONCE(c->rq.total) != 0 || !run_next_slot_takes(c, p))
        return false;
    p->core = c->cpu; /* a waiting process's home: ours to set, we won its wakeup */
    c->count.migrations++;
    c->run_next = p;
    c->count.wakeups_no_ipi++;
    return true;
}

/* Wake one sleeping core other than `except`, claiming it (IDLE_ASLEEP ->
 * IDLE_CLAIMED) so the next wakeup picks another. Relaxed: a hint; the
 * callers' full barrier after their push pairs with the idle loop's after
 * IDLE_ASLEEP (see there). */
static bool wake_an_idle_core(uint32_t except)
{
    for (uint32_t cpu = 0; cpu < cpus_possible; cpu++) {
        uint8_t asleep = IDLE_ASLEEP;
        if (cpu != except && __atomic_load_n(&sched_cores[cpu].rq.idle, __ATOMIC_RELAXED) == IDLE_ASLEEP &&
            __atomic_compare_exchange_n(&sched_cores[cpu].rq.idle, &asleep, IDLE_CLAIMED, false, __ATOMIC_RELAXED,
                                        __ATOMIC_RELAXED)) {
            ipi_send(cpu, IPI_RESCHEDULE);
            return true;
        }
    }
    return false;
}

/* An idle core with nothing queued: p, pinned there, goes into its
 * remote-next slot, without its queue lock (racy looks: a miss takes the
 * queue). Pinned only: an unpinned process in the queue can be stolen, and
 * that is how talkers end up on one core (a waker about to sleep takes its
 * partner). A core going
 * down marks the slot CLOSED under its queue lock as it closes the queue,
 * so the CAS from NULL then fails and the caller takes the queue's way,
 * which sees it closed. Masked; c: p's target, not our core. (Out of line
 * it saves the own-core enqueue 5 and costs this path 24.) */
static inline __attribute__((always_inline)) bool wake_into_remote_next(struct sched_core *me, struct sched_core *c, struct proc *p)
{
    if (p->pinned < 0 || !READ_ONCE(c->rq.idle) || READ_ONCE(c->rq.total) != 0)
        return false;
    struct proc *none = NULL;
    p->core = c->cpu;
    /* Release: p's stores (its state, its core) before the core that takes it sees it. */
    if (!__atomic_compare_exchange_n(&c->remote_next, &none, p, false, __ATOMIC_RELEASE, __ATOMIC_RELAXED))
        return false;
    me->count.remote_next_wakeups++;
    smp_mb(); /* the slot visible before we read idle: pairs with the idle loop's (sched_core_loop) */
    if (__atomic_load_n(&c->rq.idle, __ATOMIC_RELAXED)) {
        ipi_send(c->cpu, IPI_RESCHEDULE);
        me->count.ipi_wakeups++;
    } else {
        me->count.wakeups_no_ipi++; /* awake already: its next pick takes the slot first */
    }
    return true;
}

/* Masked throughout (me: this core): the counters are the core we run on,
 * which we stay on. */
static inline __attribute__((always_inline)) void enqueue_masked(struct sched_core *me, struct proc *p)
{
    uint32_t here = me->cpu;
    if (global_mode && p->pinned < 0) {
        rq_lock(&global_rq.lock);
        rq_push(&global_rq, p);
        rq_unlock(&global_rq.lock);
        /* Full barrier: the push is visible before we read the cores' idle
         * flags; an idle core stores IDLE_ASLEEP (full barrier) before it
         * looks at the shared queue a last time (sched_core_loop). */
        smp_mb();
        if (wake_an_idle_core(here))
            me->count.ipi_wakeups++;
        else
            me->count.wakeups_no_ipi++;
        return;
    }
    uint32_t target = p->pinned >= 0 ? (uint32_t)p->pinned : p->core;
    if (target != here && !cpu_is_online(target)) /* ours is online: we run on it */
        target = here;
    RACE_HOOK(enqueue_target_online, p->pid);
    struct sched_core *c = core_of(target);
    if (target != here && wake_into_remote_next(me, c, p))
        return;
    rq_lock(&c->rq.lock);
    /* The target went down since we looked and has drained its queue
     * (sched_cpu_down closes it under this lock first): queued there, p would
     * wait for the core to come back, for good if pinned. Here instead, told
     * as a drained process would be. (Closed and online: the core is coming
     * back and its loop will run the queue.) */
    if (c->rq.closed && !cpu_is_online(target)) {
        rq_unlock(&c->rq.lock);
        if (p->pinned == (int32_t)target) {
            p->pinned = -1;
            send_signal(p->pid, 0, MSG_CPU_DOWN, target, NULL);
        }
        target = here;
        c = me;
        rq_lock(&c->rq.lock);
    }
    p->core = target;
    rq_push(&c->rq, p);
    rq_unlock(&c->rq.lock);
    if (target == here && p->pinned >= 0) { /* ours alone to run, and we are awake: no one to tell */
        me->count.wakeups_no_ipi++;
        return;
    }
    smp_mb(); /* our push visible before we read idle: pairs with the idle loop's (sched_core_loop) */
    bool sleeping = __atomic_load_n(&c->rq.idle, __ATOMIC_RELAXED);
    if (sleeping && target != here) {
        ipi_send(target, IPI_RESCHEDULE);
        me->count.ipi_wakeups++;
    } else if (p->pinned < 0 && wake_an_idle_core(target)) {
        /* The target is busy: if some core sleeps, wake one so it can steal
         * this work (BEAM wakes an idle scheduler when work piles up). A core
         * that just went to sleep also looks for stealable work on its own first. */
        me->count.ipi_wakeups++;
    } else {
        me->count.wakeups_no_ipi++;
    }
}

void enqueue_from(struct sched_core *me, struct proc *p)
{
    enqueue_masked(me, p);
}

void enqueue(struct proc *p)
{
    uint64_t flags = irq_save();
    enqueue_masked(this_core(), p);
    irq_restore(flags);
}

/* A new process's first queueing, with the spawn's count and records in the
 * same masked stretch. */
void enqueue_spawned(struct proc *p)
{
    uint64_t flags = irq_save();
    struct sched_core *me = this_core();
    me->count.spawns++;
    trace(me, TR_SPAWN, p, (uint16_t)p->core);
    /* flight recorder hook (issue 15): the entry function, for the trace's names */
    flight_record(FL_ENTRY, 0, p->pid, (uint32_t)(uintptr_t)p->entry, (uint32_t)((uint64_t)(uintptr_t)p->entry >> 32),
                  0);
    enqueue_masked(me, p);
    irq_restore(flags);
}

void proc_wake(struct proc *p)
{
    uint64_t flags = irq_save();
    proc_wake_masked(this_core(), p); /* masked: the run-next slot is this core's */
    irq_restore(flags);
}

/* The common yield, one function: back into our own queue behind its
 * equals and the next one picked, in one lock hold (the run-next slot
 * first), and the switch inline. The general path (sched_switch_out) when
 * the core is going down, under sched=global, or from the idle context. */
void yield(void)
{
    uint64_t flags = irq_save();
    struct sched_core *c = this_core(); /* masked: we stay on it until the switch */
    sched_check_not_in_rcu_read_on(c, "yield");
    struct proc *prev = c->current;
    if (__builtin_expect(c->slow || prev == &c->idle, 0)) {
        sched_switch_out(true);
        irq_restore(flags);
        return;
    }
    prev->state = PROC_RUNNABLE;
    struct proc *next;
    if (__builtin_expect(c->run_next != NULL, 0) && (next = take_run_next(c)) != NULL) {
        rq_lock(&c->rq.lock);
        rq_push(&c->rq, prev);
        rq_unlock(&c->rq.lock);
    } else {
        rq_lock(&c->rq.lock);
        next = rq_yield(&c->rq, prev); /* prev itself if no one waits */
        rq_unlock(&c->rq.lock);
    }
    if (next == prev) {
        prev->state = PROC_RUNNING;
        count_reductions(c, prev);
        prev->reds = CONTEXT_REDS;
    } else {
        switch_to(c, prev, next, false); /* from the queue: not the idle context */
    }
    irq_restore(flags);
}

void reduce(uint32_t n) { reduce_charge(current_proc(), n); }

/* Hand the core to the next process from interrupt context: `frame` is
 * what the exception will return into. prev's state is already dealt with. */
static void switch_from_interrupt(struct sched_core *c, struct proc *prev, struct exception_frame *f)
{
    struct proc *next = pick_next(c);
    if (!next)
        next = &c->idle;
    if (next != prev) {
        take(c, prev, next, true);
    } else {
        prev->state = PROC_RUNNING;
        restart_slice(c, prev, timer_now());
    }
    f->x[0] = (uint64_t)&next->ctx;
    /* What ctx_resume hands next: its core, and the process to finish (none
     * if it is the one interrupted). */
    f->x[1] = (uint64_t)c;
    f->x[2] = next != prev ? (uint64_t)prev : 0;
    f->elr = (uint64_t)ctx_resume;
    f->spsr = SPSR_EL1T_DAIF_MASKED;
}

/* Push the interrupted process's whole state onto its own stack. */
static bool save_preempted(struct proc *p, struct exception_frame *f)
{
    uint64_t frame_at = f->sp - PREEMPT_FRAME_SIZE;
    if (frame_at - STACK_MARGIN < p->stack_top - p->stack_mapped)
        return false; /* no room: its stack is nearly full */
    memcpy((void *)frame_at, f, FRAME_SIZE);
    fp_save_all((void *)(frame_at + PREEMPT_FP_AREA));
    p->ctx.sp = frame_at;
    p->ctx.pc = (uint64_t)proc_resume_preempted;
    return true;
}

/* End of every interrupt taken from thread context. */
static inline void sched_irq_exit(struct exception_frame *f, uint32_t me)
{
    struct sched_core *c = &sched_cores[me];
    struct proc *p = c->current;
    if (!sched_running || p == &c->idle || (f->spsr & SPSR_MODE_MASK) != SPSR_MODE_EL1T)
        return; /* idle re-checks by itself; handlers are never preempted */
    if (!rcu_cpus[me].nesting)
        rcu_quiescent_state(); /* a process outside any read-side section: as a switch */
    bool killed = kill_due(p);
    if (!killed && !c->need_resched && !(c->slow & SLOW_DOWN))
        return;
    if (rcu_cpus[me].nesting)
        return; /* an RCU read-side section is not preemptible (the count is per core) */
    /* Only a RUNNING process is preempted or killed here. One interrupted
     * between storing WAITING and switching out (wait_for_mail) may already
     * have been woken, and so queued, by a sender on another core or by this
     * very interrupt's handler: queueing it again would put it in a queue
     * twice (or in the queue and the run-next slot), and a process linked
     * twice loses the ones behind it; killing it would leave a dead process
     * queued. It is about to switch out by itself (and dies when it next runs,
     * sched_finish_switch); the preemption waits for the next interrupt. No
     * one else moves a process off RUNNING: this read cannot go stale. */
    if (__atomic_load_n(&p->state, __ATOMIC_RELAXED) != PROC_RUNNING)
        return;
    c->need_resched = 0;
    if (killed) {
        proc_exit_bookkeeping_killed(p);
        switch_from_interrupt(c, p, f);
        return;
    }
    if (!work_waiting(c) && !(c->slow & SLOW_DOWN)) { /* nobody else wants the core: run on */
        restart_slice(c, p, timer_now());
        return;
    }
    if (!save_preempted(p, f)) {
        struct exit_reason why = {
            .kind = EXIT_FAULT, .class = EXIT_CLASS_NO_STACK, .value = f->sp, .pc = f->elr};
        kprintf("sched: pid %lu: no stack left to save its state at preemption; killed\n",
                (unsigned long)(uint32_t)p->pid);
        proc_exit_bookkeeping(p, why);
        switch_from_interrupt(c, p, f);
        return;
    }
    c->count.preemptions++;
    trace(c, TR_PREEMPT, p, 0);
    requeue_runnable(c, p);
    switch_from_interrupt(c, p, f);
}

/* The exception layer's interrupt hook (init/ installs it before any core
 * unmasks interrupts): dispatch the interrupt (a direct call), then, once
 * processes run, maybe switch. */
void sched_irq_entry(struct exception_frame *f)
{
    uint32_t me = this_cpu_id();                            /* interrupts stay masked: we stay on this core */
    lockup_sample_irq(me, f->elr, read_sysreg(cntvct_el0)); /* where it was: for a lockup report */
    irq_dispatch_on(me);
    sched_irq_exit(f, me);
}

/* A synchronous exception in a process kills that process only. */
bool sched_process_fault(struct exception_frame *f)
{
    struct sched_core *c = this_core();
    struct proc *p = c->current;
    if (!sched_running || p == &c->idle || (f->spsr & SPSR_MODE_MASK) != SPSR_MODE_EL1T)
        return false; /* the kernel itself faulted: that is a panic */
    uint16_t class = (uint16_t)esr_class(f->esr);
    /* FAR holds the address only for aborts and watchpoints; otherwise it is stale. */
    bool far_valid = (class >= 0x20 && class <= 0x25) || class == 0x34 || class == 0x35;
    struct exit_reason why = {
        .kind = EXIT_FAULT, .class = class, .value = far_valid ? f->far : 0, .pc = f->elr};
    bool overflow = far_valid && f->far < p->stack_top - p->stack_mapped &&
                    f->far >= p->stack_top - MAX_STACK_SIZE - 2 * PAGE_SIZE;
    kprintf("sched: pid %lu killed by %s%s at pc %#lx, address %#lx (cpu%u)\n",
            (unsigned long)(uint32_t)p->pid, esr_class_name(why.class),
            overflow ? " (stack overflow into its guard page)" : "", (unsigned long)f->elr,
            (unsigned long)why.value, this_cpu_id());
    proc_exit_bookkeeping(p, why);
    switch_from_interrupt(c, p, f);
    return true;
}

static void reschedule_ipi(void)
{
    /* Nothing to do here: the interrupt already woke the core from WFI, and
     * a running process is not preempted for a newcomer of equal rank. */
}

/* The idle loop's interrupt dispatch (exc_stack_call's fn): the interrupt
 * that ended the WFI; any other pending is taken as the loop unmasks. */
static void dispatch_here(void *cpu) { irq_dispatch_one_on((uint32_t)(uintptr_t)cpu); }

void sched_core_loop(void)
{
    struct sched_core *c = this_core();
    irq_disable_local();
    c->idle.on_cpu = 1;
    c->idle.state = PROC_RUNNING;
    c->idle.pinned = (int32_t)this_cpu_id();
    set_current(c, &c->idle);
    lockup_watch_start(); /* this core watches the one before it from now on */
    rq_lock(&c->rq.lock);
    c->rq.closed = 0; /* back: enqueuers may queue here again (see enqueue) */
    /* And use the slot again: a CAS from NULL after this finds it open.
     * (Relaxed: the unlock's release publishes it with the queue's state.) */
    __atomic_store_n(&c->remote_next, NULL, __ATOMIC_RELAXED);
    rq_unlock(&c->rq.lock);
    flight_record(FL_CPU_UP, 0, 0, 0, 0, 0);
    /* Back from a switch: the process that switched to us has just picked
     * and found nothing (pick_next, with the look for work to steal), and we
     * have been masked since, so nothing of ours can have been woken since
     * but by another core: the sleep test below sees that (it looks at the
     * queue after saying we are idle, and for stealable work after that). */
    bool just_picked = false;
    for (;;) {
        rcu_quiescent_state_if_wanted_on(c->cpu); /* the idle loop is outside every read-side section */
        RACE_HOOK(idle_reported_quiescent, c->cpu);
        smp_idle_poll_on(c->cpu); /* hotplug: may not return */
        struct proc *next = just_picked ? NULL : pick_next(c);
        just_picked = false;
        if (next) {
            switch_to(c, &c->idle, next, false); /* back on this core: the idle context is pinned */
            just_picked = true;
            continue;
        }
        /* Sleep unless work arrived: we say we are idle, then look at our
         * queue; a waker queues, then looks at `idle` (enqueue, balance):
         * either we see its work here or it sees idle and sends the IPI
         * that ends our WFI. */
        /* a first look: no idle flag a waker would act on in vain */
        bool empty = READ_ONCE(c->rq.total) == 0 && !READ_ONCE(c->remote_next);
        if (empty) {
            __atomic_store_n(&c->rq.idle, IDLE_GOING, __ATOMIC_RELAXED);
            smp_mb(); /* idle visible before we read the queue: pairs with the waker's between its push and its read */
            empty = READ_ONCE(c->rq.total) == 0 && !READ_ONCE(c->remote_next);
        }
        if (global_mode && READ_ONCE(global_rq.total))
            empty = false; /* looked at again after IDLE_ASLEEP, below */
        if (!empty)
            __atomic_store_n(&c->rq.idle, IDLE_AWAKE, __ATOMIC_RELAXED);
        if (empty) {
            __atomic_store_n(&c->rq.idle, IDLE_ASLEEP, __ATOMIC_RELAXED);
            /* IDLE_ASLEEP visible before we look for work to steal one last
             * time: pairs with the barrier between a waker's push and its
             * wake_an_idle_core. Either we see its work or it sees us asleep. */
            smp_mb();
            if (!any_work_elsewhere(c->cpu) && !(global_mode && READ_ONCE(global_rq.total))) {
                trace(c, TR_IDLE, NULL, 0);
                /* Report, then sleep, interrupts masked: an RCU kick sent after
                 * the report stays pending and ends the WFI at once. */
                rcu_quiescent_state_if_wanted_on(c->cpu);
                /* No isb: a statistic (as take()'s timestamp). */
                uint64_t t0 = read_sysreg(cntvct_el0);
                cpu_wfi(); /* a pending interrupt ends it even while masked */
                uint64_t slept = read_sysreg(cntvct_el0) - t0;
                c->count.idle_time += slept;
                flight_record(FL_IDLE_EXIT, 0, 0, slept > UINT32_MAX ? UINT32_MAX : (uint32_t)slept, 0,
                              work_waiting(c));
                /* What woke us (an IPI, mostly), handled here, still masked:
                 * the exception entry and return that unmasking would cost
                 * buy nothing, as an interrupt of the idle loop returns to
                 * it with nothing more done (sched_irq_exit). On the
                 * exception stack, as an interrupt's handlers run: a fault
                 * there is one in handler context. */
                uint64_t here;
                __asm__ volatile("adr %0, ." : "=r"(here)); /* the pc a lockup report names */
                lockup_sample_irq(c->cpu, here, read_sysreg(cntvct_el0));
                exc_stack_call(dispatch_here, (void *)(uintptr_t)c->cpu);
            }
            /* A waker that still sees us idle sends one IPI too many. */
            __atomic_store_n(&c->rq.idle, IDLE_AWAKE, __ATOMIC_RELAXED);
        }
        irq_enable_local(); /* take what woke us */
        irq_disable_local();
    }
}

struct sched_core *this_core_first(void)
{
    uint64_t flags = irq_save(); /* the id and the register are the same core's */
    struct sched_core *c = &sched_cores[this_cpu_id()];
    write_sysreg(tpidr_el0, (uint64_t)c);
    irq_restore(flags);
    return c;
}

void sched_init(void)
{
    global_mode = bootargs.sched_global;
    global_rq.lock = (struct rq_lock)RQ_LOCK_INIT("global-runqueue");
    proc_table_init();
    mailbox_limit_init();
    if (global_mode)
        rq_lock_register(&global_rq.lock);
    for (uint32_t cpu = 0; cpu < MAX_CPUS; cpu++) {
        struct sched_core *c = &sched_cores[cpu];
        c->rq.lock = (struct rq_lock)RQ_LOCK_INIT("runqueue");
        if (cpu < cpus_possible)
            rq_lock_register(&c->rq.lock);
        c->cpu = cpu;
        c->rcu_nesting = &rcu_cpus[cpu].nesting;
        c->slow = global_mode ? SLOW_GLOBAL : 0;
        c->next_balance = global_mode ? UINT64_MAX : 0; /* sched=global does not balance */
        c->idle.pinned = (int32_t)cpu;
        c->idle.core = cpu; /* so take() never counts it as migrated */
        c->idle.prio = PRIO_LOW;
        c->idle.reds = CONTEXT_REDS; /* never charged: count_reductions adds 0 for it */
        c->current = &c->idle; /* until the core enters sched_core_loop */
    }
    cpu_set_running_thread(&this_core()->idle); /* ours (a secondary sets its own there) */
    ipi_handler_set(IPI_RESCHEDULE, reschedule_ipi);
    sched_hotplug_init();
    /* Release: the tables above are set up before any core sees sched running. */
    __atomic_store_n(&sched_running, true, __ATOMIC_RELEASE);
}

bool sched_global_queue(void)
{
    return global_mode;
}

/* Relaxed: a snapshot of the hint, as wake_an_idle_core reads it. */
bool sched_core_sleeping(uint32_t cpu)
{
    return __atomic_load_n(&sched_cores[cpu].rq.idle, __ATOMIC_RELAXED) >= IDLE_ASLEEP;
}

bool sched_is_running(void)
{
    return __atomic_load_n(&sched_running, __ATOMIC_ACQUIRE);
}

pid_t self(void)
{
    return current_proc()->pid;
}
