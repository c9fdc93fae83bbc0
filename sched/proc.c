/*
 * Process control blocks and stacks. A PCB keeps its index for life and is
 * made in chunks; a pid is the index plus a generation, bumped at each reuse.
 * Each index owns a slot of virtual address space for its stack, away from
 * the identity map: pages are mapped as the stack needs them and the rest of
 * the slot below stays unmapped, a guard that costs no memory. Freed PCBs,
 * stacks still mapped, wait in the freeing core's list for the next spawn;
 * when memory runs out, a spawn gathers every core's (proc_alloc).
 */
#include <arch/barrier.h>
#include <arch/mmu.h>
#include <drivers/console.h>
#include <gic/irq.h>
#include <lib/bootargs.h>
#include <mm/page_alloc.h>
#include <sched/flight.h>
#include <sched/internal.h>
#include <sched/long_reason.h>
#include <sched/race_hooks.h>
#include <string.h>
#include <sync/static_key.h>
#include <sync/xcall.h>

_Static_assert(MAX_STACK_SIZE + PAGE_SIZE <= STACK_SLOT, "a stack slot keeps a guard page");
_Static_assert(BOOTARGS_MAX_PROCS == MAX_PROC_CHUNKS * PROC_CHUNK, "procs=N goes up to the table's size");

/* Pages never come back (mm/page_alloc.c is a bump allocator): PCBs and
 * stacks leave this much to messages, so a system that spawned until memory
 * ran out can still pass them (a reserve, checked racily: concurrent spawns
 * may dip into it by a stack or two). */
#define PROC_MEMORY_RESERVE (256 * 1024UL)

static uint64_t proc_pages(uint64_t count)
{
    if (page_alloc_free_bytes() < count * PAGE_SIZE + PROC_MEMORY_RESERVE)
        return 0;
    return page_alloc(count);
}

struct sched_race_hooks sched_race_hooks;
struct static_key sched_race_hooks_on;

void sched_race_hook_set(void (**slot)(pid_t), void (*fn)(pid_t))
{
    __atomic_store_n(slot, fn, __ATOMIC_RELAXED); /* the watched processes' spawn orders it */
    if (fn && !__atomic_load_n(&sched_race_hooks_on.enabled, __ATOMIC_RELAXED))
        static_key_enable_all_cores(&sched_race_hooks_on); /* returns once every core branches */
}

struct proc *proc_chunks[MAX_PROC_CHUNKS];
static uint32_t next_fresh;          /* indices handed out so far (atomic) */
static DEFINE_SPINLOCK(chunk_lock, "proc-chunks");
static DEFINE_SPINLOCK(map_lock, "stack-map");

void proc_table_init(void) { mmu_set_table_allocator(page_alloc_zeroed_page); }

struct proc *proc_lookup(pid_t pid)
{
    struct proc *p = proc_by_index((uint32_t)pid);
    if (!p || READ_ONCE(p->pid) != pid)
        return NULL;
    uint8_t st = __atomic_load_n(&p->state, __ATOMIC_ACQUIRE);
    return st == PROC_FREE || st == PROC_EXITING ? NULL : p;
}

bool is_alive(pid_t pid) { return pid && proc_lookup(pid) != NULL; }

