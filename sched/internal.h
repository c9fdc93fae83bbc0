/* Inside sched/: the process control block, per-core state, and what the
 * files of this directory offer each other. */
#ifndef ARMADA_SCHED_INTERNAL_H
#define ARMADA_SCHED_INTERNAL_H

#include <arch/cpu.h>
#include <drivers/timer.h>
#include <sched/context.h>
#include <sched/flight.h>
#include <sched/race_hooks.h>
#include <sched/rq_lock.h>
#include <sched/sched.h>
#include <stddef.h>
#include <sync/rcu.h>
#include <sync/spinlock.h>

/* A switched-out process: where it resumes (pc), its stack and frame
 * pointer, and for a new process its function and argument (which its
 * first entry loads for itself, so no switch loads them). No other
 * register: the switch (core.c, ctx_switch) declares them clobbered, so the
 * code around it keeps what it needs itself. Offsets: sched/context.h. */
struct proc_ctx {
    uint64_t fn, arg;
    uint64_t x29;
    uint64_t pc; /* where the switch resumes it */
    uint64_t sp;
};
_Static_assert(offsetof(struct proc_ctx, fn) == CTX_FN, "context.S layout");
_Static_assert(offsetof(struct proc_ctx, arg) == CTX_ARG, "context.S layout");
_Static_assert(offsetof(struct proc_ctx, x29) == CTX_X29, "context.S layout");
_Static_assert(offsetof(struct proc_ctx, pc) == CTX_PC, "context.S layout");
_Static_assert(offsetof(struct proc_ctx, sp) == CTX_SP, "context.S layout");
_Static_assert(sizeof(struct proc_ctx) == CTX_SIZE, "context.S layout");

enum proc_state {
    PROC_FREE,     /* slot unused */
    PROC_RUNNABLE, /* in a run queue */
    PROC_RUNNING,  /* on a core */
    PROC_WAITING,  /* in receive (or sleep): a message or its timeout wakes it */
    PROC_EXITING,  /* dead; resources go back once it is off its core */
};

struct msg {
    struct msg *next;
    struct msg_info info;
    uint32_t len;
    uint32_t cap; /* payload room of this block (its size class) */
    uint8_t data[];
};

/* A process that dies of an exit signal takes its reason, and the reason's
 * own bytes (a remote term: EXIT_REMOTE): up to this many in its control
 * block, longer ones (up to MSG_MAX) in a page of sched/long_reason.h;
 * past that, or with none left, they are logged and left out (the
 * distribution then says remote_reason_too_long). */
#define REASON_BYTES_MAX 104
#define proc_reason_bytes(p) ((p)->reason_long ? (p)->reason_long : (p)->reason_bytes)

struct proc {
    struct proc_ctx ctx; /* first: context.S, and the switch takes a proc as its context */
    struct proc *rq_next;
    pid_t pid;
    uint32_t index;
    uint8_t state; /* enum proc_state; changed by CAS where others race */
    uint8_t prio;
    uint8_t on_cpu; /* its registers are live on a core: not yet safe to run elsewhere */
    uint8_t trap_exit;
    int32_t reds;     /* reductions left in this slice */
    int32_t pinned;   /* -1 or the only core it may run on */
    uint32_t core;    /* whose run queue it belongs to */
    uint32_t senders; /* holders of this slot: sends, kills in flight (exit waits for 0) */
    uint8_t timed_out;
    uint8_t pending_kill;  /* set by another process: die at the next chance */
    uint8_t kill_deferred; /* inside spawn: a pending kill waits for its end (kill_defer_*) */
    uint8_t registered;    /* has a name in the registry */
    uint32_t timeout_cpu;  /* where `timeout` was last armed; NO_TIMEOUT: not since cancelled */
    uint8_t kill_claimed;  /* a killer owns kill_reason and kill_bytes (the first signal wins): proc_kill */
    uint16_t kill_bytes_len;   /* the kill's reason's own bytes (EXIT_REMOTE's term), in reason_bytes */
    uint16_t reason_bytes_len; /* from its exit: how many of reason_bytes go with `reason` (0: none) */
    struct exit_reason kill_reason;
    uint64_t stack_top, stack_mapped; /* stack [top - mapped, top), guard below */
    struct msg *inbox;                /* senders push here (LIFO, lock-free) */
    uint64_t mbox_pushed, mbox_taken; /* mailbox bytes in (senders) and out (receiver): mailbox_limit.h */
    struct msg *queue, **queue_tail;  /* the receiver's own FIFO */
    struct timer_event timeout;
    struct exit_reason reason;
    uint8_t reason_bytes[REASON_BYTES_MAX]; /* written by the kill's owner only, read from the exit on */
    uint8_t *reason_long;                   /* instead, for longer ones: a long_reason page, or NULL */
    struct link *links; /* under links_lock */
    struct spinlock links_lock;
    uint64_t reductions;     /* total as of its last slice's end, for ps/top (count_reductions) */
    const char *spawn_error; /* why this process's last spawn failed */
    proc_fn entry;           /* what it was spawned to run: ps names it (ksyms) */
};
/* A power of two: a slot index becomes its control block by a shift, on
 * every send and wakeup (528 bytes cost the round trip six instructions). */
