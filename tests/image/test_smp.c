/* Cores: every core the DT lists is online with the right identity; SGIs
 * reach every core from every other; cross-calls run everywhere and wait. */
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <arch/timer.h>
#include <boot/boot.h>
#include <gic/irq.h>
#include <sync/xcall.h>
#include <tests/image/harness.h>

#define DELIVERY_TIMEOUT_MS 2000

IMAGE_TEST(smp, boot_core_alive)
{
    TEST_ASSERT(this_cpu_id() == 0, "boot core has logical id %u", this_cpu_id());
    TEST_ASSERT(cpu_is_online(0), "boot core not marked online");
    return true;
}

static uint64_t seen_mpidr[MAX_CPUS];
static uint32_t seen_id[MAX_CPUS];

static void record_identity(void *arg)
{
    (void)arg;
    uint32_t id = this_cpu_id();
    seen_mpidr[id] = read_sysreg(mpidr_el1) & 0xff00ffffffUL;
    seen_id[id] = id + 1;
}

IMAGE_TEST(smp, all_cores_online)
{
    uint32_t expected = platform.cpu_count < MAX_CPUS ? platform.cpu_count : MAX_CPUS;
    TEST_ASSERT(cpus_online_count() == expected, "%u of %u DT cores online", cpus_online_count(), expected);
    for (uint32_t cpu = 0; cpu < cpus_possible; cpu++)
        seen_id[cpu] = 0;
    record_identity(NULL);
    smp_call_function_all(record_identity, NULL, true);
    for (uint32_t cpu = 0; cpu < cpus_possible; cpu++) {
        TEST_ASSERT(seen_id[cpu] == cpu + 1, "cpu%u did not answer", cpu);
        uint64_t want = platform.cpus[cpu_dt_index[cpu]].mpidr;
        TEST_ASSERT(seen_mpidr[cpu] == want, "cpu%u runs on MPIDR %#lx, DT says %#lx", cpu,
                    (unsigned long)seen_mpidr[cpu], (unsigned long)want);
        for (uint32_t other = 0; other < cpu; other++)
            TEST_ASSERT(seen_mpidr[other] != seen_mpidr[cpu], "cpu%u and cpu%u share MPIDR", other, cpu);
    }
    return true;
}

/* Every core sends a reschedule SGI to every other: N x (N-1) deliveries.
 * One SGI in flight per target at a time: GICv3 keeps one pending bit per
 * SGI per core, not per sender, so concurrent sends to one core coalesce. */
static uint32_t undelivered[MAX_CPUS]; /* sender -> 1 + the target that never got it */
static uint64_t delivered_total;

static void send_to_each_in_turn(void *arg)
{
    (void)arg;
    uint32_t me = this_cpu_id();
    for (uint32_t cpu = 0; cpu < cpus_possible; cpu++) {
        if (cpu == me || !cpu_is_online(cpu))
            continue;
        uint64_t *count = &irq_cpu_stats[cpu].ipis_received[IPI_RESCHEDULE];
        uint64_t before = READ_ONCE(*count);
        ipi_send(cpu, IPI_RESCHEDULE);
        uint64_t end = timer_now() + timer_ns_to_ticks(DELIVERY_TIMEOUT_MS * 1000000ULL);
        while (READ_ONCE(*count) == before && timer_now() < end)
            cpu_relax();
        if (READ_ONCE(*count) == before) {
            undelivered[me] = cpu + 1;
            return;
        }
        __atomic_fetch_add(&delivered_total, 1, __ATOMIC_RELAXED); /* a count, no ordering */
    }
}

IMAGE_TEST(smp, sgi_every_pair)
{
    uint32_t n = cpus_online_count();
    delivered_total = 0;
    for (uint32_t cpu = 0; cpu < cpus_possible; cpu++)
        undelivered[cpu] = 0;
    send_to_each_in_turn(NULL);
    for (uint32_t cpu = 1; cpu < cpus_possible; cpu++)
        smp_call_function_single(cpu, send_to_each_in_turn, NULL, true);
    for (uint32_t cpu = 0; cpu < cpus_possible; cpu++)
        TEST_ASSERT(!undelivered[cpu], "SGI from cpu%u to cpu%u never arrived", cpu, undelivered[cpu] - 1);
    TEST_ASSERT(delivered_total == (uint64_t)n * (n - 1), "%lu deliveries, expected %u",
                (unsigned long)delivered_total, n * (n - 1));
    kprintf("smp: %lu SGI deliveries between %u cores (N x (N-1))\n", (unsigned long)delivered_total, n);
    return true;
}

static uint32_t called[MAX_CPUS];

static void mark_called(void *arg)
{
    uint32_t *stamp = arg;
    called[this_cpu_id()] = *stamp;
}

IMAGE_TEST(smp, call_function_all_wait)
{
    for (uint32_t round = 1; round <= 50; round++) {
        smp_call_function_all(mark_called, &round, true);
        /* wait=true: every other core has run it by the time we return */
        for (uint32_t cpu = 1; cpu < cpus_possible; cpu++)
            TEST_ASSERT(!cpu_is_online(cpu) || called[cpu] == round, "round %u: cpu%u saw %u", round, cpu, called[cpu]);
    }
    return true;
}

static uint32_t pair_calls[MAX_CPUS];

static void count_pair_call(void *arg)
{
    (void)arg;
    __atomic_fetch_add(&pair_calls[this_cpu_id()], 1, __ATOMIC_RELAXED); /* count only */
}

static void call_everyone_else(void *arg)
{
    (void)arg;
    smp_call_function_all(count_pair_call, NULL, true);
}

/* Every core cross-calls every other at the same moment, waiting: no deadlock. */
IMAGE_TEST(smp, concurrent_cross_calls)
{
    uint32_t n = cpus_online_count();
    for (uint32_t cpu = 0; cpu < cpus_possible; cpu++)
        pair_calls[cpu] = 0;
    smp_call_function_all(call_everyone_else, NULL, false);
    call_everyone_else(NULL);
    uint64_t end = timer_now() + timer_ns_to_ticks(DELIVERY_TIMEOUT_MS * 1000000ULL);
    for (uint32_t cpu = 0; cpu < cpus_possible; cpu++)
        while (cpu_is_online(cpu) && __atomic_load_n(&pair_calls[cpu], __ATOMIC_RELAXED) < n - 1 &&
               timer_now() < end)
            xcall_run_pending();
    for (uint32_t cpu = 0; cpu < cpus_possible; cpu++)
        TEST_ASSERT(!cpu_is_online(cpu) || pair_calls[cpu] == n - 1, "cpu%u ran %u calls, expected %u", cpu, pair_calls[cpu], n - 1);
    return true;
}
