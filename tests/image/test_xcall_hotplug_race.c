/*
 * A cross-call slot left busy by a caller that moved on (sync/xcall.c).
 * Slots are per calling core: process A on core C queues a call to core X
 * and waits for it with interrupts on; B, on C after A, calls X with
 * interrupts masked (as a dying process's timeout cancel does) and waits for
 * the slot. X goes down without ever serving A's call (a going core serves
 * calls only while it hands timers on). B used to wait for the slot for
 * good, masked, while only A's own wait, which could not run on C, would
 * withdraw the call. Now B's call fails as to an offline core, and A's wait
 * withdraws its own. A hook holds X in its idle loop, asked to go down but
 * still online, until both calls are made.
 */
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <arch/timer.h>
#include <boot/boot.h>
#include <gic/irq.h>
#include <psci/psci.h>
#include <sched/race_hooks.h>
#include <sync/xcall.h>
#include <tests/image/harness.h>
#include <tests/image/proc_helpers.h>

#define HOLD_MS 10000  /* the longest any side waits for another */
#define SETTLE_MS 20   /* for a caller to reach its wait after saying it calls */
#define CALLER_CPU 1

static uint32_t going_cpu, armed, x_held, release_x, a_calling, b_calling, ran;
static int a_result, b_result;

/* The going core, in its idle loop with the down request seen, masked:
 * held there (online, serving no call) until the test lets it go. */
static void hold_going_core(pid_t cpu)
{
    if ((uint32_t)cpu != READ_ONCE(going_cpu) || !READ_ONCE(armed) || !smp_down_requested((uint32_t)cpu))
        return;
    WRITE_ONCE(armed, 0);
    __atomic_store_n(&x_held, 1, __ATOMIC_RELEASE); /* pairs with the test's acquire */
    uint64_t end = ms_from_now(HOLD_MS);
    /* Acquire: pairs with the test's release. */
    while (!__atomic_load_n(&release_x, __ATOMIC_ACQUIRE) && timer_now() < end)
        cpu_relax();
}

static void note_ran(void *arg)
{
    (void)arg;
    __atomic_fetch_add(&ran, 1, __ATOMIC_RELAXED); /* a count the test reads after both calls return */
}

/* A: calls X and waits for it, interrupts on (preemptible in its wait). */
static void caller_a(void *arg)
{
    (void)arg;
    __atomic_store_n(&a_calling, 1, __ATOMIC_RELEASE); /* pairs with the conductor's acquire (wait_flag) */
    WRITE_ONCE(a_result, smp_call_function_single(READ_ONCE(going_cpu), note_ran, NULL, true));
}

/* B: on A's core at a higher priority, calls X with interrupts masked. */
static void caller_b(void *arg)
{
    (void)arg;
    struct msg_info info;
    char go;
    receive(NULL, NULL, &go, 1, RECEIVE_FOREVER, &info);
    __atomic_store_n(&b_calling, 1, __ATOMIC_RELEASE); /* pairs with the conductor's acquire (wait_flag) */
    uint64_t flags = irq_save();
    int r = smp_call_function_single(READ_ONCE(going_cpu), note_ran, NULL, true);
    irq_restore(flags);
    WRITE_ONCE(b_result, r);
}

static void take_going_core_down(void *arg)
{
    (void)arg;
    smp_cpu_down(READ_ONCE(going_cpu));
}

static bool wait_flag(uint32_t *flag, uint32_t ms)
{
    uint64_t end = ms_from_now(ms);
    /* Acquire: pairs with the release that set the flag. */
    while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE) && timer_now() < end)
        sleep_ms(1);
    return __atomic_load_n(flag, __ATOMIC_ACQUIRE);
}

struct outcome {
    bool held, spawned, a_called, b_called, down_done, a_done, b_done;
};
static struct outcome out;

/* The whole play, from core 0, which never goes down: the test's own
 * process may sit on the going core, where its timeouts would make that
 * core serve calls as it hands them on. */