_Static_assert((sizeof(struct proc) & (sizeof(struct proc) - 1)) == 0, "struct proc: a power of two");

/* Process stacks: index i's is the slot ending at STACK_VA_BASE + (i + 1) * STACK_SLOT. */
#define STACK_VA_BASE 0x00007f0000000000UL /* far above any RAM the identity map covers */
#define STACK_SLOT (64 * 1024UL)           /* MAX_STACK_SIZE + at least one guard page */

#define NO_TIMEOUT UINT32_MAX
#define TIMEOUT_MOVING (UINT32_MAX - 1) /* its core went down and is handing it to another */
#define PROC_CHUNK 256       /* PCBs are made in chunks of this many */
#define MAX_PROC_CHUNKS 4096 /* up to 1M processes */

/* Per-core scheduler state (per-CPU by default: docs/design.md). */
struct runqueue {
    struct rq_lock lock;
    struct proc *head[PRIO_COUNT], *tail[PRIO_COUNT]; /* tail[prio]: valid while that list is non-empty */
    uint32_t nonempty; /* bit prio: head[prio] has a process (sched/runqueue.h) */
    uint32_t total;
    uint32_t movable;          /* queued and not pinned: what another core may steal */
    uint32_t normal_since_low; /* normal picks since a low one ran (RESCHEDULE_LOW) */
    uint8_t idle;              /* enum idle_state: nonzero, a wakeup needs an IPI (sched_core_loop) */
    uint8_t closed;            /* its core went down and drained it (under lock; reopened as it comes back) */
};

/* A core's way to sleep (rq.idle; its own stores, and a waker's claim):
 * IDLE_GOING, it said so and looks at its queue once more; IDLE_ASLEEP, the
 * queue was empty and it looks for work to steal one last time before WFI;
 * IDLE_CLAIMED, a waker that had work for some core chose it to wake
 * (wake_an_idle_core: a CAS from ASLEEP, so the next one picks another). */
enum idle_state { IDLE_AWAKE, IDLE_GOING, IDLE_ASLEEP, IDLE_CLAIMED };

struct sched_counters {
    uint64_t switches, reductions, steals, migrations, preemptions;
    uint64_t ipi_wakeups, wakeups_no_ipi, spawns, exits, sends, dropped_sends;
    uint64_t mailbox_full; /* user messages refused: the receiver's mailbox was at its limit */
    uint64_t idle_time;    /* counter ticks spent in WFI */
    uint64_t balance_ipis; /* wakeups the balancer sent with the work it moved (not in ipi_wakeups) */
    uint64_t remote_next_wakeups; /* wakeups into an idle core's remote-next slot (in ipi_wakeups or wakeups_no_ipi too) */
};

#define REMOTE_NEXT_CLOSED ((struct proc *)1)

/* The scheduler's events for the flight recorder (sched/flight.h: the
 * recorder's first kinds, in this order). Recorded only while it records:
 * off, a site is one nop. */
enum trace_kind { TR_SWITCH, TR_SPAWN, TR_EXIT, TR_STEAL, TR_MIGRATE, TR_PREEMPT, TR_WAKE, TR_IDLE };

