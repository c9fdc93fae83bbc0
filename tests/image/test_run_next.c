/*
 * The run-next slot (sched/core.c): a process woken by a send on its own
 * core runs there at the next switch, ahead of the queue, but only
 * RUN_NEXT_CAP times in a row while others wait; talkers stay together.
 */
#include <arch/cpu.h>
#include <arch/timer.h>
#include <sched/internal.h> /* the cores' counters */
#include <sched/sched.h>
#include <tests/image/harness.h>
#include <tests/image/proc_helpers.h>

#define WAIT_MS 5000

struct talk {
    pid_t peer;
    uint32_t trips;
};


static void answer(void *arg)
{
    struct talk *t = arg;
    uint64_t v;
    struct msg_info info;
    for (uint32_t i = 0; i < t->trips; i++) {
        if (receive(NULL, NULL, &v, sizeof v, WAIT_MS, &info) == RECEIVE_TIMEOUT)
            return;
        v = this_cpu_id(); /* where we ran */
        send(info.from, &v, sizeof v);
    }
}

/* --- capped: a third process on the core still gets its turns --- */
static uint32_t pong_stop, pings;

static void ping_until_stopped(void *arg)
{
    struct talk *t = arg;
    uint64_t v = 0;
    while (!__atomic_load_n(&pong_stop, __ATOMIC_ACQUIRE)) {
        send(t->peer, &v, sizeof v);
        if (receive(NULL, NULL, &v, sizeof v, WAIT_MS, NULL) == RECEIVE_TIMEOUT)
            return;
        __atomic_store_n(&pings, pings + 1, __ATOMIC_RELAXED); /* a count; we are its only writer */
    }
    uint64_t last = UINT64_MAX;
    send(t->peer, &last, sizeof last);
}

static void pong_until_told(void *arg)
{
    (void)arg;
    uint64_t v;
    struct msg_info info;
    while (receive(NULL, NULL, &v, sizeof v, WAIT_MS, &info) != RECEIVE_TIMEOUT && v != UINT64_MAX)
        send(info.from, &v, sizeof v);
}

/* Without the cap, the queue gets a turn only when one of the pair's
 * reduction budget ends: once in about 2000 round trips. With it, once in
 * RUN_NEXT_CAP + 1 picks. */
#define BYSTANDER_TURNS 50
#define MOST_TRIPS_FOR_ITS_TURNS 5000
static uint32_t bystander_turns, pings_during_bystander;
static void bystander(void *arg)
{
    (void)arg;
    uint32_t first = __atomic_load_n(&pings, __ATOMIC_RELAXED);
    for (int i = 0; i < BYSTANDER_TURNS; i++) {
        __atomic_fetch_add(&bystander_turns, 1, __ATOMIC_RELAXED); /* a count */
        yield();
    }
    pings_during_bystander = __atomic_load_n(&pings, __ATOMIC_RELAXED) - first;
}

IMAGE_TEST(sched, run_next_ping_pong_leaves_the_queue_its_turns)
{
    int cpu = cpus_online_count() > 1 ? 1 : 0;
    pong_stop = pings = 0;
    bystander_turns = 0;
    static struct talk t;
    uint64_t pref, qref, bref;
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.pin_cpu = cpu;
    o.monitor = true;
    t.peer = spawn_opt(pong_until_told, NULL, &o, &pref);
    spawn_opt(ping_until_stopped, &t, &o, &qref);
    sleep_ms(5); /* the two are at it */
    spawn_opt(bystander, NULL, &o, &bref);
    bool done = wait_down(bref, NULL);
    __atomic_store_n(&pong_stop, 1, __ATOMIC_RELEASE); /* ends the ping-pong */
    wait_down(qref, NULL);
    wait_down(pref, NULL);
    TEST_ASSERT(done, "a process queued beside a ping-pong pair on cpu%d got %u of its %u turns in %u ms", cpu,
                bystander_turns, BYSTANDER_TURNS, DOWN_WAIT_MS);
    TEST_ASSERT(pings_during_bystander < MOST_TRIPS_FOR_ITS_TURNS,
                "a process queued beside a ping-pong pair waited %u round trips for its %u turns",
                pings_during_bystander, BYSTANDER_TURNS);
    return true;
}

