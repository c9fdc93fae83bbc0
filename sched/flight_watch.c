/* The flight recorder's view of the layers below sched/: IPIs sent,
 * interrupts taken (gic's irq_watch) and long lock waits (lockstat's wait
 * watch). Both hooks are set only while recording, so that with the
 * recorder off the sites below pay one load and one not-taken branch. */
#include <gic/irq.h>
#include <sched/flight_watch.h>
#include <sched/internal.h>
#include <sync/lockstat.h>

_Static_assert(IRQ_WATCH_ALL_OTHERS == FLIGHT_ALL_OTHERS, "a broadcast's target, the same in both");

static uint64_t lock_wait_ticks; /* FLIGHT_LOCK_WAIT_NS in ticks, set before the hook is */

static uint32_t saturated(uint64_t v)
{
    return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* The process running here (0: idle, or before the scheduler starts). */
static uint64_t running_pid(void)
{
    const struct proc *p = this_core()->current;
    return p ? p->pid : 0;
}

static void ipi_was_sent(uint32_t cpu, enum ipi_kind kind)
{
    /* Masked: the pid read is the process on the core whose ring takes the record. */
    uint64_t flags = irq_save();
    flight_record_slow(FL_IPI_SEND, 0, running_pid(), cpu, 0, (uint16_t)kind);
    irq_restore(flags);
}

static void irq_taken(uint32_t intid) /* in the interrupt handler: masked */
{
    flight_record_slow(intid < IPI_KIND_COUNT ? FL_IPI_TAKEN : FL_IRQ, 0, running_pid(), intid, 0, 0);
}

static const struct irq_watch flight_irq_watch = {.ipi_sent = ipi_was_sent, .taken = irq_taken};

static void lock_waited(const struct lockstat *s, uint64_t wait)
{
    if (wait < lock_wait_ticks)
        return;
    uint64_t flags = irq_save();
    flight_record_slow(FL_LOCK_WAIT, 0, running_pid(), saturated(wait), lockstat_id(s), 0);
    irq_restore(flags);
}

void flight_watch_start(void)
{
    lock_wait_ticks = timer_ns_to_ticks(FLIGHT_LOCK_WAIT_NS); /* published by the hook's release */
    irq_watch_set(&flight_irq_watch);
    lockstat_wait_watch_set(lock_waited);
}

void flight_watch_stop(void)
{
    irq_watch_set(NULL);
    lockstat_wait_watch_set(NULL);
}
