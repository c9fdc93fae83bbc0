/*
 * What a core leaves behind as it goes offline (issue 12), each window held
 * open by a race hook so it happens every run:
 * - a grace period that started just before the core's offline mark, and
 *   that nobody waits for in synchronize_rcu (only call_rcu): the core must
 *   stop counting in it as it goes (rcu_cpu_offline), or it never ends;
 * - a process killed while it moves off the going core (in no queue), and
 *   another, moving at the same moment, that is being sent to: the first
 *   dies of the kill, the second gets every message, in order.
 */
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <arch/timer.h>
#include <boot/boot.h>
#include <psci/psci.h>
#include <sched/race_hooks.h>
#include <sync/rcu.h>
#include <tests/image/harness.h>
#include <tests/image/proc_helpers.h>

#define GRACE_MS 2000 /* a grace period ends within ms; stalled, never */
#define BUSY_MS 4000

static uint32_t going_cpu;

static bool going_core_usable(void)
{
    return cpus_possible >= 2 && psci_available();
}

/* --- RCU: a grace period started on the going core, just before it goes --- */

static struct rcu_head late_head;
static uint32_t late_queued, late_ran;

static void late_callback(struct rcu_head *head)
{
    (void)head;
    __atomic_store_n(&late_ran, 1, __ATOMIC_RELEASE); /* pairs with the test's acquire */
}

/* On the going core, its quiescent state reported, its offline mark next:
 * a grace period started here counts on it (it is still online). */
static void queue_rcu_while_leaving(pid_t cpu)
{
    if ((uint32_t)cpu != going_cpu || !smp_down_requested(going_cpu) || READ_ONCE(late_queued))
        return;
    WRITE_ONCE(late_queued, 1);
    call_rcu(&late_head, late_callback);
}

static bool wait_late_ran(uint32_t ms)
{
    uint64_t end = ms_from_now(ms);
    while (!__atomic_load_n(&late_ran, __ATOMIC_ACQUIRE) && timer_now() < end)
        sleep_ms(5);
    return __atomic_load_n(&late_ran, __ATOMIC_ACQUIRE); /* pairs with late_callback */
}

IMAGE_TEST(races, rcu_grace_period_ends_when_its_core_goes_offline)
{
    if (!going_core_usable())
        TEST_SKIP("needs a second core and PSCI to take it down and back");
    going_cpu = cpus_possible - 1;
    WRITE_ONCE(late_queued, 0);
    WRITE_ONCE(late_ran, 0);
    RACE_HOOK_SET(idle_reported_quiescent, queue_rcu_while_leaving);
    bool down = smp_cpu_down(going_cpu) == 0;
    RACE_HOOK_SET(idle_reported_quiescent, NULL);
    /* No synchronize_rcu anywhere now: only the going core's own report can end it. */
    bool ended_while_off = down && wait_late_ran(GRACE_MS);
    bool back = cpu_is_online(going_cpu) || smp_cpu_up(going_cpu) == 0;
    bool ended = wait_late_ran(GRACE_MS); /* once back it reports: the callback is not left queued */
    TEST_ASSERT(down, "cpu%u did not go down", going_cpu);
    TEST_ASSERT(back, "cpu%u did not come back", going_cpu);
    TEST_ASSERT(READ_ONCE(late_queued), "the hook never ran on cpu%u as it went down", going_cpu);
    TEST_ASSERT(ended_while_off,
                "a grace period started on cpu%u just before it went offline did not end in %u ms "
                "(%s after it came back)", going_cpu, GRACE_MS, ended ? "it ended" : "nor");
    return true;
}

/* --- Processes moving off the going core --- */

enum { KILLED, SENT_TO, MOVERS };
static pid_t movers[MOVERS];
static uint32_t killed_in_flight, sent_while_moving;

#define SEQ_COUNT 200
#define TAG_SEQ 0x5e9u
struct seq_msg {
    uint32_t tag, n;
};

static bool msg_is_seq(const void *data, uint32_t len, const struct msg_info *info, void *ctx)
{
    (void)info, (void)ctx;
    return len == sizeof(struct seq_msg) && ((const struct seq_msg *)data)->tag == TAG_SEQ;
}

