/* Per-CPU counters: see percpu_counter.h. Portable. */
#include <sync/percpu_counter.h>

uint64_t percpu_counter_sum(struct percpu_counter *c)
{
    uint64_t sum = 0;
    for (uint32_t cpu = 0; cpu < PORT_MAX_CPUS; cpu++)
        sum += port_load_relaxed(&c->slot[cpu].count);
    return sum;
}

void percpu_counter_reset(struct percpu_counter *c)
{
    for (uint32_t cpu = 0; cpu < PORT_MAX_CPUS; cpu++) {
        port_store_relaxed(&c->slot[cpu].count, 0);
        port_store_relaxed(&c->slot[cpu].snapshot, 0);
    }
}
