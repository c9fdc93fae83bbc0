/* RCU's links to the image: who is online, waking idle cores, the idle step. */
#include <arch/cpu.h>
#include <gic/irq.h>
#include <sync/rcu.h>

uint64_t port_online_mask(void)
{
    uint64_t mask = 0;
    for (uint32_t cpu = 0; cpu < cpus_possible && cpu < MAX_CPUS; cpu++)
        if (cpu_is_online(cpu))
            mask |= 1ULL << cpu;
    return mask;
}

void rcu_kick_cpus(uint64_t mask)
{
    /* Any interrupt ends the target's WFI; its idle loop then reports. The
     * reschedule SGI needs no handler for that (none is set until sched/). */
    for (uint32_t cpu = 0; mask; cpu++, mask >>= 1)
        if ((mask & 1) && cpu_is_online(cpu))
            ipi_send(cpu, IPI_RESCHEDULE);
}

void rcu_idle_wfi(void)
{
    /* Interrupts masked from the report to the WFI: an IPI sent after the
     * report stays pending and ends the WFI at once (WFI wakes on a pending
     * interrupt even when masked), instead of being taken just before it. */
    irq_disable_local();
    rcu_quiescent_state();
    cpu_wfi();
    irq_enable_local();
}