/* On the going core, masked, with `pid` in no queue. */
static void act_on_mover(pid_t pid)
{
    if (pid == READ_ONCE(movers[KILLED]) && kill(pid))
        WRITE_ONCE(killed_in_flight, 1);
    if (pid == READ_ONCE(movers[SENT_TO]))
        WRITE_ONCE(sent_while_moving, 1);
}

/* Pinned to the going core; busy (so it sits in its queue when it goes),
 * taking in sequenced messages. Exits with the count received in order,
 * plus SEQ_COUNT + 1 if one came out of order. */
static void busy_mover(void *arg)
{
    (void)arg;
    uint64_t end = ms_from_now(BUSY_MS);
    uint32_t expect = 0, bad = 0;
    struct seq_msg m;
    while (expect < SEQ_COUNT && timer_now() < end) {
        while (receive(msg_is_seq, NULL, &m, sizeof m, 0, NULL) == (int)sizeof m) {
            if (m.n != expect)
                bad = 1;
            expect++;
        }
        reduce(100);
    }
    proc_exit(bad ? SEQ_COUNT + 1 : expect);
}

static void send_sequence(void *arg)
{
    pid_t to = (pid_t)(uintptr_t)arg;
    for (uint32_t n = 0; n < SEQ_COUNT; n++) {
        struct seq_msg m = {TAG_SEQ, n};
        if (send(to, &m, sizeof m) != 0)
            proc_exit(n + 1); /* the send failed: which one */
        if (n % 10 == 0)
            sleep_ms(1); /* spread across the going down */
    }
}

IMAGE_TEST(races, processes_moving_off_a_going_core_are_killed_and_sent_to)
{
    if (!going_core_usable())
        TEST_SKIP("needs a second core and PSCI to take it down and back");
    going_cpu = cpus_possible - 1;
    WRITE_ONCE(killed_in_flight, 0);
    WRITE_ONCE(sent_while_moving, 0);
    uint64_t ref[MOVERS], sender_ref;
    for (int i = 0; i < MOVERS; i++) {
        movers[i] = spawn_monitored(busy_mover, NULL, (int)going_cpu, PRIO_NORMAL, &ref[i]);
        TEST_ASSERT(movers[i], "spawn failed: %s", spawn_error());
    }
    sleep_ms(20); /* both run, taking turns, on the going core */
    RACE_HOOK_SET(moving_off_going_core, act_on_mover);
    pid_t sender = spawn_monitored(send_sequence, (void *)(uintptr_t)movers[SENT_TO], 0, PRIO_NORMAL, &sender_ref);
    TEST_ASSERT(sender, "spawn failed: %s", spawn_error());
    sleep_ms(2); /* it is sending as the core goes */
    bool down = smp_cpu_down(going_cpu) == 0;
    RACE_HOOK_SET(moving_off_going_core, NULL);
    struct exit_reason why_killed = {0}, why_sent = {0}, why_sender = {0};
    bool killed_down = wait_down(ref[KILLED], &why_killed);
    bool sent_down = wait_down(ref[SENT_TO], &why_sent);
    bool sender_down = wait_down(sender_ref, &why_sender);
    bool back = cpu_is_online(going_cpu) || smp_cpu_up(going_cpu) == 0;
    TEST_ASSERT(down, "cpu%u did not go down", going_cpu);
    TEST_ASSERT(back, "cpu%u did not come back", going_cpu);
    TEST_ASSERT(READ_ONCE(killed_in_flight) && READ_ONCE(sent_while_moving),
                "the hook did not see both movers in flight (killed %u, sent to %u)",
                READ_ONCE(killed_in_flight), READ_ONCE(sent_while_moving));
    TEST_ASSERT(killed_down && why_killed.kind == EXIT_KILLED,
                "killed as it moved, it ended with kind %d, value %lu (DOWN seen: %d)", (int)why_killed.kind,
                (unsigned long)why_killed.value, killed_down);
    TEST_ASSERT(sender_down && why_sender.kind == EXIT_NORMAL, "the sender: kind %d, value %lu (send n+1 failed)",
                (int)why_sender.kind, (unsigned long)why_sender.value);
    TEST_ASSERT(sent_down && why_sent.kind == EXIT_ERROR && why_sent.value == SEQ_COUNT,
                "sent to as it moved, it got %lu of %u in order (%lu: out of order; kind %d)",
                (unsigned long)why_sent.value, SEQ_COUNT, (unsigned long)SEQ_COUNT + 1, (int)why_sent.kind);
    return true;
}
