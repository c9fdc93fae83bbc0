/* The per-CPU counter flush of Linux's SMP design, by cross-call: every other
 * core copies its own count into its snapshot slot; the caller sums them. */
#include <arch/cpu.h>
#include <sync/percpu_counter.h>
#include <sync/xcall.h>

static void snapshot_mine(void *arg)
{
    struct percpu_counter_slot *s = &((struct percpu_counter *)arg)->slot[this_cpu_id()];
    /* Our own count, read in program order after every add this core made;
     * xcall's release (slot free) publishes the snapshot to the caller. */
    WRITE_ONCE(s->snapshot, READ_ONCE(s->count));
}

uint64_t percpu_counter_flush(struct percpu_counter *c)
{
    snapshot_mine(c);
    smp_call_function_all(snapshot_mine, c, true); /* wait: acquire pairs with each core's release */
    uint64_t sum = 0;
    for (uint32_t cpu = 0; cpu < MAX_CPUS; cpu++)
        if (cpu_is_online(cpu))
            sum += READ_ONCE(c->slot[cpu].snapshot);
    return sum;
}