static void conductor(void *arg)
{
    (void)arg;
    WRITE_ONCE(x_held, 0);
    WRITE_ONCE(release_x, 0);
    WRITE_ONCE(a_calling, 0);
    WRITE_ONCE(b_calling, 0);
    WRITE_ONCE(ran, 0);
    WRITE_ONCE(a_result, 1);
    WRITE_ONCE(b_result, 1);
    WRITE_ONCE(armed, 1);
    RACE_HOOK_SET(idle_reported_quiescent, hold_going_core);
    uint64_t down_ref, a_ref, b_ref;
    bool going = spawn_monitored(take_going_core_down, NULL, 0, PRIO_NORMAL, &down_ref);
    bool held = going && wait_flag(&x_held, HOLD_MS);
    pid_t b = held ? spawn_monitored(caller_b, NULL, CALLER_CPU, PRIO_HIGH, &b_ref) : 0;
    pid_t a = b ? spawn_monitored(caller_a, NULL, CALLER_CPU, PRIO_NORMAL, &a_ref) : 0;
    /* A in its wait (X serves nothing while held); then B after it on the
     * same core, masked, behind A's slot. */
    bool a_called = a && wait_flag(&a_calling, HOLD_MS);
    sleep_ms(SETTLE_MS);
    char go = 'g';
    if (a_called)
        send(b, &go, 1);
    bool b_called = a_called && wait_flag(&b_calling, HOLD_MS);
    sleep_ms(SETTLE_MS);
    __atomic_store_n(&release_x, 1, __ATOMIC_RELEASE); /* pairs with hold_going_core's acquire */
    bool down_done = going && wait_down(down_ref, NULL);
    bool b_done = b && wait_down(b_ref, NULL);
    bool a_done = a && wait_down(a_ref, NULL);
    RACE_HOOK_SET(idle_reported_quiescent, NULL);
    WRITE_ONCE(armed, 0);
    out = (struct outcome){held, going && a && b, a_called, b_called, down_done, a_done, b_done};
}

IMAGE_TEST(races, masked_cross_call_behind_a_moved_callers_slot)
{
    if (cpus_possible < 3)
        TEST_SKIP("needs three cores: the callers', the one going down, and the test's");
    if (!psci_available())
        TEST_SKIP("no PSCI: a spin-table core has no way back once off");
    going_cpu = cpus_possible - 1;
    uint64_t ref;
    out = (struct outcome){0};
    TEST_ASSERT(spawn_monitored(conductor, NULL, 0, PRIO_NORMAL, &ref), "spawn failed: %s", spawn_error());
    /* Its DOWN, with no timeout: one armed here, should we sit on the going
     * core, is a timer that core hands on, serving calls as it does. Every
     * wait of the conductor's is bounded. */
    receive(msg_is_down, &ref, NULL, 0, RECEIVE_FOREVER, NULL);
    bool back = cpu_is_online(going_cpu) || smp_cpu_up(going_cpu) == 0;
    TEST_ASSERT(out.held, "cpu%u never reached its idle loop asked to go down", going_cpu);
    TEST_ASSERT(out.spawned, "the conductor could not spawn a caller or the down");
    TEST_ASSERT(out.a_called && out.b_called, "the callers did not start (a %d, b %d)", out.a_called, out.b_called);
    TEST_ASSERT(out.down_done, "taking cpu%u down did not end", going_cpu);
    TEST_ASSERT(back, "cpu%u did not come back", going_cpu);
    TEST_ASSERT(out.b_done && out.a_done, "the callers did not end (a %d, b %d)", out.a_done, out.b_done);
    TEST_ASSERT(READ_ONCE(ran) == 0, "the held core ran %u call(s): nothing raced", READ_ONCE(ran));
    TEST_ASSERT(READ_ONCE(a_result) == -1 && READ_ONCE(b_result) == -1,
                "both calls fail, as to an offline core: a %d, b %d", READ_ONCE(a_result), READ_ONCE(b_result));
    return true;
}
