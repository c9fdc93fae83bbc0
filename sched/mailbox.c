/*
 * Messages. A send copies the data into a block from the sending core's
 * cache and pushes it onto the receiver's inbox: a lock-free LIFO that any
 * number of senders push to with one CAS. The receiver takes the whole inbox
 * at once, reverses it into arrival order and appends it to its own queue,
 * which only it touches: selective receive scans that queue, and what does
 * not match stays where it was. Order per sender is kept: a sender's pushes
 * are ordered by its own program order, and reversal restores it.
 */
#include <arch/barrier.h>
#include <drivers/console.h>
#include <mm/page_alloc.h>
#include <sched/flight.h>
#include <sched/internal.h>
#include <sched/mailbox_limit.h>
#include <sched/race_hooks.h>
#include <string.h>
#include <sync/xcall.h>

#define SMALL_BLOCK 128 /* fits a header and a few words: most messages */
#define LARGE_BLOCK (2 * PAGE_SIZE)
#define HEADER sizeof(struct msg)
#define SMALL_PAYLOAD (SMALL_BLOCK - HEADER)
#define REFILL_BYTES (16 * PAGE_SIZE) /* small blocks are carved in batches */
#define CORE_CACHE_MAX 1024           /* beyond this, blocks go back to the shared pool */
_Static_assert(HEADER + MSG_MAX <= LARGE_BLOCK, "MSG_MAX fits a large block");

/* Blocks a core cannot use go here; refills come from here, then from pages.
 * Every block ever made is in a core's cache, in a pool or in use: the leak
 * check's count (sched_msg_blocks_in_use) is the first less the other two,
 * so the fast paths count nothing but their cache. Under pool_lock. */
static DEFINE_SPINLOCK(pool_lock, "msg-pool");
static struct msg *pool_small, *pool_large;
static uint64_t blocks_made, blocks_pooled;

static struct msg *take_from_pool(struct msg **pool)
{
    uint64_t flags = spin_lock_irqsave(&pool_lock);
    struct msg *m = *pool;
    if (m) {
        *pool = m->next;
        blocks_pooled--;
    }
    spin_unlock_irqrestore(&pool_lock, flags);
    return m;
}

static void count_made(uint64_t n)
{
    uint64_t flags = spin_lock_irqsave(&pool_lock);
    blocks_made += n;
    spin_unlock_irqrestore(&pool_lock, flags);
}

/* A core's cache is touched only by that core with interrupts masked: the
 * caller masks and passes its core (found inside the masked section: before
 * it, we might be moved). */
static struct msg *__attribute__((noinline)) msg_alloc_slow(struct sched_core *c, uint32_t len);

/* A block for `len` bytes, masked (c: this core). Inline: most are small
 * and come off the core's cache. */
static inline __attribute__((always_inline)) struct msg *msg_alloc(struct sched_core *c, uint32_t len)
{
    struct msg *m = c->free_msgs;
    if (__builtin_expect(len <= SMALL_PAYLOAD && m != NULL, 1)) {
        c->free_msgs = m->next;
        c->free_msg_count--;
        return m;
    }
    return msg_alloc_slow(c, len);
}

/* The rest: a large block, or the small cache empty. */
static struct msg *msg_alloc_slow(struct sched_core *c, uint32_t len)
{
    if (len > SMALL_PAYLOAD) {
        struct msg *m = take_from_pool(&pool_large);
        if (!m && (m = (struct msg *)page_alloc(LARGE_BLOCK / PAGE_SIZE))) {
            m->cap = LARGE_BLOCK - HEADER;
            count_made(1);
        }
        return m;
    }
    struct msg *m;
    if ((m = take_from_pool(&pool_small)))
        return m;
    uint8_t *batch = (uint8_t *)page_alloc(REFILL_BYTES / PAGE_SIZE);
    if (!batch)
        return NULL;
    for (uint64_t off = SMALL_BLOCK; off < REFILL_BYTES; off += SMALL_BLOCK) {
        struct msg *b = (struct msg *)(batch + off);
        b->cap = SMALL_PAYLOAD;
        b->next = c->free_msgs;
        c->free_msgs = b;
        c->free_msg_count++;
    }
    count_made(REFILL_BYTES / SMALL_BLOCK);
    m = (struct msg *)batch;
    m->cap = SMALL_PAYLOAD;
    return m;
}

