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
static uint64_t idle_cores; /* bit n: core n sleeps in WFI (a hint for wakeups) */
/* sched=global: every unpinned process in one queue under one lock, the
 * first SMP BEAM's design; pinned ones still use their core's queue. */
static bool global_mode;
static struct runqueue global_rq;
static DEFINE_SPINLOCK(balance_lock, "balance");

/* The slice timer is armed lazily: a switch only notes when the new slice
 * began (slice_start); the event, once queued, stays queued, and when it
 * fires it either ends the slice or re-arms for what is left of it. So a
 * switch costs a store, not a timer-queue insert and a timer write. */
static void slice_expired(void *arg)
{
    (void)arg;
    struct sched_core *c = this_core();
    bool idle = c->current == &c->idle;
    uint64_t end = c->slice_start + c->slice_ticks;
    bool ended = !idle && timer_now() >= end;
    flight_record(FL_TIMER, 0, c->current->pid, FLIGHT_TIMER_SLICE, 0, ended);
    if (idle)
        return; /* idle: the next switch re-arms */
    if (ended)
        c->need_resched = 1; /* acted on as this interrupt returns */
    else
        timer_event_add(&c->slice, end, slice_expired, NULL);
}

static void start_slice(struct sched_core *c, struct proc *next, uint64_t now)
{
    if (next == &c->idle)
        return;
    next->reds = CONTEXT_REDS;
    c->slice_start = now;
    if (!c->slice.queued) {
        c->slice_ticks = timer_ns_to_ticks(SLICE_NS);
        timer_event_add(&c->slice, now + c->slice_ticks, slice_expired, NULL);
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

/* An idle core takes the first movable process of the busiest nearby queue
 * (sched/policy.c); BEAM steals from the others round-robin. */
static struct proc *steal(struct sched_core *c)
{
    struct core_view v[MAX_CPUS];
    int victim = policy_steal_victim(this_cpu_id(), v, snapshot(v));
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

/* Is there something another core could give us? (A racy look: a miss is
 * covered by the wakeup that the enqueuer sends to an idle core.) */
static bool any_work_elsewhere(void)
{
    if (global_mode)
        return false; /* no stealing: the shared queue is checked by the caller */
    for (uint32_t cpu = 0; cpu < cpus_possible; cpu++)
        if (cpu != this_cpu_id() && READ_ONCE(sched_cores[cpu].rq.movable) > 0)
            return true;
    return false;
}

/* The run-next slot's process into the queue (IRQs off). */
static void demote_run_next(struct sched_core *c)
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
static struct proc *take_run_next(struct sched_core *c)
{
    struct proc *p = c->run_next;
    if (!p)
        return NULL;
    /* Racy reads of the queue (others push under its lock): a process that
     * arrives just now is seen at the next switch. */
    if (READ_ONCE(c->rq.total) == 0) {
        c->run_next_streak = 0; /* nothing waits behind it */
    } else if (++c->run_next_streak > RUN_NEXT_CAP || READ_ONCE(c->rq.head[PRIO_MAX]) ||
               READ_ONCE(c->rq.head[PRIO_HIGH])) {
        demote_run_next(c);
        return NULL;
    }
    c->run_next = NULL;
    return p;
}

static struct proc *pick_next(struct sched_core *c)
{
    if (smp_down_requested(this_cpu_id())) {
        if (c->run_next)
            demote_run_next(c); /* the core's processes leave from its queue */
        return NULL;            /* to the idle loop, which takes the core down */
    }
    struct proc *p = c->run_next ? take_run_next(c) : NULL;
    if (p)
        return p;
    rq_lock(&c->rq.lock);
    p = rq_pick(&c->rq);
    rq_unlock(&c->rq.lock);
    if (p)
        return p;
    if (!global_mode)
        return steal(c);
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
    return c->run_next || READ_ONCE(c->rq.total) || (global_mode && READ_ONCE(global_rq.total));
}

static bool wake_an_idle_core(uint32_t except);

/* Move processes from queues above the average to the emptiest ones,
 * nearby first (sched/policy.c). */
static void balance(void)
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
            bool sleeping = dst->rq.idle;
            rq_unlock(&dst->rq.lock);
            v[from].load--, v[from].movable--, v[to].load++, v[to].movable++;
            this_core()->count.migrations++;
            if (!cpu_is_online((uint32_t)to))
                wake_an_idle_core((uint32_t)to); /* it went down since the snapshot: someone must steal p */
            else if (sleeping && (uint32_t)to != this_cpu_id())
                ipi_send((uint32_t)to, IPI_RESCHEDULE);
        }
    }
    spin_unlock(&balance_lock);
}

