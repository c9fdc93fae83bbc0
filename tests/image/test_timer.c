/* The generic timer: a one-shot deadline fires on each core, not early and
 * not much late. */
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <arch/timer.h>
#include <boot/boot.h>
#include <sync/xcall.h>
#include <tests/image/harness.h>

#define DEADLINE_MS 5
#define LATE_LIMIT_MS 500 /* emulation on a busy 2-core host can be slow */

static uint64_t armed_for[MAX_CPUS], fired_at[MAX_CPUS];

static void on_deadline(void *arg)
{
    (void)arg;
    /* Release: fired_at is complete before the boot core reads it. */
    __atomic_store_n(&fired_at[this_cpu_id()], timer_now(), __ATOMIC_RELEASE);
}

static void arm_here(void *arg)
{
    (void)arg;
    uint32_t id = this_cpu_id();
    fired_at[id] = 0;
    armed_for[id] = timer_now() + timer_ns_to_ticks(DEADLINE_MS * 1000000ULL);
    timer_arm_deadline(armed_for[id], on_deadline, NULL);
}

IMAGE_TEST(timer, deadline_fires_on_each_core)
{
    arm_here(NULL);
    smp_call_function_all(arm_here, NULL, true);
    uint64_t give_up = timer_now() + timer_ns_to_ticks((DEADLINE_MS + LATE_LIMIT_MS) * 1000000ULL);
    for (uint32_t cpu = 0; cpu < cpus_possible; cpu++) {
        if (!cpu_is_online(cpu))
            continue;
        while (!__atomic_load_n(&fired_at[cpu], __ATOMIC_ACQUIRE) && timer_now() < give_up)
            cpu_relax();
        uint64_t at = __atomic_load_n(&fired_at[cpu], __ATOMIC_ACQUIRE);
        TEST_ASSERT(at, "cpu%u: deadline never fired", cpu);
        TEST_ASSERT(at >= armed_for[cpu], "cpu%u: fired %lu ticks early", cpu, (unsigned long)(armed_for[cpu] - at));
        uint64_t late_ms = timer_ticks_to_ns(at - armed_for[cpu]) / 1000000;
        TEST_ASSERT(late_ms <= LATE_LIMIT_MS, "cpu%u: fired %lu ms late", cpu, (unsigned long)late_ms);
    }
    return true;
}

IMAGE_TEST(timer, cancel_stops_deadline)
{
    uint64_t before = this_cpu()->timer_fired;
    timer_arm_deadline(timer_now() + timer_ns_to_ticks(2000000), on_deadline, NULL);
    timer_cancel();
    timer_delay_us(10000);
    TEST_ASSERT(this_cpu()->timer_fired == before, "a cancelled deadline fired");
    return true;
}