/* Masked, c: this core. */
static inline __attribute__((always_inline)) void msg_free_here(struct sched_core *c, struct msg *m)
{
    if (__builtin_expect(m->cap <= SMALL_PAYLOAD && c->free_msg_count < CORE_CACHE_MAX, 1)) {
        m->next = c->free_msgs;
        c->free_msgs = m;
        c->free_msg_count++;
        return;
    }
    struct msg **pool = m->cap > SMALL_PAYLOAD ? &pool_large : &pool_small;
    uint64_t flags = spin_lock_irqsave(&pool_lock);
    m->next = *pool;
    *pool = m;
    blocks_pooled++;
    spin_unlock_irqrestore(&pool_lock, flags);
}

static void msg_free(struct msg *m)
{
    uint64_t flags = irq_save();
    msg_free_here(this_core(), m);
    irq_restore(flags);
}

/* A payload copy: most messages are a word or two, copied inline when
 * both sides are word-aligned (the image is built -mstrict-align) instead of
 * a call to memcpy. */
static inline void copy_payload(void *dst, const void *src, uint32_t len)
{
    if (len == 8 && !(((uintptr_t)dst | (uintptr_t)src) & 7)) { /* one word, the commonest: tested first */
        __builtin_memcpy(__builtin_assume_aligned(dst, 8), __builtin_assume_aligned(src, 8), 8);
        return;
    }
    if (len <= 16 && !(((uintptr_t)dst | (uintptr_t)src | len) & 7)) {
        uint8_t *d = __builtin_assume_aligned(dst, 8);
        const uint8_t *s = __builtin_assume_aligned(src, 8);
        if (len >= 8)
            __builtin_memcpy(d, s, 8);
        if (len == 16)
            __builtin_memcpy(d + 8, s + 8, 8);
    } else {
        memcpy(dst, src, len);
    }
}

/* What a message of `len` bytes costs its receiver's mailbox: its block. */
static uint64_t block_bytes(uint32_t len)
{
    return len > SMALL_PAYLOAD ? LARGE_BLOCK : SMALL_BLOCK;
}

/* refuse_in_rcu: the API call to refuse inside an RCU read-side section
 * (send may yield), or NULL for the kernel's own signals, which never do.
 * charge: reductions charged to the caller inside the masked stretch (send:
 * it yields after, unmasked, if they ran out), or 0. */
static inline __attribute__((always_inline)) int deliver(pid_t to, pid_t from, uint16_t kind, const void *data,
                                                         uint32_t len, uint64_t ref, const struct exit_reason *why,
                                                         const char *refuse_in_rcu, uint32_t charge)
{
    /* Masked from the block's allocation to the end: a sender killed at an
     * interrupt's exit between taking the block and pushing it would leak it
     * (the soak's leak check found such blocks); one preempted while it holds
     * the receiver's slot, on the core where the receiver then runs and
     * exits, would never let go; and the counters are this core's. */
    uint64_t flags = irq_save();
    struct sched_core *c = this_core(); /* masked: ours until the end */
    if (refuse_in_rcu)
        sched_check_not_in_rcu_read_on(c, refuse_in_rcu);
    if (charge)
        reduce_charge_masked(current_proc(), charge);
    struct msg *m = msg_alloc(c, len);
    if (!m) {
        irq_restore(flags);
        return SEND_NO_MEMORY;
    }
    m->info = (struct msg_info){.from = from, .kind = kind, .ref = ref};
    if (why)
        m->info.reason = *why;
    m->len = len;
    copy_payload(m->data, data, len);
    struct proc *p = proc_hold(to, &sched_race_hooks.deliver_counted);
    if (!p) {
        c->count.dropped_sends++;
        msg_free_here(c, m);
        irq_restore(flags);
        return 0;
    }
    if (!mailbox_admit(p, kind, block_bytes(len))) {
        c->count.mailbox_full++;
        proc_unhold(p);
        msg_free_here(c, m);
        irq_restore(flags);
        return SEND_MAILBOX_FULL;
    }
    /* flight recorder hook (issue 15): before the push, so the send's time precedes its receive's. */
    flight_record(FL_SEND, 0, from, (uint32_t)to, flight_msg_id(m), kind);
    struct msg *head = __atomic_load_n(&p->inbox, __ATOMIC_RELAXED);
    do
        m->next = head;
    /* Release: the message's contents are visible before it is reachable. */
    while (!__atomic_compare_exchange_n(&p->inbox, &head, m, true, __ATOMIC_RELEASE, __ATOMIC_RELAXED));
    /* Full barrier: the push is visible before we read the state; the
     * receiver stores WAITING, then (dmb) reads the inbox. One of us sees the other. */
    smp_mb();
    if (__atomic_load_n(&p->state, __ATOMIC_RELAXED) == PROC_WAITING)
        proc_wake_masked(c, p);
    proc_unhold(p); /* our use of p is complete */
    c->count.sends++;
    irq_restore(flags);
    return 0;
}

