/* The generic timer: a one-shot deadline fires on each core, not early and
 * not much late. */
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <boot/boot.h>
#include <drivers/timer.h>
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

/* Spin until *count reaches n or LATE_LIMIT_MS pass: on a busy host the
 * interrupt can land well after the counter shows the deadline passed. The
 * count is this core's own (its timer interrupt writes it). */
static void wait_until_at_least(const uint32_t *count, uint32_t n)
{
    uint64_t give_up = timer_now() + timer_ns_to_ticks(LATE_LIMIT_MS * 1000000ULL);
    while (READ_ONCE(*count) < n && timer_now() < give_up)
        cpu_relax();
    timer_delay_us(1000); /* and a little more: one too many would show */
}

static uint32_t cancelled_calls;
static void count_call(void *arg)
{
    (void)arg;
    cancelled_calls++;
}

IMAGE_TEST(timer, cancel_stops_deadline)
{
    cancelled_calls = 0;
    timer_arm_deadline(timer_now() + timer_ns_to_ticks(2000000), count_call, NULL);
    timer_cancel();
    timer_delay_us(10000);
    TEST_ASSERT(cancelled_calls == 0, "a cancelled deadline fired");
    timer_arm_deadline(timer_now() + timer_ns_to_ticks(2000000), count_call, NULL);
    wait_until_at_least(&cancelled_calls, 1);
    TEST_ASSERT(cancelled_calls == 1, "an armed deadline fired %u times", cancelled_calls);
    return true;
}

/* Several events on one core fire in deadline order, whatever the order added. */
static uint32_t order[3], fired_count;
static void record_order(void *arg)
{
    order[fired_count++] = (uint32_t)(uintptr_t)arg;
}

IMAGE_TEST(timer, events_fire_in_deadline_order)
{
    static struct timer_event ev[3];
    fired_count = 0;
    uint64_t now = timer_now(), ms = timer_ns_to_ticks(1000000);
    timer_event_add(&ev[0], now + 3 * ms, record_order, (void *)3);
    timer_event_add(&ev[1], now + 1 * ms, record_order, (void *)1);
    timer_event_add(&ev[2], now + 2 * ms, record_order, (void *)2);
    wait_until_at_least(&fired_count, 3);
    TEST_ASSERT(fired_count == 3, "%u of 3 events fired", fired_count);
    TEST_ASSERT(order[0] == 1 && order[1] == 2 && order[2] == 3, "fired in order %u %u %u", order[0], order[1], order[2]);
    return true;
}