static struct proc *fresh_proc(const char **err)
{
    uint32_t index = __atomic_fetch_add(&next_fresh, 1, __ATOMIC_RELAXED); /* unique, no ordering */
    if (index >= MAX_PROC_CHUNKS * PROC_CHUNK) {
        *err = "process table full";
        return NULL;
    }
    uint32_t n = index / PROC_CHUNK;
    if (!__atomic_load_n(&proc_chunks[n], __ATOMIC_ACQUIRE)) {
        uint64_t flags = spin_lock_irqsave(&chunk_lock);
        if (!proc_chunks[n]) {
            uint64_t pages = (PROC_CHUNK * sizeof(struct proc) + PAGE_SIZE - 1) / PAGE_SIZE;
            struct proc *chunk = (struct proc *)proc_pages(pages); /* zeroed */
            /* Release: the zeroed chunk is visible before its pointer. */
            if (chunk)
                __atomic_store_n(&proc_chunks[n], chunk, __ATOMIC_RELEASE);
        }
        spin_unlock_irqrestore(&chunk_lock, flags);
        if (!proc_chunks[n]) {
            *err = "out of memory for process control blocks";
            return NULL;
        }
    }
    struct proc *p = proc_by_index(index);
    p->index = index;
    p->pid = (1UL << 32) | index;
    p->stack_top = STACK_VA_BASE + (index + 1) * STACK_SLOT;
    p->links_lock = (struct spinlock)SPINLOCK_INIT_PER_OBJECT("links"); /* listed once contended */
    return p;
}

static bool stack_grow(struct proc *p, uint64_t bytes)
{
    uint64_t pages = (bytes - p->stack_mapped) / PAGE_SIZE;
    uint64_t phys = proc_pages(pages);
    if (!phys)
        return false;
    uint64_t flags = spin_lock_irqsave(&map_lock);
    /* Unmapped -> mapped needs no TLB maintenance (mmu_map_va). */
    int err = mmu_map_va(p->stack_top - bytes, phys, pages * PAGE_SIZE, MMU_NORMAL);
    spin_unlock_irqrestore(&map_lock, flags);
    if (err)
        return false;
    p->stack_mapped = bytes;
    return true;
}

/* The free list is this core's alone, touched with interrupts masked; the
 * core is found inside the masked section (before it, we might be moved). */
static void free_list_push(struct proc *p)
{
    uint64_t flags = irq_save();
    struct sched_core *c = this_core();
    p->rq_next = c->free_procs;
    c->free_procs = p;
    irq_restore(flags);
}

/* Free PCBs the cores gave up when memory ran out (under spare_lock): a core
 * that cannot make a new process takes them, rather than leave them stranded
 * in the lists of the cores where their processes happened to end. */
static struct proc *spare_procs;
static DEFINE_SPINLOCK(spare_lock, "proc-spares");

/* On each core, by cross-call (interrupts masked, as its free list needs). */
static void give_up_free_list(void *arg)
{
    (void)arg;
    struct sched_core *c = this_core();
    struct proc *list = c->free_procs, *tail = list;
    if (!list)
        return;
    c->free_procs = NULL;
    while (tail->rq_next)
        tail = tail->rq_next;
    spin_lock(&spare_lock);
    tail->rq_next = spare_procs;
    spare_procs = list;
    spin_unlock(&spare_lock);
}

static struct proc *spare_pop(void)
{
    uint64_t flags = spin_lock_irqsave(&spare_lock);
    struct proc *p = spare_procs;
    if (p)
        spare_procs = p->rq_next;
    spin_unlock_irqrestore(&spare_lock, flags);
    return p;
}

/* A spare whose stack is big enough or can grow; the others go to our list. */
static struct proc *spare_fitting(uint64_t stack_bytes)
{
    struct proc *p;
    while ((p = spare_pop())) {
        if (p->stack_mapped >= stack_bytes || stack_grow(p, stack_bytes))
            return p;
        free_list_push(p);
    }
    return NULL;
}

static struct proc *local_free_pop(void)
{
    uint64_t flags = irq_save();
    struct sched_core *c = this_core();
    struct proc *p = c->free_procs;
    if (p)
        c->free_procs = p->rq_next;
    irq_restore(flags);
    return p;
}