int send(pid_t to, const void *data, uint32_t len)
{
    if (len > MSG_MAX)
        return SEND_TOO_BIG;
    struct proc *me = current_proc();
    uint32_t reds = 1 + len / 64;
    int r;
    if (pid_is_remote(to)) {
        uint64_t flags = irq_save(); /* the check reads our own core's count */
        sched_check_not_in_rcu_read_on(this_core(), "send");
        reduce_charge_masked(me, reds);
        irq_restore(flags);
        r = remote_send(to, data, len);
    } else {
        r = deliver(to, me->pid, MSG_USER, data, len, 0, NULL, "send", reds);
    }
    /* Our own field, written by us masked (or refreshed by a switch since). */
    if (__builtin_expect(__atomic_load_n(&me->reds, __ATOMIC_RELAXED) <= 0, 0))
        yield();
    return r;
}

int send_as(pid_t to, pid_t from, const void *data, uint32_t len)
{
    if (len > MSG_MAX)
        return SEND_TOO_BIG;
    return deliver(to, from, MSG_USER, data, len, 0, NULL, NULL, 0);
}

int send_down_as(pid_t to, pid_t from, uint64_t ref, const struct exit_reason *why, const void *reason_bytes,
                 uint32_t reason_len)
{
    return send_signal_with(to, from, MSG_DOWN, ref, why, reason_bytes, reason_len);
}

int send_signal_with(pid_t to, pid_t from, uint16_t kind, uint64_t ref, const struct exit_reason *why,
                     const void *data, uint32_t len)
{
    if (len > MSG_MAX)
        len = 0; /* a signal is never refused: it goes without them */
    return deliver(to, from, kind, data, len, ref, why, NULL, 0);
}

int send_signal(pid_t to, pid_t from, uint16_t kind, uint64_t ref, const struct exit_reason *why)
{
    return send_signal_with(to, from, kind, ref, why, NULL, 0);
}

uint64_t sched_msg_blocks_in_use(void)
{
    uint64_t flags = spin_lock_irqsave(&pool_lock);
    uint64_t n = blocks_made - blocks_pooled;
    spin_unlock_irqrestore(&pool_lock, flags);
    /* Racy reads of the caches (each core's own): exact once they are quiet. */
    for (uint32_t cpu = 0; cpu < MAX_CPUS; cpu++)
        n -= READ_ONCE(sched_cores[cpu].free_msg_count);
    return n;
}

uint64_t sched_dropped_sends(void)
{
    uint64_t n = 0;
    for (uint32_t cpu = 0; cpu < MAX_CPUS; cpu++)
        n += READ_ONCE(sched_cores[cpu].count.dropped_sends);
    return n;
}

/* Move everything in the inbox to the end of our queue, oldest first. */
static void drain_inbox(struct proc *p)
{
    /* Acquire: the senders' message contents are visible before we read them. */
    struct msg *m = __atomic_exchange_n(&p->inbox, NULL, __ATOMIC_ACQUIRE);
    struct msg *ordered = NULL;
    while (m) {
        struct msg *next = m->next;
        m->next = ordered;
        ordered = m;
        m = next;
    }
    if (!ordered)
        return;
    *p->queue_tail = ordered;
    while (ordered->next)
        ordered = ordered->next;
    p->queue_tail = &ordered->next;
}