struct sched_core {
    struct runqueue rq;
    /* A process woken by a send on this core, to run at its next switch
     * before the queue (Go's runnext): no lock, no IPI. This core only,
     * interrupts masked; never stolen (it runs at the next switch here). */
    struct proc *run_next;
    uint32_t run_next_streak; /* slot picks while the queue waited, since it was last empty (RUN_NEXT_CAP) */
    /* A process pinned here that another core woke while this one was idle
     * with an empty queue: one CAS from NULL, no queue lock (enqueue), taken by
     * this core's next pick before anything else (pick_next). Never stolen
     * or balanced. REMOTE_NEXT_CLOSED while the core is down. */
    struct proc *remote_next;
    uint32_t cpu;             /* this core's id (this_cpu_id() without the per-CPU area's load) */
    const uint32_t *rcu_nesting; /* &rcu_cpus[cpu].nesting: yield's check without the index arithmetic */
    /* Nonzero: the switch's lean paths (yield's) step aside for the general
     * ones. SLOW_GLOBAL: sched=global (set at boot); SLOW_DOWN: this core is
     * asked to go offline (set in the request's interrupt, on this core;
     * cleared as it hands its work on). This core only, interrupts masked. */
    uint8_t slow;
    struct proc *current;
    struct proc idle;  /* this core's idle loop, as a context */
    struct timer_event slice;
    uint64_t slice_start, slice_ticks; /* when the running process's slice began, and its length */
    uint8_t need_resched;
    uint64_t next_balance;   /* counter value of this core's next balance check */
    struct proc *free_procs; /* this core's free PCBs (stacks still mapped) */
    struct msg *free_msgs;   /* this core's cache of message blocks */
    uint32_t free_msg_count;
    struct sched_counters count;
} __attribute__((aligned(CACHE_LINE)));

/* Hidden: one image, so an address from adrp, not a load from the GOT. */
extern struct sched_core sched_cores[MAX_CPUS] __attribute__((visibility("hidden")));
/* This core's block. TPIDR_EL0 (EL0's thread register, which nothing else
 * here uses) holds its address: boot/head.S zeroes it as each core starts,
 * and the first call on a core sets it (core.c). One register read, not the
 * per-CPU area's load and a multiply; volatile, so never reused across a
 * switch, after which the caller may be on another core. */
struct sched_core *this_core_first(void);
static inline struct sched_core *this_core(void)
{
    struct sched_core *c = (struct sched_core *)read_sysreg(tpidr_el0);
    if (__builtin_expect(!c, 0))
        c = this_core_first();
    return c;
}
/* The current process, WAITING, stops (sched_switch_out(false)); IRQs off.
 * The common case first: a send on this core has just woken its partner
 * into the run-next slot (a round trip's every turn), which takes the core
 * with the switch inline; the test here, so the general way costs no second call. */
void sched_switch_out(bool requeue);
void sched_block_to_run_next(struct sched_core *c);
static inline void sched_block(void)
{
    struct sched_core *c = this_core();
    if (c->run_next && !c->slow)
        sched_block_to_run_next(c);
    else
        sched_switch_out(false);
}

/* Core `cpu`'s block, the pointer kept opaque: GCC would otherwise work
 * &sched_cores[cpu] out again from the index at each use. */
static inline struct sched_core *core_of(uint32_t cpu)
{
    struct sched_core *c = &sched_cores[cpu];
    __asm__("" : "+r"(c));
    return c;
}
/* The running process (or this core's idle context): the register that
 * take() writes with `current`, so right even when the caller is preempted
 * and moved at once, unlike this_core()->current read unmasked, which could
 * be the old core's next process. */
static inline struct proc *current_proc(void)
{
    return cpu_running_thread();
}
/* c->current = p, on c's own core (masked). */
static inline void set_current(struct sched_core *c, struct proc *p)
{
    c->current = p;
    cpu_set_running_thread(p);
}

/* A relaxed load of a flag byte that others set (READ_ONCE's), for a
 * branch: one LDRB at the field's offset. GCC adds an add (atomic loads take
 * no offset) or a second test (volatile bytes) to the C forms. */
static inline uint32_t load_flag(const uint8_t *flag)
{
    uint32_t v;
    __asm__("ldrb %w0, %1" : "=r"(v) : "m"(*flag));
    return v;
}

/* May p die of a pending kill here? Not inside spawn_opt, whose steps (a
 * PCB and stack taken, the child made RUNNABLE, linked, then queued) must
 * all happen: killed between the last two, the child was never queued and
 * stayed RUNNABLE with 0 reductions for good (the soak found such). */
