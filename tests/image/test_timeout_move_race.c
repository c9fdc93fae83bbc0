/*
 * A receive timeout cancelled from another core while its core goes down
 * and comes back (issue 11). The canceller reads the owner as cpu X; X
 * hands its timers to the next core and goes down, comes back up, and only
 * then serves the canceller's removal. X used to remove the event as if it
 * were still its own, though it sat on the other core's queue: the timer
 * driver stopped on it ("queued on cpu0, removed on cpu1"). The 8-core soak
 * hit it about one run in six (there the call was pending on X before it went
 * down, served in its wait for the hand-over). Two hooks make it happen
 * every run: the going core waits before it takes its timers until the
 * canceller has read it as the owner, and the canceller waits before it
 * asks until the core is back.
 *
 * And a cancel that removed the event on its core X, then ended before it
 * said so (killed or exiting at an interrupt's exit, moved meanwhile), X
 * gone offline since: the exit's cancel read X as the owner, X could no
 * longer answer, and the process spun there with interrupts masked (the
 * lockup detector stopped the 4-core sched=global soak about one run in
 * two). The removal now says so itself; a hook makes the window every run.
 */
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <arch/timer.h>
#include <boot/boot.h>
#include <psci/psci.h>
#include <sched/race_hooks.h>
#include <tests/image/harness.h>
#include <tests/image/proc_helpers.h>

#define WAIT_TIMEOUT_MS 20000 /* the timeout being moved: never reached in the test */
#define HOLD_MS 10000         /* each side's wait for the other (a starved vCPU is slow) */
#define ANSWER_MS 20000

static pid_t watched_pid;
static uint32_t down_cpu, owner_read, core_back, down_result, up_result;

/* The going core, masked, before it takes its timers: until the canceller
 * has read it as the owner. */
static void hold_the_timers(pid_t cpu)
{
    if ((uint32_t)cpu != READ_ONCE(down_cpu) || !READ_ONCE(watched_pid))
        return;
    uint64_t end = ms_from_now(HOLD_MS);
    /* Acquire: pairs with the canceller's release (it has read the owner). */
    while (!__atomic_load_n(&owner_read, __ATOMIC_ACQUIRE) && timer_now() < end)
        cpu_relax();
}

/* The canceller, having read the owner, before it asks it: until the core
 * has gone down, handed the timeout on, and come back up. */
static void hold_the_canceller(pid_t pid)
{
    if (pid != READ_ONCE(watched_pid))
        return;
    __atomic_store_n(&owner_read, 1, __ATOMIC_RELEASE); /* pairs with hold_the_timers' acquire */
    uint64_t end = ms_from_now(HOLD_MS);
    /* Acquire: pairs with cycle_the_core's release (the core is back). */
    while (!__atomic_load_n(&core_back, __ATOMIC_ACQUIRE) && timer_now() < end)
        cpu_relax();
}

struct report {
    int got;         /* the first receive's length, or RECEIVE_TIMEOUT */
    uint16_t kind;   /* what it took: MSG_CPU_DOWN */
    int rearmed_got; /* a second receive with a short timeout: RECEIVE_TIMEOUT */
};

/* Pinned to the core that goes down; waits with a timeout armed there. Woken
 * (and unpinned) by the core's going down, it takes MSG_CPU_DOWN and so
 * cancels the timeout from elsewhere. */
static void waiter(void *arg)
{
    pid_t test = (pid_t)(uintptr_t)arg;
    struct report r = {0};
    struct msg_info info = {0};
    char buf[8];
    r.got = receive(NULL, NULL, buf, sizeof buf, WAIT_TIMEOUT_MS, &info);
    r.kind = info.kind;
    /* Armed again where it runs now: had the old event stayed queued on
     * another core, the timer driver would stop on this add. */
    r.rearmed_got = receive(msg_is_user, NULL, buf, sizeof buf, 50, NULL);
    send(test, &r, sizeof r);
}