void mailbox_close(struct proc *p)
{
    drain_inbox(p);
    for (struct msg *m = p->queue, *next; m; m = next) {
        next = m->next;
        mailbox_taken(p, block_bytes(m->len));
        msg_free(m);
    }
    p->queue = NULL;
    p->queue_tail = &p->queue;
}

static void timeout_fired(void *arg)
{
    struct proc *p = arg;
    RACE_HOOK(timeout_firing, p->pid);
    flight_record(FL_TIMER, 0, p->pid, FLIGHT_TIMER_TIMEOUT, 0, 0);
    __atomic_store_n(&p->timed_out, 1, __ATOMIC_RELAXED);
    /* Full barrier: timed_out is visible before proc_wake reads the state
     * (its CAS's load-acquire does not order an earlier store); the waiter
     * stores WAITING, then (dmb) reads timed_out (wait_for_mail). One of us
     * sees the other, or the process sleeps on with its timeout spent. */
    smp_mb();
    proc_wake(p);
    /* Release: the stores above come before a canceller that sees the event
     * done (timeout_cancel); it may then re-arm at once. Also what tells it
     * so when this core has since gone offline. */
    __atomic_store_n(&p->timeout_cpu, NO_TIMEOUT, __ATOMIC_RELEASE);
}

/* A timer event taken off a going core's queue, then queued again on `cpu`:
 * if it is a receive timeout, its process waits while it moves and cancels
 * it on `cpu` from then on. */
void timeout_moving(struct timer_event *ev)
{
    if (ev->fn == timeout_fired) /* release: pairs with timeout_cancel's acquire */
        __atomic_store_n(&((struct proc *)ev->arg)->timeout_cpu, TIMEOUT_MOVING, __ATOMIC_RELEASE);
}

void timeout_moved(struct timer_event *ev, uint32_t cpu)
{
    if (ev->fn == timeout_fired) /* release: the re-queue (before) is done when a canceller sees `cpu` */
        __atomic_store_n(&((struct proc *)ev->arg)->timeout_cpu, cpu, __ATOMIC_RELEASE);
}

/* On the core that a canceller read as the owner: by now it may have handed
 * the event to another (hotplug.c), so only its own queue is searched. If
 * the timeout still names this core, it is now neither queued nor firing
 * (masked, on its owner), and it says so here, with the removal: a canceller
 * that cleared it later could be killed and moved in between, then find it
 * naming this core after it had gone offline, and wait for it for good. */
static void remove_timeout_here(void *arg)
{
    struct proc *p = arg;
    uint32_t me = this_cpu_id();
    timer_event_remove_if_here(&p->timeout);
    /* Release: the removal comes before a canceller that sees NO_TIMEOUT
     * (timeout_cancel's acquire) re-arms it. */
    if (__atomic_load_n(&p->timeout_cpu, __ATOMIC_RELAXED) == me)
        __atomic_store_n(&p->timeout_cpu, NO_TIMEOUT, __ATOMIC_RELEASE);
}

/* After this, the timeout neither is queued nor is its callback running. On
 * our own core that is a plain removal (the callback runs in our interrupt
 * handler, never beside us). Elsewhere, always ask the owning core, even if
 * the event looks dequeued: that core may be inside timeout_fired right now,
 * and it serves our cross-call only after that handler has returned. Done
 * when the timeout says NO_TIMEOUT: the removal, a firing or a cancel said
 * so, each on the core that owned it. */
