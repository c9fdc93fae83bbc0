/* Cross-calls over IPI_CALL_FUNCTION: see xcall.h. */
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <gic/irq.h>
#include <sync/xcall.h>

struct xcall_slot {
    xcall_fn fn;
    void *arg;
    uint32_t busy; /* 1 from the caller's fill until the target ran it */
} __attribute__((aligned(CACHE_LINE)));

static struct xcall_slot slots[MAX_CPUS][MAX_CPUS]; /* [caller][target] */
static uint64_t pending[MAX_CPUS];                  /* bit n: caller n has a call for us */

void xcall_run_pending(void)
{
    /* Calls run with interrupts masked on the core they were sent to, also
     * when a waiting caller runs them from thread context (it must not be
     * preempted and moved halfway through someone's function). */
    uint64_t flags = irq_save();
    uint32_t me = this_cpu_id();
    /* Acquire: the callers' slot contents (written before their release OR)
     * are visible before we read them. */
    uint64_t bits = __atomic_exchange_n(&pending[me], 0, __ATOMIC_ACQUIRE);
    while (bits) {
        uint32_t caller = (uint32_t)__builtin_ctzll(bits);
        bits &= bits - 1;
        struct xcall_slot *s = &slots[caller][me];
        s->fn(s->arg);
        /* Release: the function's effects are visible before the caller sees
         * the slot free (and before it may refill it). */
        __atomic_store_n(&s->busy, 0, __ATOMIC_RELEASE);
    }
    irq_restore(flags);
}

/* False, queueing nothing, if the target went offline while the slot was
 * still busy: the call in it is another caller's from this core, preempted
 * in its wait and moved or queued behind us, and only its own wait_for
 * withdraws it; masked, we would wait for it for good. */
static bool queue_call(uint32_t me, uint32_t cpu, xcall_fn fn, void *arg)
{
    struct xcall_slot *s = &slots[me][cpu];
    /* Acquire: the target's last use of this slot happened before we refill it. */
    while (__atomic_load_n(&s->busy, __ATOMIC_ACQUIRE)) {
        if (!cpu_is_online(cpu))
            return false;
        xcall_run_pending();
    }
    s->fn = fn;
    s->arg = arg;
    s->busy = 1;
    /* Release: fn/arg/busy are visible before the target can see our bit. */
    __atomic_fetch_or(&pending[cpu], 1UL << me, __ATOMIC_RELEASE);
    return true;
}

/* Returns the cores that ran the call (a core that went offline before
 * taking it had the request withdrawn). */
static uint64_t wait_for(uint32_t me, uint64_t mask)
{
    uint64_t ran = mask;
    for (uint32_t cpu = 0; cpu < MAX_CPUS; cpu++) {
        if (!(mask >> cpu & 1))
            continue;
        /* Acquire: pairs with the target's release; its effects are visible to us. */
        while (__atomic_load_n(&slots[me][cpu].busy, __ATOMIC_ACQUIRE)) {
            xcall_run_pending(); /* someone may be waiting on us meanwhile */
            if (cpu_is_online(cpu))
                continue;
            /* It went down (interrupts off for good) and may never look:
             * withdraw the request if it has not taken it. If it took it,
             * it runs the call to the end before it goes, so keep waiting. */
            if (__atomic_fetch_and(&pending[cpu], ~(1UL << me), __ATOMIC_ACQ_REL) & (1UL << me)) {
                __atomic_store_n(&slots[me][cpu].busy, 0, __ATOMIC_RELEASE); /* the slot is ours again */
                ran &= ~(1UL << cpu);
            }
        }
    }
    return ran;
}

uint64_t smp_call_function_many(uint64_t mask, xcall_fn fn, void *arg, bool wait)
{
    /* Masked while queueing: the caller must not move to another core
     * between choosing its slots (slots[me][*]) and raising the IPIs. The
     * wait needs no mask: it polls those slots from wherever it runs, and
     * takes interrupts meanwhile (an SGI aimed at us must not wait on us). */
    uint64_t flags = irq_save();
    uint32_t me = this_cpu_id();
    uint64_t sent = 0;
    mask &= ~(1UL << me);
    for (uint32_t cpu = 0; cpu < MAX_CPUS; cpu++) {
        if (!(mask >> cpu & 1) || !cpu_is_online(cpu) || !queue_call(me, cpu, fn, arg))
            continue;
        ipi_send(cpu, IPI_CALL_FUNCTION); /* its dsb orders the queueing before the SGI */
        sent |= 1UL << cpu;
    }
    irq_restore(flags);
    if (wait)
        sent = wait_for(me, sent);
    return sent;
}

int smp_call_function_single(uint32_t cpu, xcall_fn fn, void *arg, bool wait)
{
    if (cpu >= MAX_CPUS)
        return -1;
    /* Masked from the check to the queueing: a process preempted and moved
     * in between would run fn on the wrong core, or queue it to itself. */
    uint64_t flags = irq_save();
    uint32_t me = this_cpu_id();
    if (!cpu_is_online(cpu)) {
        irq_restore(flags);
        return -1;
    }
    if (cpu == me) {
        fn(arg);
        irq_restore(flags);
        return 0;
    }
    if (!queue_call(me, cpu, fn, arg)) {
        irq_restore(flags);
        return -1; /* it went offline meanwhile */
    }
    ipi_send(cpu, IPI_CALL_FUNCTION); /* its dsb orders the queueing before the SGI */
    irq_restore(flags);
    if (wait && !wait_for(me, 1UL << cpu))
        return -1; /* it went offline before running it */
    return 0;
}

void smp_call_function_all(xcall_fn fn, void *arg, bool wait) { smp_call_function_many(~0UL, fn, arg, wait); }

void xcall_init(void) { ipi_handler_set(IPI_CALL_FUNCTION, xcall_run_pending); }