static void cycle_the_core(void *arg)
{
    (void)arg;
    WRITE_ONCE(down_result, smp_cpu_down(down_cpu) == 0 ? 1 : 2);
    WRITE_ONCE(up_result, smp_cpu_up(down_cpu) == 0 ? 1 : 2);
    __atomic_store_n(&core_back, 1, __ATOMIC_RELEASE); /* pairs with hold_the_canceller's acquire */
}

IMAGE_TEST(races, timeout_cancel_after_its_core_came_back)
{
    if (cpus_possible < 2)
        TEST_SKIP("needs two cores: one to go down and come back, one to cancel from");
    if (!psci_available())
        TEST_SKIP("no PSCI: a spin-table core has no way back once off");
    down_cpu = cpus_possible - 1;
    WRITE_ONCE(owner_read, 0);
    WRITE_ONCE(core_back, 0);
    WRITE_ONCE(down_result, 0);
    WRITE_ONCE(up_result, 0);
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.pin_cpu = (int)down_cpu;
    pid_t w = spawn_opt(waiter, (void *)(uintptr_t)self(), &o, NULL);
    TEST_ASSERT(w, "spawn failed: %s", spawn_error());
    sleep_ms(20); /* it waits in receive, its timeout on its core */
    WRITE_ONCE(watched_pid, w);
    RACE_HOOK_SET(timers_handing_on, hold_the_timers);
    RACE_HOOK_SET(timeout_cancel_asking, hold_the_canceller);
    uint64_t cycle_ref;
    TEST_ASSERT(spawn_monitored(cycle_the_core, NULL, 0, PRIO_NORMAL, &cycle_ref), "spawn failed");
    struct report r = {0};
    bool answered = receive(msg_is_user, NULL, &r, sizeof r, ANSWER_MS, NULL) == (int)sizeof r;
    wait_down(cycle_ref, NULL);
    RACE_HOOK_SET(timers_handing_on, NULL);
    RACE_HOOK_SET(timeout_cancel_asking, NULL);
    WRITE_ONCE(watched_pid, 0);
    bool back = cpu_is_online(down_cpu) || smp_cpu_up(down_cpu) == 0;
    TEST_ASSERT(back, "cpu%u did not come back", down_cpu);
    TEST_ASSERT(READ_ONCE(down_result) == 1 && READ_ONCE(up_result) == 1, "cpu%u down: %u, up: %u (1: done)",
                down_cpu, READ_ONCE(down_result), READ_ONCE(up_result));
    /* (The hook runs only for a canceller on another core than the owner it read.) */
    TEST_ASSERT(READ_ONCE(owner_read), "the canceller never read cpu%u as its timeout's owner", down_cpu);
    TEST_ASSERT(answered, "the waiter did not answer");
    TEST_ASSERT(r.got >= 0 && r.kind == MSG_CPU_DOWN, "the waiter took %d (kind %u), not MSG_CPU_DOWN", r.got,
                r.kind);
    TEST_ASSERT(r.rearmed_got == RECEIVE_TIMEOUT, "its next receive, 50 ms, returned %d", r.rearmed_got);
    return true;
}

#define CANCEL_EXIT_CODE 77 /* the exit from inside the cancel */

static uint32_t removed_seen, core_gone;

/* The canceller, its timeout just removed on its core (that core, down_cpu,
 * named it): wait there until that core has gone down and the process has
 * been moved off it, then exit from inside the cancel, as a kill acted on
 * at that point would. */
static void exit_once_its_core_is_gone(pid_t pid)
{
    if (pid != READ_ONCE(watched_pid))
        return;
    WRITE_ONCE(watched_pid, 0); /* once: the exit cancels again */
    __atomic_store_n(&removed_seen, 1, __ATOMIC_RELEASE); /* pairs with the test's acquire */
    uint64_t end = ms_from_now(HOLD_MS);
    /* Acquire: pairs with the test's release (the core is offline). */
    while (!__atomic_load_n(&core_gone, __ATOMIC_ACQUIRE) && timer_now() < end)
        cpu_relax();
    proc_exit(CANCEL_EXIT_CODE);
}