/* --- together: unpinned talkers run on one core --- */
#define TOGETHER_TRIPS 2000
#define TOGETHER_WARMUP 200
static uint32_t together_same, together_counted;

/* Unpinned, as its echo: the round trips where the echo answered from the
 * core we read its answer on are counted. */
static void talk_to_an_echo(void *arg)
{
    (void)arg;
    static struct talk e;
    e.trips = TOGETHER_TRIPS;
    pid_t echo = spawn(answer, &e);
    uint64_t v = 0;
    for (uint32_t i = 0; i < TOGETHER_TRIPS; i++) {
        send(echo, &v, sizeof v);
        if (receive(NULL, NULL, &v, sizeof v, WAIT_MS, NULL) == RECEIVE_TIMEOUT)
            return;
        if (i >= TOGETHER_WARMUP) {
            together_counted++;
            together_same += v == this_cpu_id();
        }
    }
}

IMAGE_TEST(sched, talking_processes_stay_together)
{
    if (cpus_online_count() < 2)
        TEST_SKIP("one core: nowhere else to go");
    if (sched_global_queue())
        TEST_SKIP("sched=global: one shared queue, no run-next slot");
    together_same = together_counted = 0;
    uint64_t ref;
    spawn_monitored(talk_to_an_echo, NULL, -1, PRIO_NORMAL, &ref);
    TEST_ASSERT(wait_down(ref, NULL), "the talker did not finish");
    uint32_t counted = together_counted, same = together_same; /* ordered by the DOWN */
    TEST_ASSERT(counted == TOGETHER_TRIPS - TOGETHER_WARMUP, "%u round trips made", counted);
    kprintf("sched: unpinned talkers on one core in %u of %u round trips\n", same, counted);
    TEST_ASSERT(same * 4 >= counted * 3, "unpinned talkers were on one core in only %u of %u round trips", same,
                counted);
    return true;
}

/* --- the remote-next slot: a wakeup of an idle core takes no queue lock --- */
#define CROSS_TRIPS 200

IMAGE_TEST(sched, wakeup_of_an_idle_core_skips_its_queue)
{
    if (cpus_online_count() < 2)
        TEST_SKIP("one core: no other core to wake");
    if (sched_global_queue())
        TEST_SKIP("sched=global: wakeups go to the shared queue");
    uint32_t here = this_cpu_id(), there = here == 0 ? 1 : 0;
    uint64_t before = 0;
    for (uint32_t cpu = 0; cpu < cpus_possible; cpu++)
        before += READ_ONCE(sched_cores[cpu].count.remote_next_wakeups);
    static struct talk t;
    t = (struct talk){self(), CROSS_TRIPS};
    uint64_t ref;
    pid_t peer = spawn_monitored(answer, &t, (int)there, PRIO_NORMAL, &ref);
    TEST_ASSERT(peer, "spawn failed");
    uint32_t answered = 0;
    for (uint32_t i = 0; i < CROSS_TRIPS; i++) {
        uint64_t v = i;
        send(peer, &v, sizeof v);
        if (receive(msg_is_user, NULL, &v, sizeof v, WAIT_MS, NULL) == RECEIVE_TIMEOUT)
            break;
        answered += v == there;
    }
    TEST_ASSERT(wait_down(ref, NULL), "the answerer did not end");
    uint64_t slot = 0;
    for (uint32_t cpu = 0; cpu < cpus_possible; cpu++)
        slot += READ_ONCE(sched_cores[cpu].count.remote_next_wakeups);
    slot -= before;
    kprintf("sched: %u round trips across cpu%u and cpu%u: %lu of %u wakeups through the remote-next slot\n",
            answered, here, there, (unsigned long)slot, 2 * CROSS_TRIPS);
    TEST_ASSERT(answered == CROSS_TRIPS, "%u of %u answers came from cpu%u", answered, CROSS_TRIPS, there);
    /* Each side sleeps in WFI when it waits: most wakeups find the other
     * core idle with nothing queued (a few, racing its way to WFI, do not). */
    TEST_ASSERT(slot >= CROSS_TRIPS / 2, "only %lu of %u wakeups took the remote-next slot", (unsigned long)slot,
                2 * CROSS_TRIPS);
    return true;
}

/* --- follow: an unpinned process woken from another core comes to its
 * waker when nothing waits in the waker's queue, and goes home when
 * something does --- */
