/* Wakeups, counted: a busy core that queues work wakes one idle core with
 * an IPI, and that core takes the work; a wakeup for a core that is awake
 * sends no IPI; one for a sleeping core sends exactly one. The counts are
 * the scheduler's own (ipi_wakeups, wakeups_no_ipi of the waking core) and
 * the GIC layer's (reschedule IPIs taken per core). While counting, the
 * test process spins instead of sleeping: its own timer would be a wakeup. */
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <arch/timer.h>
#include <gic/irq.h>
#include <sched/internal.h> /* the per-core counters, process states, idle bits */
#include <tests/image/harness.h>
#include <tests/image/proc_helpers.h>

#define WAIT_MS 5000
#define ROUNDS 10

static uint64_t deadline_in_ms(uint64_t ms) { return timer_now() + timer_ns_to_ticks(ms * 1000000ULL); }

static uint64_t reschedule_ipis_taken(uint32_t cpu)
{
    return READ_ONCE(irq_cpu_stats[cpu].ipis_received[IPI_RESCHEDULE]);
}

/* Every core's balancer wakeups (the periodic balance runs where a slice
 * event fires: on the busy core too). */
static uint64_t balance_ipis_sent(void)
{
    uint64_t n = 0;
    for (uint32_t cpu = 0; cpu < cpus_possible; cpu++)
        n += READ_ONCE(sched_cores[cpu].count.balance_ipis);
    return n;
}

static uint64_t reschedule_ipis_taken_except(uint32_t except)
{
    uint64_t n = 0;
    for (uint32_t cpu = 0; cpu < cpus_possible; cpu++)
        if (cpu != except)
            n += reschedule_ipis_taken(cpu);
    return n;
}

/* Quiet: every other online core sleeps, so every IPI sent to one before
 * has been taken. (Nothing else runs in these tests to send more.) */
static bool all_others_sleep(uint32_t me)
{
    for (uint32_t cpu = 0; cpu < cpus_possible; cpu++)
        if (cpu != me && cpu_is_online(cpu) && !sched_core_sleeping(cpu))
            return false;
    return true;
}

static bool another_core_sleeps(uint32_t me)
{
    for (uint32_t cpu = 0; cpu < cpus_possible; cpu++)
        if (cpu != me && cpu_is_online(cpu) && sched_core_sleeping(cpu))
            return true;
    return false;
}

/* --- a busy core wakes an idle one --- */
static uint32_t ran_on[ROUNDS]; /* 1 + the core each newcomer ran on */

static void note_core(void *arg)
{
    /* Release: pairs with the spawner's acquire. */
    __atomic_store_n((uint32_t *)arg, this_cpu_id() + 1, __ATOMIC_RELEASE);
}

struct spawner_report {
    uint64_t ipi_wakeups, wakeups_no_ipi, ipis_taken_elsewhere, balance_ipis;
    uint32_t bad_round; /* ROUNDS if none */
    uint32_t bad_core;  /* 1 + where it ran, 0: nowhere in time */
    uint32_t retried;   /* rounds made again: the sleeper had woken by itself */
};

#define RETRIES_MAX 3 /* per round */

/* High priority and never blocking: the newcomers it spawns (normal) can
 * run only if another core takes them. Every count it reads is its own
 * core's, moved only by what this process does. */
static void busy_spawner(void *arg)
{
    pid_t test = *(pid_t *)arg;
    uint32_t me = this_cpu_id();
    struct sched_counters *n = &sched_cores[me].count;
    uint64_t quiet = deadline_in_ms(WAIT_MS);
    while (!all_others_sleep(me) && timer_now() < quiet)
        cpu_relax();
    uint64_t wakeups = n->ipi_wakeups, no_ipi = n->wakeups_no_ipi, taken = reschedule_ipis_taken_except(me);
    uint64_t balanced = balance_ipis_sent();
    struct spawner_report r = {.bad_round = ROUNDS};
    for (uint32_t i = 0, tries = 0; i < ROUNDS; tries++) {
        uint64_t end = deadline_in_ms(WAIT_MS);
        while (!another_core_sleeps(me) && timer_now() < end)
            cpu_relax();
        uint64_t sent_before = n->ipi_wakeups, without_before = n->wakeups_no_ipi;
        __atomic_store_n(&ran_on[i], 0, __ATOMIC_RELAXED);
        spawn(note_core, &ran_on[i]);
        end = deadline_in_ms(WAIT_MS);
        /* Acquire: pairs with note_core's release. */
        while (!__atomic_load_n(&ran_on[i], __ATOMIC_ACQUIRE) && timer_now() < end)
            cpu_relax();
        uint32_t where = __atomic_load_n(&ran_on[i], __ATOMIC_ACQUIRE);
        if (!where || where == me + 1) {
            r.bad_round = i, r.bad_core = where;
            break;
        }
        /* The core seen asleep woke by itself (its timer) before the spawn
         * looked: the spawn rightly sent nothing, as that core looks at the
         * queue before it sleeps again. Not what this round measures: again. */
        if (n->ipi_wakeups == sent_before && n->wakeups_no_ipi != without_before && tries < RETRIES_MAX) {
            r.retried++;
            continue;
        }
        i++, tries = 0;
    }
    r.ipi_wakeups = n->ipi_wakeups - wakeups;
    r.wakeups_no_ipi = n->wakeups_no_ipi - no_ipi;
    r.ipis_taken_elsewhere = reschedule_ipis_taken_except(me) - taken;
    r.balance_ipis = balance_ipis_sent() - balanced;
    send(test, &r, sizeof r);
}