static inline bool kill_due(const struct proc *p)
{
    return __atomic_load_n(&p->pending_kill, __ATOMIC_ACQUIRE) && !READ_ONCE(p->kill_deferred);
}

enum { SLOW_GLOBAL = 1, SLOW_DOWN = 2 };

/* context.S (the switch itself is inline: core.c, ctx_switch) */
void ctx_resume(void); /* eret target: x0 = ctx to load, x1 = the core and x2 = the process it hands on, then ret */
void proc_first_entry(void);
void proc_resume_preempted(void);
void fp_save_all(void *area); /* q0-q31, FPSR, FPCR: FP_AREA_SIZE bytes */

/* proc.c */
struct proc *proc_lookup(pid_t pid); /* NULL unless alive (state != FREE/EXITING) */
/* The PCB table: chunks of PROC_CHUNK, made on demand (proc.c). Hidden:
 * one image, an address from adrp. */
extern struct proc *proc_chunks[MAX_PROC_CHUNKS] __attribute__((visibility("hidden")));
static inline struct proc *proc_by_index(uint32_t index)
{
    if (index >= MAX_PROC_CHUNKS * PROC_CHUNK)
        return NULL;
    /* Acquire: a chunk's zeroed contents are visible once its pointer is. */
    struct proc *chunk = __atomic_load_n(&proc_chunks[index / PROC_CHUNK], __ATOMIC_ACQUIRE);
    return chunk ? &chunk[index % PROC_CHUNK] : NULL;
}
void proc_release(struct sched_core *c, struct proc *p); /* after it is off its core for good; IRQs off, c: this core */
void proc_die(struct proc *p, struct exit_reason why) __attribute__((noreturn)); /* p is current */
void proc_table_init(void);
/* Everything dying involves but the switch: links, monitors, mailbox, name. */
void proc_exit_bookkeeping(struct proc *p, struct exit_reason why);
/* A hold (proc_hold below) let go. */
static inline void proc_unhold(struct proc *p)
{
    /* Release: our use of p is complete before its exit sees the count drop. */
    __atomic_fetch_sub(&p->senders, 1, __ATOMIC_RELEASE);
}

/* Hold `pid`'s slot: while held the process may die, but its slot is not
 * released (its exit waits for `senders` to reach 0), so a stale pid never
 * reaches the slot's next process. Interrupts masked by the caller from hold
 * to unhold: a holder preempted on the dying process's core would never let
 * go. NULL if `pid` is not alive. *window: a race test's hook, called inside
 * the hold before the checks. */
static inline struct proc *proc_hold(pid_t pid, void (*const *window)(pid_t))
{
    struct proc *p = proc_by_index((uint32_t)pid);
    if (!p)
        return NULL;
    __atomic_fetch_add(&p->senders, 1, __ATOMIC_RELAXED);
    /* Full barrier: our increment is visible before we read pid and state;
     * a dying process stores EXITING, then (dmb) reads `senders`
     * (proc_exit_bookkeeping): one of us sees the other. */
    smp_mb();
    race_hook_call(window, pid); /* a race test holds us here (sched/race_hooks.h) */
    uint8_t st = __atomic_load_n(&p->state, __ATOMIC_ACQUIRE);
    if (READ_ONCE(p->pid) != pid || st == PROC_FREE || st == PROC_EXITING) {
        proc_unhold(p);
        return NULL;
    }
    return p;
}

/* p held: it dies of `why` (and the reason's bytes: its links and monitors
 * get them), unless another kill got there first. p may be the caller: then
 * it dies now (of whichever kill came first). */
void proc_kill(struct proc *p, struct exit_reason why, const void *bytes, uint32_t len);
/* The current process dies of its pending kill: kill_reason and its bytes. */
void proc_die_killed(struct proc *p) __attribute__((noreturn));
/* p, the current process, saw its pending_kill set: it dies of it now,
 * unless the kill is deferred (kill_due). Out of line: a rare path. */
void proc_die_if_kill_due(struct proc *p) __attribute__((cold));
void proc_exit_bookkeeping_killed(struct proc *p);

