/* Per-CPU counters (local add, sum on read; flush by cross-call snapshot) and
 * cross-calls between every pair of cores at the same moment. */
#include <stddef.h>

#include <arch/atomic.h>
#include <arch/cpu.h>
#include <sync/percpu_counter.h>
#include <sync/xcall.h>
#include <tests/image/harness.h>
#include <tests/image/sync_everywhere.h>

#define COUNTS_PER_CORE 20000
#define PAIR_ROUNDS 20
#define RUN_TIMEOUT_MS 60000

static struct percpu_counter events;

static void count_events(void *arg)
{
    (void)arg;
    /* Core n adds (n + 1) per event: a sum from the wrong slots shows. */
    for (uint32_t i = 0; i < COUNTS_PER_CORE; i++)
        percpu_counter_add(&events, this_cpu_id() + 1);
}

IMAGE_TEST(sync, percpu_counter_sums_exact)
{
    uint32_t n = cpus_online_count();
    percpu_counter_reset(&events);
    TEST_ASSERT(run_on_every_core(count_events, NULL, RUN_TIMEOUT_MS), "cores did not finish");
    uint64_t want = (uint64_t)COUNTS_PER_CORE * n * (n + 1) / 2;
    uint64_t sum = percpu_counter_sum(&events);
    TEST_ASSERT(sum == want, "sum %lu, want %lu", (unsigned long)sum, (unsigned long)want);
    uint64_t flushed = percpu_counter_flush(&events);
    TEST_ASSERT(flushed == want, "flush (cross-call snapshot) %lu, want %lu", (unsigned long)flushed,
                (unsigned long)want);
    for (uint32_t cpu = 0; cpu < n; cpu++)
        TEST_ASSERT(events.slot[cpu].snapshot == (uint64_t)COUNTS_PER_CORE * (cpu + 1),
                    "cpu%u snapshot %lu", cpu, (unsigned long)events.slot[cpu].snapshot);
    return true;
}

/* Counting in bursts: after each burst, the flush (each core copies its own
 * count by cross-call) sees every core's latest count. */
IMAGE_TEST(sync, percpu_flush_sees_latest_counts)
{
    uint32_t n = cpus_online_count();
    percpu_counter_reset(&events);
    for (uint64_t burst = 1; burst <= 3; burst++) {
        TEST_ASSERT(run_on_every_core(count_events, NULL, RUN_TIMEOUT_MS), "cores did not finish");
        uint64_t want = burst * COUNTS_PER_CORE * n * (n + 1) / 2;
        uint64_t s = percpu_counter_flush(&events);
        TEST_ASSERT(s == want, "burst %lu: flush %lu, want %lu", (unsigned long)burst, (unsigned long)s,
                    (unsigned long)want);
    }
    return true;
}

/* Every core cross-calls every other core, all at once, waiting each time:
 * N x (N-1) x rounds calls, none lost, no deadlock. */
static uint32_t calls_received[MAX_CPUS];

static void note_call(void *arg)
{
    (void)arg;
    atomic32_add(&calls_received[this_cpu_id()], 1); /* count; the caller's wait orders it */
}

static void call_every_other(void *arg)
{
    (void)arg;
    uint32_t me = this_cpu_id();
    for (uint32_t round = 0; round < PAIR_ROUNDS; round++)
        for (uint32_t k = 1; k < cpus_online_count(); k++) /* a different order on each core */
            smp_call_function_single((me + k) % cpus_online_count(), note_call, NULL, true);
}

IMAGE_TEST(sync, cross_calls_every_pair_at_once)
{
    uint32_t n = cpus_online_count();
    for (uint32_t cpu = 0; cpu < MAX_CPUS; cpu++)
        calls_received[cpu] = 0;
    TEST_ASSERT(run_on_every_core(call_every_other, NULL, RUN_TIMEOUT_MS), "deadlock: cores did not finish");
    for (uint32_t cpu = 0; cpu < n; cpu++)
        TEST_ASSERT(load_acquire(&calls_received[cpu]) == (n - 1) * PAIR_ROUNDS, "cpu%u received %u calls, want %u",
                    cpu, calls_received[cpu], (n - 1) * PAIR_ROUNDS);
    return true;
}