/* Make `next` this core's running process; IRQs off. */
static void take(struct sched_core *c, struct proc *next)
{
    /* Acquire: next's registers, saved by whichever core ran it last, are
     * visible before we load them. */
    while (__atomic_load_n(&next->on_cpu, __ATOMIC_ACQUIRE))
        cpu_relax();
    next->on_cpu = 1;
    next->state = PROC_RUNNING;
    uint32_t me = this_cpu_id();
    if (next != &c->idle && next->core != me) {
        next->core = me;
        c->count.migrations++;
        trace(c, TR_MIGRATE, next, 0);
    }
    uint64_t now = read_sysreg(cntvct_el0); /* no isb: a timestamp for statistics and the slice */
    trace_at(c, now, TR_SWITCH, next, 0);
    /* The core's reductions: what the outgoing process ran since it came on
     * (counted here, on our own core, not through a pointer that a
     * migration could make stale). */
    c->count.reductions += c->current->reductions - c->reductions_at_switch;
    c->reductions_at_switch = next->reductions;
    set_current(c, next);
    c->count.switches++;
    start_slice(c, next, now);
    if (!global_mode) {
        if (now >= c->next_balance) {
            c->next_balance = now + timer_ns_to_ticks(BALANCE_PERIOD_NS);
            balance();
        }
    }
}

void sched_finish_switch(void)
{
    struct sched_core *c = this_core();
    struct proc *prev = c->prev;
    c->prev = NULL;
    if (prev) {
        bool dead = prev->state == PROC_EXITING;
        /* Release: prev's saved context is complete before another core may
         * load it (see take()). */
        __atomic_store_n(&prev->on_cpu, 0, __ATOMIC_RELEASE);
        if (dead)
            proc_release(prev);
    }
    /* A context switch is a quiescent state. Reported here, not in take():
     * callbacks it runs see a finished switch, on the stack of the process
     * the core calls current. */
    rcu_quiescent_state_if_wanted();
    struct proc *p = c->current;
    if (p != &c->idle && kill_due(p))
        proc_die_killed(p);
}

/* See sched_check_not_in_rcu_read: the process is killed, said so, and the
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
    struct proc *next = NULL;
    if (requeue && prev != &c->idle && home_queue(c, prev) == &c->rq && !smp_down_requested(this_cpu_id())) {
        /* The common yield: back into our own queue and pick, one lock hold
         * (the run-next slot first). */
        prev->state = PROC_RUNNABLE;
        next = c->run_next ? take_run_next(c) : NULL;
        rq_lock(&c->rq.lock);
        rq_push(&c->rq, prev);
        if (!next)
            next = rq_pick(&c->rq);
        rq_unlock(&c->rq.lock);
    } else {
        if (requeue && prev != &c->idle)
            requeue_runnable(c, prev);
        next = pick_next(c);
    }
    if (!next)
        next = &c->idle;
    if (next == prev) {
        prev->state = PROC_RUNNING;
        prev->reds = CONTEXT_REDS;
        return;
    }
    take(c, next);
    c->prev = prev;
    ctx_switch(&prev->ctx, &next->ctx);
    sched_finish_switch(); /* we are prev again, resumed by some core */
}

/* Wake one sleeping core other than `except`, claiming its idle bit so the
 * next wakeup picks another. Relaxed: the mask is a hint (see callers). */