/* Pinned to the core that goes down: a receive with a timeout armed there,
 * ended by a message, so it cancels the timeout on that core. */
static void cancelling_receiver(void *arg)
{
    (void)arg;
    char buf[8];
    receive(NULL, NULL, buf, sizeof buf, WAIT_TIMEOUT_MS, NULL);
    proc_exit(1); /* not reached while the hook is set */
}

static void take_the_core_down(void *arg)
{
    (void)arg;
    WRITE_ONCE(down_result, smp_cpu_down(down_cpu) == 0 ? 1 : 2);
    __atomic_store_n(&core_gone, 1, __ATOMIC_RELEASE); /* pairs with the hook's acquire */
}

IMAGE_TEST(races, exit_after_a_cancel_whose_core_went_down)
{
    if (cpus_possible < 2)
        TEST_SKIP("needs two cores: one to go down, one to move the canceller to");
    if (!psci_available())
        TEST_SKIP("no PSCI: a spin-table core has no way back once off");
    down_cpu = cpus_possible - 1;
    WRITE_ONCE(removed_seen, 0);
    WRITE_ONCE(core_gone, 0);
    WRITE_ONCE(down_result, 0);
    WRITE_ONCE(watched_pid, 0);
    RACE_HOOK_SET(timeout_cancel_removed, exit_once_its_core_is_gone);
    uint64_t ref;
    pid_t r = spawn_monitored(cancelling_receiver, NULL, (int)down_cpu, PRIO_NORMAL, &ref);
    TEST_ASSERT(r, "spawn failed: %s", spawn_error());
    sleep_ms(20); /* it waits in receive, its timeout on its core */
    WRITE_ONCE(watched_pid, r);
    char wake = 'w';
    send(r, &wake, 1);
    uint64_t end = ms_from_now(HOLD_MS);
    /* Acquire: pairs with the hook's release. */
    while (!__atomic_load_n(&removed_seen, __ATOMIC_ACQUIRE) && timer_now() < end)
        sleep_ms(1);
    bool removed = __atomic_load_n(&removed_seen, __ATOMIC_ACQUIRE);
    /* From core 0, which never goes down: the canceller spins on down_cpu. */
    uint64_t down_ref;
    TEST_ASSERT(spawn_monitored(take_the_core_down, NULL, 0, PRIO_NORMAL, &down_ref), "spawn failed");
    struct msg_info info = {0}; /* its DOWN: the hook waits up to HOLD_MS, the core's going down too */
    bool down = receive(msg_is_down, &ref, NULL, 0, 2 * HOLD_MS, &info) != RECEIVE_TIMEOUT;
    struct exit_reason why = info.reason;
    wait_down(down_ref, NULL);
    RACE_HOOK_SET(timeout_cancel_removed, NULL);
    WRITE_ONCE(watched_pid, 0);
    bool back = cpu_is_online(down_cpu) || smp_cpu_up(down_cpu) == 0;
    TEST_ASSERT(removed, "the receive never cancelled its timeout on cpu%u", down_cpu);
    TEST_ASSERT(READ_ONCE(down_result) == 1, "cpu%u did not go down (%u)", down_cpu, READ_ONCE(down_result));
    TEST_ASSERT(back, "cpu%u did not come back", down_cpu);
    TEST_ASSERT(down, "the canceller's exit did not end within %u ms", 2 * HOLD_MS);
    TEST_ASSERT(why.kind == EXIT_ERROR && why.value == CANCEL_EXIT_CODE, "it ended as %s (%lu), not error %u",
                exit_kind_name(why.kind), (unsigned long)why.value, CANCEL_EXIT_CODE);
    return true;
}