/* core.c */
void sched_switch_out(bool requeue); /* current stops running; IRQs off */
void enqueue(struct proc *p);        /* make p runnable on its core (IPI if idle) */
void enqueue_from(struct sched_core *me, struct proc *p); /* the same, masked, me: the core we run on */
void enqueue_spawned(struct proc *p); /* enqueue, for spawn: counted and recorded */
void proc_wake(struct proc *p);      /* WAITING -> RUNNABLE, from anywhere */
/* c: this core, prev: the process switched from or NULL (context.S passes them on) */
void sched_finish_switch(struct sched_core *c, struct proc *prev);
bool sched_core_sleeping(uint32_t cpu);
/* Yield, send and receive may switch: inside an RCU read-side section (its
 * count is per core) that would let the next process run inside it and
 * stall grace periods. Such a caller is killed (EXIT_CLASS_RCU_BLOCK). */
void sched_refuse_rcu_block(const char *call) __attribute__((noreturn, cold));
/* c: this core, masked. Unmasked, the caller could move between finding
 * its core and reading the count, and read another core's, nonzero because
 * of another process's section. */
static inline void sched_check_not_in_rcu_read_on(const struct sched_core *c, const char *call)
{
    if (__builtin_expect(*c->rcu_nesting != 0, 0))
        sched_refuse_rcu_block(call);
}

/* runqueue.c (push and pick: sched/runqueue.h, inline) */
struct proc *rq_steal_one(struct runqueue *rq);

/* mailbox.c */
void mailbox_close(struct proc *p); /* drop every message; later sends are dropped */
/* The exit's close, once no sender can push: an empty mailbox (most) costs
 * two loads. */
static inline __attribute__((always_inline)) void mailbox_close_if_used(struct proc *p)
{
    if (__atomic_load_n(&p->inbox, __ATOMIC_RELAXED) || p->queue)
        mailbox_close(p);
}
int send_signal(pid_t to, pid_t from, uint16_t kind, uint64_t ref, const struct exit_reason *why);
/* ... with the reason's own bytes as the message's data (longer than MSG_MAX: left out) */
int send_signal_with(pid_t to, pid_t from, uint16_t kind, uint64_t ref, const struct exit_reason *why,
                     const void *data, uint32_t len);
/* Remote pids (remote.c): through the distribution's operations, or what a
 * pid on an unreachable node gets. remote_monitor's local_ref: a fresh
 * reference, used when there is no distribution. */
int remote_send(pid_t to, const void *data, uint32_t len);
bool remote_link(pid_t to);
void remote_unlink(pid_t to);
uint64_t remote_monitor(pid_t to, uint64_t local_ref);
void remote_demonitor(uint64_t ref);
bool remote_kill(pid_t to);
void timeout_cancel(struct proc *p); /* its receive timeout, from whatever core */
/* The exit's cancel: most processes never armed one, so one load first
 * (acquire, as timeout_cancel's: a fired timeout's release). */
static inline __attribute__((always_inline)) void timeout_cancel_if_armed(struct proc *p)
{
    if (__atomic_load_n(&p->timeout_cpu, __ATOMIC_ACQUIRE) != NO_TIMEOUT)
        timeout_cancel(p);
}
void timeout_moving(struct timer_event *ev);             /* taken off a going core's queue */
void timeout_moved(struct timer_event *ev, uint32_t cpu); /* queued again on `cpu` */

/* Processes waiting to run on c: its queue and its run-next slot. Racy
 * (others push under the queue lock): a snapshot for the recorder. */
static inline uint32_t rq_waiting(const struct sched_core *c)
{
    struct proc *remote = __atomic_load_n(&c->remote_next, __ATOMIC_RELAXED);
    return __atomic_load_n(&c->rq.total, __ATOMIC_RELAXED) +
           (__atomic_load_n(&c->run_next, __ATOMIC_RELAXED) != NULL) + (remote && remote != REMOTE_NEXT_CLOSED);
}

/* A scheduler event at `time` (0: now): to the flight recorder when it
 * records. A switch also says what the process leaving (still c->current)
 * stopped for: its state, and how many wait here behind the new one (the
 * run-queue counter track). A macro, as flight_record: the arguments are
 * worked out only in the out-of-line block its site branches to. */