IMAGE_TEST(sched, busy_core_wakes_an_idle_one)
{
    if (cpus_online_count() < 2)
        TEST_SKIP("one core: no other to wake");
    static pid_t test;
    test = self();
    uint32_t busy = cpus_possible - 1;
    uint64_t ref;
    TEST_ASSERT(spawn_monitored(busy_spawner, &test, (int)busy, PRIO_HIGH, &ref), "spawn: %s", spawn_error());
    struct spawner_report r;
    TEST_ASSERT(receive(NULL, NULL, &r, sizeof r, WAIT_MS * (ROUNDS * (RETRIES_MAX + 1) + 1), NULL) == sizeof r,
                "no report");
    TEST_ASSERT(wait_down(ref, NULL), "the spawner did not end");
    TEST_ASSERT(r.bad_round == ROUNDS, "round %u: work queued on busy cpu%u %s", r.bad_round, busy,
                r.bad_core ? "ran there: no other core took it" : "never ran: no idle core was woken for it");
    TEST_ASSERT(r.ipi_wakeups == ROUNDS && r.wakeups_no_ipi == r.retried,
                "%u spawns on a busy core with idle ones about: %lu IPI wakeups, %lu without (expected %u, and %u "
                "in the rounds made again as the sleeper had woken by itself)",
                ROUNDS, (unsigned long)r.ipi_wakeups, (unsigned long)r.wakeups_no_ipi, ROUNDS, r.retried);
    /* Sent exactly ROUNDS (above), and what the balancer sent meanwhile;
     * taken at most that many and at least one. Not exactly: a reschedule SGI
     * still pending on a core whose vCPU the host has not run yet, when another
     * core already took the newcomer, merges with the next one sent there (the
     * GIC keeps one pending state per SGI). */
    TEST_ASSERT(r.ipis_taken_elsewhere >= 1 && r.ipis_taken_elsewhere <= ROUNDS + r.balance_ipis,
                "idle cores took %lu reschedule IPIs, expected 1 to %u (+%lu the balancer sent)",
                (unsigned long)r.ipis_taken_elsewhere, ROUNDS, (unsigned long)r.balance_ipis);
    return true;
}

/* --- no IPI for an awake core, exactly one for a sleeping one --- */
static uint32_t keep_busy_stop, keep_busy_running, keep_busy_laps;

static void keep_busy(void *arg)
{
    (void)arg;
    /* Relaxed: a flag the test polls; it orders nothing else. */
    __atomic_store_n(&keep_busy_running, 1, __ATOMIC_RELAXED);
    /* Acquire: pairs with the test's release. */
    while (!__atomic_load_n(&keep_busy_stop, __ATOMIC_ACQUIRE)) {
        __atomic_fetch_add(&keep_busy_laps, 1, __ATOMIC_RELAXED); /* progress the test polls */
        reduce(10);
    }
}

static void echo_forever(void *arg)
{
    (void)arg;
    uint32_t v;
    struct msg_info info;
    for (;;) {
        receive(NULL, NULL, &v, sizeof v, RECEIVE_FOREVER, &info);
        send(info.from, &v, sizeof v);
    }
}

struct wake_counts {
    uint64_t ipi_wakeups, wakeups_no_ipi; /* of the test's core: its sends' wakeups */
    uint64_t ipis_taken;                  /* by the echo's core */
};

static struct wake_counts wake_counts_now(uint32_t target)
{
    const struct sched_counters *n = &sched_cores[this_cpu_id()].count;
    return (struct wake_counts){n->ipi_wakeups, n->wakeups_no_ipi, reschedule_ipis_taken(target)};
}

/* Pings, each sent once the echo waits (so each one wakes it) and, if
 * `asleep`, once its core sleeps; false with the reason on a timeout.
 * Awake: ROUNDS pings. Asleep: until ROUNDS of them were IPI wakeups, at
 * most 2 * ROUNDS tries: the target can wake on its own (a timer event)
 * between the test seeing it asleep and the send, and then that wakeup
 * rightly needs no IPI; such a ping is counted as a retry, not a round. */
