/*
 * A wakeup racing with `cpu off` (issue 12): the waker reads the pinned
 * process's core as online, the core then goes down and drains its queue,
 * and only then is the process queued there. Before the queue was closed
 * under its lock (sched/hotplug.c, enqueue in sched/core.c), it waited on a
 * dead core's queue until that core came back: for good if it never did.
 * The race hook holds the waker between its look and its lock until the
 * core has gone, so the interleaving happens every run.
 */
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <arch/timer.h>
#include <boot/boot.h>
#include <psci/psci.h>
#include <sched/internal.h> /* the closed queue the hook waits for */
#include <sched/race_hooks.h>
#include <tests/image/harness.h>
#include <tests/image/proc_helpers.h>

#define ANSWER_MS 3000 /* a queued process runs within ms; stranded, never */
#define DOWN_MS 5000

static pid_t held_pid;
static uint32_t down_cpu, waker_held, down_result;

/* The waker, interrupts masked, between its online look and the queue lock. */
static void hold_until_the_core_is_gone(pid_t pid)
{
    if (pid != READ_ONCE(held_pid))
        return;
    __atomic_store_n(&waker_held, 1, __ATOMIC_RELEASE); /* pairs with take_the_core_down's acquire */
    uint64_t end = ms_from_now(DOWN_MS);
    /* Racy reads, a test's wait: the core is offline and has drained its queue. */
    while ((cpu_is_online(down_cpu) || !READ_ONCE(sched_cores[down_cpu].rq.closed)) && timer_now() < end)
        cpu_relax();
}

struct answer {
    uint32_t cpu;  /* where it ran when it answered */
    uint32_t told; /* 1: it got MSG_CPU_DOWN */
};

static void pinned_answerer(void *arg)
{
    pid_t test = (pid_t)(uintptr_t)arg;
    uint32_t v;
    receive(msg_is_user, NULL, &v, sizeof v, RECEIVE_FOREVER, NULL);
    struct answer a = {this_cpu_id(), receive(msg_is_cpu_down, NULL, NULL, 0, 0, NULL) != RECEIVE_TIMEOUT};
    send(test, &a, sizeof a);
}

static void take_the_core_down(void *arg)
{
    (void)arg;
    uint64_t end = ms_from_now(DOWN_MS);
    /* Acquire: pairs with the hook's release (the waker is in its window). */
    while (!__atomic_load_n(&waker_held, __ATOMIC_ACQUIRE))
        if (timer_now() >= end)
            return;
    WRITE_ONCE(down_result, smp_cpu_down(down_cpu) == 0 ? 1 : 2);
}

static void wake_it(void *arg)
{
    uint32_t v = 1;
    send((pid_t)(uintptr_t)arg, &v, sizeof v);
}

IMAGE_TEST(races, wakeup_racing_cpu_off_is_not_stranded)
{
    if (cpus_possible < 3)
        TEST_SKIP("needs three cores: the waker's, the one going down, and one to take it down");
    if (!psci_available())
        TEST_SKIP("no PSCI: a spin-table core has no way back once off");
    down_cpu = cpus_possible - 1;
    WRITE_ONCE(waker_held, 0);
    WRITE_ONCE(down_result, 0);
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.pin_cpu = (int)down_cpu;
    pid_t answerer = spawn_opt(pinned_answerer, (void *)(uintptr_t)self(), &o, NULL);
    TEST_ASSERT(answerer, "spawn failed: %s", spawn_error());
    sleep_ms(20); /* it waits in receive on its core */
    WRITE_ONCE(held_pid, answerer);
    RACE_HOOK_SET(enqueue_target_online, hold_until_the_core_is_gone);
    uint64_t down_ref, wake_ref;
    /* The waker on cpu1, masked in the hook; the one taking the core down on
     * cpu0, where the going core sends its timers (the next online after the
     * last) by a cross-call that a masked cpu0 would hold up. */
    TEST_ASSERT(spawn_monitored(take_the_core_down, NULL, 0, PRIO_NORMAL, &down_ref), "spawn failed");
    TEST_ASSERT(spawn_monitored(wake_it, (void *)(uintptr_t)answerer, 1, PRIO_NORMAL, &wake_ref), "spawn failed");
    struct answer a = {0, 0};
    bool answered = receive(msg_is_user, NULL, &a, sizeof a, ANSWER_MS, NULL) == (int)sizeof a; /* not the DOWNs */
    wait_down(wake_ref, NULL);
    wait_down(down_ref, NULL);
    RACE_HOOK_SET(enqueue_target_online, NULL);
    WRITE_ONCE(held_pid, 0);
    uint32_t went_down = READ_ONCE(down_result);
    bool back = cpu_is_online(down_cpu) || smp_cpu_up(down_cpu) == 0;
    if (!answered) /* stranded: it runs now that its core is back; take its answer */
        receive(msg_is_user, NULL, &a, sizeof a, ANSWER_MS, NULL);
    TEST_ASSERT(back, "cpu%u did not come back", down_cpu);
    TEST_ASSERT(went_down == 1, "cpu%u did not go down while the waker was held (%u)", down_cpu, went_down);
    TEST_ASSERT(answered, "woken as cpu%u went down, the pinned process was queued there and stranded", down_cpu);
    TEST_ASSERT(a.cpu != down_cpu && a.told, "it answered from cpu%u, told of the core's end: %u", a.cpu, a.told);
    return true;
}