static bool wake_an_idle_core(uint32_t except)
{
    uint64_t idle = __atomic_load_n(&idle_cores, __ATOMIC_RELAXED) & ~(1UL << except);
    while (idle) {
        uint64_t bit = idle & -idle;
        if (__atomic_fetch_and(&idle_cores, ~bit, __ATOMIC_RELAXED) & bit) {
            ipi_send((uint32_t)__builtin_ctzll(bit), IPI_RESCHEDULE);
            return true;
        }
        idle &= ~bit;
    }
    return false;
}

/* Masked throughout: the counters are the core we run on, which we stay on. */
void enqueue(struct proc *p)
{
    uint64_t flags = irq_save();
    uint32_t here = this_cpu_id();
    struct sched_core *me = &sched_cores[here];
    if (global_mode && p->pinned < 0) {
        rq_lock(&global_rq.lock);
        rq_push(&global_rq, p);
        rq_unlock(&global_rq.lock);
        /* Full barrier: the push is visible before we read the idle mask; an
         * idle core sets its bit (full barrier) before it checks the queue. */
        smp_mb();
        if (wake_an_idle_core(here))
            me->count.ipi_wakeups++;
        else
            me->count.wakeups_no_ipi++;
        irq_restore(flags);
        return;
    }
    uint32_t target = p->pinned >= 0 ? (uint32_t)p->pinned : p->core;
    if (!cpu_is_online(target))
        target = here;
    RACE_HOOK(enqueue_target_online, p->pid);
    struct sched_core *c = &sched_cores[target];
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
    bool sleeping = c->rq.idle; /* read under the lock: see sched_core_loop */
    rq_unlock(&c->rq.lock);
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
    irq_restore(flags);
}

/* A woken process whose home is this core, woken by a process here, goes
 * to the run-next slot: it runs at our next switch, beside its waker (BEAM
 * keeps a woken process where its waker runs): no lock, no IPI, no idle
 * core woken to steal it. It waits at most the rest of the waker's slice.
 * (A spawn goes to the queue, where an idle core may take it.) */
static bool wake_to_run_next(struct proc *p)
{
    uint64_t flags = irq_save();
    uint32_t here = this_cpu_id(); /* masked: we stay on it */
    struct sched_core *c = &sched_cores[here];
    uint32_t home = p->pinned >= 0 ? (uint32_t)p->pinned : p->core;
    bool taken = home == here && c->current != &c->idle && !c->run_next && p->prio == PRIO_NORMAL &&
                 !global_mode && !smp_down_requested(here);
    if (taken) {
        c->run_next = p;
        c->count.wakeups_no_ipi++;
    }
    irq_restore(flags);
    return taken;
}

void proc_wake(struct proc *p)
{
    uint8_t expected = PROC_WAITING;
    /* Only one waker wins WAITING -> RUNNABLE, so p is queued once. */
    if (__atomic_compare_exchange_n(&p->state, &expected, PROC_RUNNABLE, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_RELAXED) &&
        !wake_to_run_next(p))
        enqueue(p);
}

void yield(void)
{
    sched_check_not_in_rcu_read("yield");
    uint64_t flags = irq_save();
    sched_switch_out(true);
    irq_restore(flags);
}

void reduce(uint32_t n)
{
    struct proc *p = current_proc();
    p->reductions += n; /* the core's count is taken from it at the switch (take) */
    /* One atomic step (relaxed: it orders nothing). A plain load and store
     * preempted in between would write what was left of the old slice over
     * the fresh budget start_slice gave the new one, cutting it short. The
     * check reads again: after a preemption the budget is a new one. */
    __atomic_fetch_sub(&p->reds, (int32_t)n, __ATOMIC_RELAXED);
    if (__atomic_load_n(&p->reds, __ATOMIC_RELAXED) <= 0)
        yield();
}

/* Hand the core to the next process from interrupt context: `frame` is
 * what the exception will return into. prev's state is already dealt with. */