void timeout_cancel(struct proc *p)
{
    for (;;) {
        /* Acquire: pairs with the release of timeout_fired, of
         * remove_timeout_here and of a move (timeout_moving/timeout_moved). */
        uint32_t cpu = __atomic_load_n(&p->timeout_cpu, __ATOMIC_ACQUIRE);
        if (cpu == NO_TIMEOUT)
            return; /* never armed, already cancelled, or fired */
        if (cpu != TIMEOUT_MOVING) {
            /* Masked: preempted and moved between the check and the removal,
             * we would remove it from another core's queue, where it is not. */
            uint64_t flags = irq_save();
            bool here = cpu == this_cpu_id();
            if (here)
                remove_timeout_here(p);
            irq_restore(flags);
            if (!here) {
                RACE_HOOK(timeout_cancel_asking, p->pid);
                /* Fails if that core went offline before serving it. */
                smp_call_function_single(cpu, remove_timeout_here, p, true);
            }
            RACE_HOOK(timeout_cancel_removed, p->pid);
            if (__atomic_load_n(&p->timeout_cpu, __ATOMIC_ACQUIRE) == NO_TIMEOUT) /* as above */
                return;
        }
        /* Moving, or the core we asked took its whole queue to hand it on
         * (hotplug.c), even if it is back up now, so the removal found
         * nothing, or it went offline before serving us (then it had not
         * fired, which would have said NO_TIMEOUT, and the going core hands
         * its timers to another), or it fired or moved meanwhile: the core
         * it moves to names itself once the event is queued there. Look
         * again, then cancel where it is; cancelling nowhere would let the
         * event sit in two cores' lists once we re-arm it. The move is a
         * cross-call, perhaps to us, and we may have interrupts masked
         * (dying in proc_die): serve it while we wait. */
        xcall_run_pending();
    }
}

/* Sleep until a message, the timeout or a kill. IRQs off. False: it did
 * not sleep, as one of them was already there. */
static inline __attribute__((always_inline)) bool wait_for_mail(struct proc *p)
{
    RACE_HOOK(waiting_for_mail, p->pid);
    __atomic_store_n(&p->state, PROC_WAITING, __ATOMIC_RELAXED);
    smp_mb(); /* WAITING visible before we look at the inbox: pairs with deliver() */
    if (!__atomic_load_n(&p->inbox, __ATOMIC_RELAXED) && !load_flag(&p->timed_out) && !load_flag(&p->pending_kill)) {
        sched_block(); /* a waker queues us again */
        return true;
    }
    uint8_t expected = PROC_WAITING;
    if (!__atomic_compare_exchange_n(&p->state, &expected, PROC_RUNNING, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_RELAXED))
        sched_block(); /* a waker queued us already: take that turn */
    return false;
}

/* m, off both lists, into buf (and info) and freed; masked. Returns its length. */
static inline __attribute__((always_inline)) int consume_message(struct proc *p, struct msg *m, void *buf,
                                                                 uint32_t cap, struct msg_info *info)
{
    copy_payload(buf, m->data, m->len < cap ? m->len : cap);
    if (info)
        *info = m->info;
    /* flight recorder hook (issue 15) */
    flight_record(FL_RECV, 0, p->pid, (uint32_t)m->info.from, flight_msg_id(m), m->info.kind);
    int len = (int)m->len;
    mailbox_taken(p, block_bytes(m->len));
    msg_free_here(this_core(), m); /* masked: the core we are on */
    return len;
}

/* The message at *mp leaves the queue into buf (and info); masked from its
 * unlink to its free. Returns its length. */
static inline __attribute__((always_inline)) int take_message(struct proc *p, struct msg **mp, void *buf,
                                                              uint32_t cap, struct msg_info *info)
{
    struct msg *m = *mp;
    *mp = m->next;
    if (p->queue_tail == &m->next)
        p->queue_tail = mp;
    return consume_message(p, m, buf, cap, info);
}

/* With the queue empty: the inbox's oldest message, off both lists, the
 * rest (if any) now the queue; NULL if the inbox is empty too. The common
 * receive (one message waiting) links nothing. Masked. */
static inline __attribute__((always_inline)) struct msg *take_oldest_from_inbox(struct proc *p)
{
    /* Acquire: the senders' message contents are visible before we read them. */
    struct msg *newest = __atomic_exchange_n(&p->inbox, NULL, __ATOMIC_ACQUIRE);
    if (!newest || !newest->next)
        return newest;
    struct msg *m = newest, *ordered = NULL;
    while (m) { /* reversed into arrival order, as drain_inbox does */
        struct msg *next = m->next;
        m->next = ordered;
        ordered = m;
        m = next;
    }
    p->queue = ordered->next;
    p->queue_tail = &newest->next; /* the newest is last now */
    return ordered;
}

