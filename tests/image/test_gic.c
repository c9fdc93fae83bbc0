/* Interrupt routing through whichever GIC the DT names: an SPI reaches the
 * core it was routed to and no other (GICv2: the GICD_ITARGETSR byte built
 * from that core's own interface number; GICv3: GICD_IROUTER), and an SGI a
 * core sends to itself arrives (GICv2: the "self" filter of GICD_SGIR). */
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <arch/timer.h>
#include <gic/irq.h>
#include <stddef.h>
#include <tests/image/harness.h>

#define DELIVERY_TIMEOUT_MS 500
/* The last SPI both QEMU virt (256 SPIs) and the GIC-400 of the BCM2711 (192)
 * implement, wired to no device on either. */
#define TEST_SPI (32 + 191)

static uint32_t spi_hits[MAX_CPUS];

static void count_spi(uint32_t intid, void *arg)
{
    (void)intid, (void)arg;
    /* Relaxed: the test core polls the count, and only the count. */
    __atomic_fetch_add(&spi_hits[this_cpu_id()], 1, __ATOMIC_RELAXED);
}

static bool wait_for_hit(uint32_t cpu)
{
    uint64_t end = timer_now() + timer_ns_to_ticks(DELIVERY_TIMEOUT_MS * 1000000ULL);
    while (!__atomic_load_n(&spi_hits[cpu], __ATOMIC_RELAXED) && timer_now() < end)
        cpu_relax();
    return __atomic_load_n(&spi_hits[cpu], __ATOMIC_RELAXED) != 0;
}

IMAGE_TEST(gic, spi_reaches_its_target_only)
{
    irq_handler_set(TEST_SPI, count_spi, NULL);
    for (uint32_t target = 0; target < cpus_possible; target++) {
        if (!cpu_is_online(target))
            continue;
        for (uint32_t c = 0; c < cpus_possible; c++)
            __atomic_store_n(&spi_hits[c], 0, __ATOMIC_RELAXED);
        irq_enable_on(TEST_SPI, target);
        TEST_ASSERT(irq_raise(TEST_SPI), "INTID %u is not an SPI", TEST_SPI);
        bool hit = wait_for_hit(target);
        irq_disable(TEST_SPI);
        TEST_ASSERT(hit, "SPI %u routed to cpu%u never arrived there", TEST_SPI, target);
        for (uint32_t c = 0; c < cpus_possible; c++)
            TEST_ASSERT(c == target || !__atomic_load_n(&spi_hits[c], __ATOMIC_RELAXED),
                        "SPI %u routed to cpu%u was taken by cpu%u", TEST_SPI, target, c);
    }
    irq_handler_set(TEST_SPI, NULL, NULL);
    return true;
}

IMAGE_TEST(gic, sgi_to_self)
{
    uint32_t me = this_cpu_id();
    uint64_t *count = &irq_cpu_stats[this_cpu_id()].ipis_received[IPI_RESCHEDULE];
    uint64_t before = READ_ONCE(*count);
    ipi_send(me, IPI_RESCHEDULE);
    uint64_t end = timer_now() + timer_ns_to_ticks(DELIVERY_TIMEOUT_MS * 1000000ULL);
    while (READ_ONCE(*count) == before && timer_now() < end)
        cpu_relax(); /* our own interrupt handler bumps it */
    TEST_ASSERT(READ_ONCE(*count) == before + 1, "cpu%u: %lu self-SGIs arrived, expected 1", me,
                (unsigned long)(READ_ONCE(*count) - before));
    return true;
}