static void switch_from_interrupt(struct sched_core *c, struct proc *prev, struct exception_frame *f)
{
    struct proc *next = pick_next(c);
    if (!next)
        next = &c->idle;
    if (next != prev) {
        take(c, next);
        c->prev = prev; /* finished by next's resume path (sched_finish_switch) */
    } else {
        prev->state = PROC_RUNNING;
        start_slice(c, prev, timer_now());
    }
    f->x[0] = (uint64_t)&next->ctx;
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
    if (!killed && !c->need_resched && !smp_down_requested(me))
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
    if (!work_waiting(c) && !smp_down_requested(me)) { /* nobody else wants the core: run on */
        start_slice(c, p, timer_now());
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
    rq_unlock(&c->rq.lock);
    flight_record(FL_CPU_UP, 0, 0, 0, 0, 0);
    for (;;) {
        rcu_quiescent_state(); /* the idle loop is outside every read-side section */
        RACE_HOOK(idle_reported_quiescent, this_cpu_id());
        smp_idle_poll(); /* hotplug: may not return */
        struct proc *next = pick_next(c);
        if (next) {
            take(c, next);
            c->prev = &c->idle;
            ctx_switch(&c->idle.ctx, &next->ctx);
            sched_finish_switch();
            continue;
        }
        /* Sleep unless work arrived: `idle` is set under the queue lock, and
         * a waker reads it under that lock after queueing, so either we see
         * its work here or it sees idle and sends the IPI that ends our WFI. */
        rq_lock(&c->rq.lock);
        bool empty = c->rq.total == 0;
        c->rq.idle = empty;
        rq_unlock(&c->rq.lock);
        if (global_mode && READ_ONCE(global_rq.total))
            empty = false; /* rechecked after setting our idle bit, below */
        if (empty) {
            uint64_t bit = 1UL << this_cpu_id();
            /* Full barrier (the SEQ_CST RMW): our idle bit is visible before we
             * look for work to steal one last time. */
            __atomic_fetch_or(&idle_cores, bit, __ATOMIC_SEQ_CST);
            if (!any_work_elsewhere() && !(global_mode && READ_ONCE(global_rq.total))) {
                trace(c, TR_IDLE, NULL, 0);
                /* Report, then sleep, interrupts masked: an RCU kick sent after
                 * the report stays pending and ends the WFI at once. */
                rcu_quiescent_state();
                uint64_t t0 = timer_now();
                cpu_wfi(); /* a pending interrupt ends it even while masked */
                uint64_t slept = timer_now() - t0;
                c->count.idle_time += slept;
                flight_record(FL_IDLE_EXIT, 0, 0, slept > UINT32_MAX ? UINT32_MAX : (uint32_t)slept, 0,
                              work_waiting(c));
            }
            __atomic_fetch_and(&idle_cores, ~bit, __ATOMIC_RELAXED); /* a hint */
            rq_lock(&c->rq.lock);
            c->rq.idle = 0;
            rq_unlock(&c->rq.lock);
        }
        irq_enable_local(); /* take what woke us */
        irq_disable_local();
    }
}

void sched_init(void)
{
    global_mode = bootargs.sched_global;
    global_rq.lock = (struct rq_lock)RQ_LOCK_INIT("global-runqueue");
    proc_table_init();
    mailbox_limit_init();
    for (uint32_t cpu = 0; cpu < MAX_CPUS; cpu++) {
        struct sched_core *c = &sched_cores[cpu];
        c->rq.lock = (struct rq_lock)RQ_LOCK_INIT("runqueue");
        c->idle.pinned = (int32_t)cpu;
        c->idle.prio = PRIO_LOW;
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
    return __atomic_load_n(&idle_cores, __ATOMIC_RELAXED) >> cpu & 1;
}

bool sched_is_running(void)
{
    return __atomic_load_n(&sched_running, __ATOMIC_ACQUIRE);
}

pid_t self(void)
{
    return current_proc()->pid;
}