/* Nothing (more) to take: arm the timeout on the first wait, then wait.
 * False, without waiting, when the receive has timed out. Masked (*flags:
 * what the receive's irq_save returned). */
static inline bool wait_unless_timed_out(struct proc *p, uint64_t timeout_ms, bool *armed, uint64_t *flags)
{
    if (timeout_ms == 0 || p->timed_out)
        return false;
    if (!*armed && timeout_ms != RECEIVE_FOREVER) {
        p->timeout_cpu = this_cpu_id();
        timer_event_add(&p->timeout, timer_now() + timer_ns_to_ticks(timeout_ms * 1000000ULL), timeout_fired, p);
        *armed = true;
    }
    if (__builtin_expect(!wait_for_mail(p), 0) && load_flag(&p->pending_kill)) {
        /* A pending kill ended the wait before it began. The receive stays
         * masked from here to its next drain, so no interrupt's exit would
         * act on it: we die here, every message listed. (One that came
         * while we slept is acted on as we switch back in.) A deferred one
         * (kill_defer_begin) waits: an unmasked moment lets interrupts in. */
        proc_die_if_kill_due(p);
        irq_restore(*flags);
        *flags = irq_save();
    }
    return true;
}

int receive(msg_match_fn match, void *ctx, void *buf, uint32_t cap, uint64_t timeout_ms, struct msg_info *info)
{
    struct proc *p = current_proc();
    p->timed_out = 0;
    bool armed = false;
    /* Masked while messages are off both lists (the drain, and from the
     * unlink to the free): killed at an interrupt's exit there, the process
     * would leak them; mailbox_close frees only what is listed. Masked too
     * from an empty drain through the wait and back: nothing to do unmasked. */
    uint64_t flags = irq_save();
    /* Masked: our own core's count. Once: a wait does not enter a section. */
    sched_check_not_in_rcu_read_on(this_core(), "receive");
    if (__builtin_expect(reduce_charge_masked(p, 1), 0)) { /* out of reductions: the turn ends before we look */
        irq_restore(flags);
        yield();
        flags = irq_save();
    }
    for (;;) {
        /* The common receive, any message and no timeout to cancel, with
         * nothing left over from earlier: the inbox's oldest, taken in the
         * same masked stretch. */
        if (!p->queue && !match && !armed) {
            struct msg *m = take_oldest_from_inbox(p);
            if (m) {
                int len = consume_message(p, m, buf, cap, info);
                irq_restore(flags);
                return len;
            }
        } else {
            drain_inbox(p);
            /* The first message and no timeout to cancel: the same. */
            if (p->queue && !match && !armed) {
                int len = take_message(p, &p->queue, buf, cap, info);
                irq_restore(flags);
                return len;
            }
            if (p->queue) {
                irq_restore(flags);
                for (struct msg **mp = &p->queue; *mp; mp = &(*mp)->next) {
                    struct msg *m = *mp;
                    if (match && !match(m->data, m->len, &m->info, ctx))
                        continue;
                    /* Cancelled first, with interrupts on: a cancel may wait
                     * for another core (its cross-call), and the message is
                     * still ours whatever happens meanwhile. */
                    if (armed)
                        timeout_cancel(p);
                    uint64_t take_flags = irq_save();
                    int len = take_message(p, mp, buf, cap, info);
                    irq_restore(take_flags);
                    return len;
                }
                flags = irq_save();
            }
        }
        if (!wait_unless_timed_out(p, timeout_ms, &armed, &flags))
            break;
    }
    irq_restore(flags);
    if (armed)
        timeout_cancel(p); /* unmasked: it may wait for another core */
    return RECEIVE_TIMEOUT;
}

static bool match_nothing(const void *d, uint32_t l, const struct msg_info *i, void *c)
{
    (void)d, (void)l, (void)i, (void)c;
    return false;
}

void sleep_ms(uint64_t ms)
{
    char none;
    receive(match_nothing, NULL, &none, 0, ms ? ms : 1, NULL);
}