#define FOLLOW_TRIES 3 /* pokes per step: one answer from the expected core is enough */
static pid_t follower, follow_test;
static uint32_t follow_spin_stop;

static void answer_with_my_core(void *arg)
{
    (void)arg;
    uint64_t v;
    struct msg_info info;
    while (receive(NULL, NULL, &v, sizeof v, WAIT_MS, &info) != RECEIVE_TIMEOUT && v != UINT64_MAX) {
        v = this_cpu_id();
        send(info.from, &v, sizeof v);
    }
}

/* Pinned to a core: wakes the follower from there, passes its answer on.
 * It stays busy a while after the send, so its core does not go idle and
 * steal the follower (the other way talkers come together): the follower
 * answers from here only if the wakeup itself brought it. */
static void poke_follower(void *arg)
{
    (void)arg;
    uint64_t v = 0;
    send(follower, &v, sizeof v);
    uint64_t until = ms_from_now(1);
    while (timer_now() < until)
        cpu_relax();
    if (receive(msg_is_user, NULL, &v, sizeof v, WAIT_MS, NULL) == RECEIVE_TIMEOUT)
        v = UINT64_MAX;
    send(follow_test, &v, sizeof v);
}

static uint64_t poke_from(uint32_t cpu)
{
    uint64_t ref, v = UINT64_MAX;
    if (!spawn_monitored(poke_follower, NULL, (int)cpu, PRIO_NORMAL, &ref))
        return UINT64_MAX;
    if (receive(msg_is_user, NULL, &v, sizeof v, WAIT_MS, NULL) == RECEIVE_TIMEOUT)
        v = UINT64_MAX;
    wait_down(ref, NULL);
    return v;
}

IMAGE_TEST(sched, woken_process_follows_its_waker_to_an_empty_queue)
{
    uint32_t cores = cpus_online_count();
    if (cores < 2)
        TEST_SKIP("one core: nowhere else to go");
    if (sched_global_queue())
        TEST_SKIP("sched=global: unpinned wakeups go to the shared queue");
    follow_test = self();
    follow_spin_stop = 0;
    uint64_t fref;
    follower = spawn_monitored(answer_with_my_core, NULL, -1, PRIO_NORMAL, &fref);
    TEST_ASSERT(follower, "spawn failed");
    /* Each step wakes it from the next core: every wakeup comes from a core
     * other than its home, whose queue is empty (the poker runs, nothing waits). */
    uint32_t steps = cores < 4 ? cores + 1 : 4, last = UINT32_MAX;
    for (uint32_t s = 0; s < steps; s++) {
        uint32_t cpu = s % cores;
        uint64_t got = UINT64_MAX;
        for (int t = 0; t < FOLLOW_TRIES && got != cpu; t++)
            got = poke_from(cpu);
        TEST_ASSERT(got == cpu, "woken from cpu%u (its home cpu%u, nothing queued there), it answered from cpu%lu",
                    cpu, last, (unsigned long)got);
        last = cpu;
    }
    /* Now from a core whose queue holds a yielding process: it is not pulled there. */
    uint32_t busy = (last + 1) % cores;
    uint64_t sref;
    TEST_ASSERT(spawn_monitored(yield_until_set, &follow_spin_stop, (int)busy, PRIO_NORMAL, &sref), "spawn failed");
    /* Not pulled to the busy core: it runs at home, or where an idle core stole it. */
    uint32_t elsewhere = 0;
    uint64_t got = UINT64_MAX;
    for (int t = 0; t < FOLLOW_TRIES; t++) {
        got = poke_from(busy);
        elsewhere += got != busy && got != UINT64_MAX;
    }
    __atomic_store_n(&follow_spin_stop, 1, __ATOMIC_RELEASE); /* release: nothing to publish; ends the spinner */
    wait_down(sref, NULL);
    uint64_t stop = UINT64_MAX;
    send(follower, &stop, sizeof stop);
    TEST_ASSERT(wait_down(fref, NULL), "the follower did not end");
    TEST_ASSERT(elsewhere == FOLLOW_TRIES,
                "woken from cpu%u with a process queued there (its home cpu%u), it answered from another core only "
                "%u of %u times (last from cpu%lu)",
                busy, last, elsewhere, FOLLOW_TRIES, (unsigned long)got);
    return true;
}