static struct proc *proc_alloc(uint64_t stack_bytes, const char **err)
{
    struct proc *p = local_free_pop();
    if (!p)
        p = spare_pop();
    if (!p)
        p = fresh_proc(err);
    if (p && (p->stack_mapped >= stack_bytes || stack_grow(p, stack_bytes)))
        return p;
    if (p)
        free_list_push(p);
    /* Out of memory: every core's free PCBs to the spares, ours too, then
     * one of them. */
    smp_call_function_all(give_up_free_list, NULL, true);
    uint64_t flags = irq_save();
    give_up_free_list(NULL);
    irq_restore(flags);
    if ((p = spare_fitting(stack_bytes)))
        return p;
    if (!*err)
        *err = "out of memory for its stack";
    return NULL;
}

void proc_release(struct sched_core *c, struct proc *p)
{
    if (p->reason_long) {
        long_reason_give(p->reason_long);
        p->reason_long = NULL;
    }
    uint64_t generation = (p->pid >> 32) + 1;
    if (generation << 32 & PID_REMOTE)
        generation = 1; /* 2^31 reuses of one slot: start again, below the remote bit */
    WRITE_ONCE(p->pid, generation << 32 | p->index); /* stale pids miss from now on */
    __atomic_store_n(&p->state, PROC_FREE, __ATOMIC_RELEASE);
    p->rq_next = c->free_procs; /* free_list_push's, masked already */
    c->free_procs = p;
}

const char *spawn_error(void) { return current_proc()->spawn_error; }

pid_t spawn(proc_fn fn, void *arg)
{
    struct spawn_opts opts = SPAWN_OPTS_DEFAULT;
    return spawn_opt(fn, arg, &opts, NULL);
}

/* The calling process, or NULL outside one: before the scheduler (no
 * running thread yet) or in a core's idle loop (whose context has pid 0; a
 * process's pid never is: generations start at 1). */
static inline struct proc *calling_process(void)
{
    struct proc *p = current_proc();
    return p && p->pid ? p : NULL;
}

static pid_t spawn_steps(proc_fn fn, void *arg, const struct spawn_opts *o, uint64_t *monitor_ref)
{
    uint64_t stack = o->stack_size ? (o->stack_size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1) : DEFAULT_STACK_SIZE;
    const char *err = NULL;
    if (!fn)
        err = "no function";
    else if ((unsigned)o->prio >= PRIO_COUNT)
        err = "no such priority";
    else if (stack > MAX_STACK_SIZE)
        err = "stack larger than MAX_STACK_SIZE";
    else if (o->pin_cpu >= 0 && !cpu_is_online((uint32_t)o->pin_cpu))
        err = "pinned to a core that is not online";
    struct proc *p = err ? NULL : proc_alloc(stack, &err);
    if (!p) {
        current_proc()->spawn_error = err;
        return 0;
    }
    /* The whole context: what proc_first_entry reads (fn, arg), no frame
     * above it (x29 = 0 ends a backtrace), where to start, the stack. */
    p->ctx.fn = (uint64_t)fn;
    p->ctx.arg = (uint64_t)arg;
    p->ctx.x29 = 0;
    p->ctx.pc = (uint64_t)proc_first_entry;
    p->ctx.sp = p->stack_top;
    p->prio = (uint8_t)o->prio;
    p->pinned = o->pin_cpu;
    p->core = o->pin_cpu >= 0 ? (uint32_t)o->pin_cpu : this_cpu_id();
    p->reds = CONTEXT_REDS;
    p->reductions = 0;
    p->trap_exit = 0;
    p->timed_out = 0;
    p->pending_kill = 0;
    p->kill_claimed = 0;
    p->kill_bytes_len = 0;
    p->reason_bytes_len = 0;
    p->kill_deferred = 0;
    p->registered = 0;
    p->on_cpu = 0;
    /* Not `senders`: a stale holder of the slot's last pid may be counted in
     * right now (proc_hold); its own decrement brings the count back to 0. */
    p->inbox = NULL;
    p->mbox_pushed = p->mbox_taken = 0; /* no sender is in flight on a free PCB (exit waited for them) */
    p->queue = NULL;
    p->queue_tail = &p->queue;
    p->links = NULL;
    p->reason = (struct exit_reason){0};
    /* Not timeout.owner: the exit cancelled it (timeout_cancel), and a
     * slot still queued somewhere must say so at its next add, not be forgotten. */
    p->timeout_cpu = NO_TIMEOUT;
    p->entry = fn; /* ps (issue 15) */
    /* Release: everything above is visible to whoever sees it alive. */
    __atomic_store_n(&p->state, PROC_RUNNABLE, __ATOMIC_RELEASE);
    if ((o->link || o->monitor) && calling_process()) {
        if (o->link)
            link(p->pid);
        if (o->monitor && monitor_ref)
            *monitor_ref = monitor(p->pid);
    }
    pid_t pid = p->pid; /* once queued it may run, end and be reused at once */
    enqueue_spawned(p);
    return pid;
}