#define trace_at(c, time, kind, p, arg)                                                                      \
    do {                                                                                                     \
        const struct proc *trace_p_ = (p);                                                                   \
        struct sched_core *trace_c_ = (c);                                                                   \
        bool trace_switch_ = (kind) == TR_SWITCH && trace_c_->current;                                       \
        flight_record((enum flight_kind)(kind), (time), trace_p_ ? trace_p_->pid : 0,                        \
                      trace_switch_ ? trace_c_->current->index : (uint32_t)(arg),                            \
                      (kind) == TR_SWITCH ? rq_waiting(trace_c_) : 0,                                        \
                      trace_switch_ ? trace_c_->current->state : 0);                                         \
    } while (0)
#define trace(c, kind, p, arg) trace_at(c, 0, kind, p, arg)

/* A woken process whose home is this core, woken by a process here, goes
 * to the run-next slot: it runs at our next switch, beside its waker (BEAM
 * keeps a woken process where its waker runs): no lock, no IPI, no idle
 * core woken to steal it. It waits at most the rest of the waker's slice.
 * An unpinned one whose home is another core comes here too when nothing
 * waits in our queue (per-core queues only): processes that talk end up on
 * one core, and a queue that holds work sends wakeups home, so two chains
 * that met on a core part again (an idle core steals one). Without it, a
 * ring spread by early steals over busy cores stayed spread.
 * (A spawn goes to the queue, where an idle core may take it.) */
static inline bool run_next_slot_takes(const struct sched_core *c, const struct proc *p)
{
    return c->current != &c->idle && !c->run_next && p->prio == PRIO_NORMAL && !c->slow;
}
bool wake_to_run_next_from_elsewhere(struct sched_core *c, struct proc *p);
static inline bool wake_to_run_next_on(struct sched_core *c, struct proc *p)
{
    uint32_t here = c->cpu;
    uint32_t home = p->pinned >= 0 ? (uint32_t)p->pinned : p->core;
    if (__builtin_expect(home != here, 0)) /* out of line: the same-core wakeup pays nothing for it */
        return p->pinned < 0 && wake_to_run_next_from_elsewhere(c, p);
    bool taken = run_next_slot_takes(c, p);
    if (taken) {
        c->run_next = p;
        c->count.wakeups_no_ipi++;
    }
    return taken;
}

/* proc_wake from a masked caller on core c (a send; proc_wake masks for the others). */
static inline void proc_wake_masked(struct sched_core *c, struct proc *p)
{
    uint8_t expected = PROC_WAITING;
    /* Only one waker wins WAITING -> RUNNABLE, so p is queued once. */
    if (__atomic_compare_exchange_n(&p->state, &expected, PROC_RUNNABLE, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_RELAXED) &&
        !wake_to_run_next_on(c, p))
        enqueue_from(c, p);
}

/* reduce(), inline for send and receive, which charge one each time; p is
 * the caller (current_proc()), which they have at hand. */
static inline void reduce_charge(struct proc *p, uint32_t n)
{
    /* One atomic step (relaxed: it orders nothing). A plain load and store
     * preempted in between would write what was left of the old slice over
     * the fresh budget start_slice gave the new one, cutting it short. Its
     * result decides: preempted just after it, we may yield once with a
     * fresh budget, which costs a switch and loses nothing. */
    if (__atomic_sub_fetch(&p->reds, (int32_t)n, __ATOMIC_RELAXED) <= 0)
        yield();
}

/* The same charge with interrupts masked (p: the caller), for send and
 * receive, which mask anyway: nothing can preempt us between the load and
 * the store, so a plain pair (relaxed atomics: the same ldr and str) does
 * what the atomic step does. The caller yields, unmasked, on true. */
static inline bool reduce_charge_masked(struct proc *p, uint32_t n)
{
    int32_t left = __atomic_load_n(&p->reds, __ATOMIC_RELAXED) - (int32_t)n;
    __atomic_store_n(&p->reds, left, __ATOMIC_RELAXED);
    return left <= 0;
}

/* hotplug.c */
void sched_hotplug_init(void);

/* links.c */
void links_on_exit(struct proc *p);
/* The exit's part: most processes have no links or monitors, one load. */
static inline void links_on_exit_if_any(struct proc *p)
{
    if (READ_ONCE(p->links))
        links_on_exit(p);
}
void registry_on_exit(struct proc *p);
/* The name `pid` is registered under, copied into out (cap bytes); false if none. */
bool registry_name_of(pid_t pid, char *out, unsigned cap);

#endif