static bool ping_rounds(pid_t echo, uint32_t target, bool asleep, struct wake_counts *delta)
{
    struct proc *p = proc_lookup(echo);
    TEST_ASSERT(p, "the echo process is gone");
    struct wake_counts before = wake_counts_now(target);
    uint32_t done = 0;
    for (uint32_t i = 0; done < ROUNDS && i < 2 * ROUNDS; i++) {
        uint64_t end = deadline_in_ms(WAIT_MS);
        while ((__atomic_load_n(&p->state, __ATOMIC_RELAXED) != PROC_WAITING ||
                (asleep && !sched_core_sleeping(target))) &&
               timer_now() < end)
            cpu_relax();
        TEST_ASSERT(timer_now() < end, "ping %u: the echo never waited%s", i, asleep ? " on a sleeping core" : "");
        uint32_t v = i, back = ~0u;
        send(echo, &v, sizeof v);
        TEST_ASSERT(receive(NULL, NULL, &back, sizeof back, WAIT_MS, NULL) == sizeof back && back == i,
                    "ping %u: no echo", i);
        done = asleep ? (uint32_t)(wake_counts_now(target).ipi_wakeups - before.ipi_wakeups) : i + 1;
    }
    struct wake_counts after = wake_counts_now(target);
    *delta = (struct wake_counts){after.ipi_wakeups - before.ipi_wakeups, after.wakeups_no_ipi - before.wakeups_no_ipi,
                                  after.ipis_taken - before.ipis_taken};
    return true;
}

IMAGE_TEST(sched, ipi_only_to_a_sleeping_core)
{
    if (cpus_online_count() < 2)
        TEST_SKIP("one core: every wakeup is local");
    uint32_t target = cpus_possible - 1;
    uint64_t echo_ref, busy_ref;
    pid_t echo = spawn_monitored(echo_forever, NULL, (int)target, PRIO_NORMAL, &echo_ref);
    TEST_ASSERT(echo, "spawn: %s", spawn_error());
    __atomic_store_n(&keep_busy_stop, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&keep_busy_running, 0, __ATOMIC_RELAXED);
    TEST_ASSERT(spawn_monitored(keep_busy, NULL, (int)target, PRIO_NORMAL, &busy_ref), "spawn: %s", spawn_error());
    __atomic_store_n(&keep_busy_laps, 0, __ATOMIC_RELAXED);
    uint64_t end = deadline_in_ms(WAIT_MS);
    /* The spawns' IPIs were sent before spawn_opt returned, so they are
     * pending at the target by now; but the target may have picked the busy
     * process from its queue first (the push comes before the IPI) and be
     * running it when one lands. A thousand of its laps later, unmasked
     * between them, it has taken every one. */
    while (__atomic_load_n(&keep_busy_laps, __ATOMIC_RELAXED) < 1000 && timer_now() < end)
        cpu_relax();
    TEST_ASSERT(__atomic_load_n(&keep_busy_running, __ATOMIC_RELAXED), "the busy process never ran");
    struct wake_counts awake, asleep;
    bool ok = ping_rounds(echo, target, false, &awake);
    /* Release: pairs with keep_busy's acquire. */
    __atomic_store_n(&keep_busy_stop, 1, __ATOMIC_RELEASE);
    TEST_ASSERT(wait_down(busy_ref, NULL), "the busy process did not stop");
    ok = ok && ping_rounds(echo, target, true, &asleep);
    kill(echo);
    TEST_ASSERT(wait_down(echo_ref, NULL), "the echo did not die");
    if (!ok)
        return false;
    TEST_ASSERT(awake.ipi_wakeups == 0 && awake.ipis_taken == 0,
                "%u wakeups for an awake cpu%u: %lu IPI wakeups counted, %lu IPIs taken there (expected none)", ROUNDS,
                target, (unsigned long)awake.ipi_wakeups, (unsigned long)awake.ipis_taken);
    TEST_ASSERT(awake.wakeups_no_ipi == ROUNDS, "%u wakeups for an awake core, %lu counted as without an IPI", ROUNDS,
                (unsigned long)awake.wakeups_no_ipi);
    /* Every ping to a sleeping core must wake it with exactly one IPI; a few
     * may find it woken by itself first (no IPI, retried), not most. */
    TEST_ASSERT(asleep.ipi_wakeups == ROUNDS && asleep.wakeups_no_ipi < ROUNDS,
                "wakeups for a sleeping cpu%u: %lu with an IPI, %lu without (expected %u with, under %u without)",
                target, (unsigned long)asleep.ipi_wakeups, (unsigned long)asleep.wakeups_no_ipi, ROUNDS, ROUNDS);
    TEST_ASSERT(asleep.ipis_taken == asleep.ipi_wakeups, "a sleeping cpu%u took %lu reschedule IPIs for %lu IPI wakeups",
                target, (unsigned long)asleep.ipis_taken, (unsigned long)asleep.ipi_wakeups);
    return true;
}