/* A pending kill of `me` waits until the stretch is whole (kill_due): the
 * spawn's steps, a distribution sender's hold. Only the process itself and an
 * interrupt on its core read or write the count: compiler barriers order it
 * against the stretch's steps. */
static inline void defer_kills(struct proc *me)
{
    if (me)
        WRITE_ONCE(me->kill_deferred, me->kill_deferred + 1);
    barrier(); /* the count is up before the stretch's first step (our own core's interrupts read it) */
}

static inline void undefer_kills(struct proc *me)
{
    barrier(); /* every step of the stretch is done before the count goes down */
    if (me) {
        WRITE_ONCE(me->kill_deferred, me->kill_deferred - 1);
        if (kill_due(me))
            proc_die_killed(me); /* the kill that waited */
    }
}

void kill_defer_begin(void) { defer_kills(calling_process()); }
void kill_defer_end(void) { undefer_kills(calling_process()); } /* the same process, on whichever core */

pid_t spawn_opt(proc_fn fn, void *arg, const struct spawn_opts *o, uint64_t *monitor_ref)
{
    struct proc *me = calling_process(); /* once: spawn is the hot one */
    defer_kills(me);
    pid_t pid = spawn_steps(fn, arg, o, monitor_ref);
    undefer_kills(me);
    return pid;
}

static inline __attribute__((always_inline)) void exit_bookkeeping(struct proc *p, struct exit_reason why,
                                                                   uint16_t bytes_len)
{
    p->reason = why;
    p->reason_bytes_len = bytes_len; /* links_on_exit hands them on */
    __atomic_store_n(&p->state, PROC_EXITING, __ATOMIC_RELAXED);
    /* Full barrier: EXITING is visible before we read `senders`; a sender
     * increments `senders` before it reads our state (mailbox.c): one of us
     * sees the other, so no message lands after the mailbox is closed. */
    smp_mb();
    while (__atomic_load_n(&p->senders, __ATOMIC_ACQUIRE))
        cpu_relax();
    mailbox_close_if_used(p); /* no sender can push now (above) */
    timeout_cancel_if_armed(p);
    links_on_exit_if_any(p);
    if (p->registered)
        registry_on_exit(p);
    struct sched_core *c = this_core(); /* masked (proc_die, proc_die_killed): we stay here */
    c->count.exits++;
    trace(c, TR_EXIT, p, p->reason.kind);
}

void proc_exit_bookkeeping(struct proc *p, struct exit_reason why) { exit_bookkeeping(p, why, 0); }

/* Only after pending_kill was seen set (acquire): the owner's writes are done. */
void proc_exit_bookkeeping_killed(struct proc *p) { exit_bookkeeping(p, p->kill_reason, p->kill_bytes_len); }

/* Inline into each way to die: the reason is built in place, not copied
 * through two calls. */
static inline __attribute__((always_inline, noreturn)) void die(struct proc *p, struct exit_reason why)
{
    irq_disable_local();
    exit_bookkeeping(p, why, 0);
    sched_switch_out(false); /* not requeued: the next process frees us */
    __builtin_unreachable();
}

void proc_die(struct proc *p, struct exit_reason why) { die(p, why); }

void proc_die_killed(struct proc *p)
{
    irq_disable_local();
    proc_exit_bookkeeping_killed(p);
    sched_switch_out(false); /* not requeued: the next process frees us */
    __builtin_unreachable();
}

void proc_die_if_kill_due(struct proc *p)
{
    if (kill_due(p))
        proc_die_killed(p);
}

void exit_normal(void) { die(current_proc(), (struct exit_reason){.kind = EXIT_NORMAL}); }
void proc_exit(uint64_t code) { die(current_proc(), (struct exit_reason){.kind = EXIT_ERROR, .value = code}); }

/* p: held (proc_hold). The first kill owns the reason (as in Erlang, the
 * first exit signal that kills a process is what it dies of); a later one
 * finds it claimed and leaves it. */
void proc_kill(struct proc *p, struct exit_reason why, const void *bytes, uint32_t len)
{
    uint8_t unclaimed = 0;
    /* Acquire: our writes of the reason below come after we own it. */
    if (__atomic_compare_exchange_n(&p->kill_claimed, &unclaimed, 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
        p->kill_reason = why;
        uint8_t *keep = p->reason_bytes;
        if (len > REASON_BYTES_MAX && (len > MSG_MAX || !(keep = long_reason_take()))) {
            kprintf("sched: pid %lu dies of an exit signal whose reason is %u bytes (%s): "
                    "its links and monitors get it without them\n",
                    (unsigned long)(uint32_t)p->pid, len,
                    len > MSG_MAX ? "more than a message carries" : "no room left for long reasons");
            len = 0;
            keep = p->reason_bytes;
        }
        if (len)
            memcpy(keep, bytes, len);
        if (keep != p->reason_bytes)
            p->reason_long = keep; /* given back when the control block is (proc_release) */
        p->kill_bytes_len = (uint16_t)len;
        /* Release: the reason and its bytes are visible to whoever sees the flag. */
        __atomic_store_n(&p->pending_kill, 1, __ATOMIC_RELEASE);
    }
    if (p == current_proc()) { /* link() to a pid that is gone, say: we die now */
        /* Acquire: another owner's reason is complete once we see its flag (it is masked and brief). */
        while (!__atomic_load_n(&p->pending_kill, __ATOMIC_ACQUIRE))
            cpu_relax();
        proc_unhold(p);
        proc_die_killed(p);
    }
    proc_wake(p); /* a waiting process dies as it wakes */
    uint32_t core = READ_ONCE(p->core);
    WRITE_ONCE(sched_cores[core].need_resched, 1); /* a running one, at its next interrupt */
    if (core != this_cpu_id())
        ipi_send(core, IPI_RESCHEDULE);
}

bool kill(pid_t pid)
{
    if (pid_is_remote(pid))
        return remote_kill(pid); /* an untrappable exit signal to it (sched.h) */
    if (pid == self())
        proc_die(current_proc(), (struct exit_reason){.kind = EXIT_KILLED});
    uint64_t flags = irq_save();
    struct proc *p = proc_hold(pid, &sched_race_hooks.kill_looked_up);
    if (p) {
        proc_kill(p, (struct exit_reason){.kind = EXIT_KILLED}, NULL, 0);
        proc_unhold(p);
    }
    irq_restore(flags);
    return p != NULL;
}

const char *exit_kind_name(uint16_t kind)
{
    static const char *const names[] = {"normal", "error", "killed", "fault", "noproc", "noconnection", "remote"};
    return kind < sizeof names / sizeof names[0] ? names[kind] : "unknown";
}

pid_t pid_from_index(uint32_t index)
{
    struct proc *p = proc_by_index(index);
    return p && proc_lookup(READ_ONCE(p->pid)) ? READ_ONCE(p->pid) : 0;
}
