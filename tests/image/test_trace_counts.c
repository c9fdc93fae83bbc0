/* The recorder against the scheduler's own counters: over a token ring on
 * every core, the switches, sends, steals, preemptions, spawns and exits it
 * recorded are exactly what the per-core counters counted in the same time.
 * The cores are left to go idle (SETTLE_MS) before each snapshot, so no
 * event falls between a counter snapshot and recording's start or stop. */
#include <arch/cpu.h>
#include <sched/flight.h>
#include <sched/internal.h> /* the per-core counters */
#include <tests/image/harness.h>
#include <tests/image/proc_helpers.h>

#define COUNT_ROUNDS 50
#define SETTLE_MS 20

/* The cores are idle around both snapshots (SETTLE_MS): sched_totals' relaxed reads see every count. */
static struct sched_totals counters_now(void)
{
    struct sched_totals t;
    sched_totals(&t);
    return t;
}

static void count_member(void *arg)
{
    (void)arg;
    pid_t next;
    receive(NULL, NULL, &next, sizeof next, RECEIVE_FOREVER, NULL);
    for (uint32_t r = 0; r < COUNT_ROUNDS; r++) {
        uint32_t token;
        receive(NULL, NULL, &token, sizeof token, RECEIVE_FOREVER, NULL);
        send(next, &token, sizeof token);
    }
}

IMAGE_TEST(trace, counts_match_counters)
{
    uint32_t n = cpus_online_count();
    flight_stop();
    flight_clear();
    sleep_ms(SETTLE_MS);
    struct sched_totals before = counters_now();
    TEST_ASSERT(flight_start(FLIGHT_STOP_WHEN_FULL), "the recorder could not start");
    pid_t member[MAX_CPUS] = {0};
    uint64_t ref[MAX_CPUS] = {0};
    for (uint32_t i = 0; i < n; i++)
        member[i] = spawn_monitored(count_member, NULL, -1, PRIO_NORMAL, &ref[i]);
    for (uint32_t i = 0; i < n; i++) {
        pid_t next = member[(i + 1) % n];
        send(member[i], &next, sizeof next);
    }
    uint32_t token = 0;
    send(member[0], &token, sizeof token);
    for (uint32_t i = 0; i < n; i++)
        TEST_ASSERT(wait_down(ref[i], NULL), "member %u did not end", i);
    sleep_ms(SETTLE_MS);
    flight_stop();
    struct sched_totals after = counters_now();
    uint64_t dropped = flight_dropped_all();
    TEST_ASSERT(dropped == 0, "%lu records dropped: the ring was too small for the check",
                (unsigned long)dropped);
    struct {
        const char *what;
        uint64_t counted, recorded;
    } rows[] = {
        {"switches", after.switches - before.switches, flight_count(FL_RUN, 0)},
        {"sends", after.sends - before.sends, flight_count(FL_SEND, 0)},
        {"steals", after.steals - before.steals, flight_count(FL_STEAL, 0)},
        {"preemptions", after.preemptions - before.preemptions, flight_count(FL_PREEMPT, 0)},
        {"spawns", after.spawns - before.spawns, flight_count(FL_SPAWN, 0)},
        {"exits", after.exits - before.exits, flight_count(FL_EXIT, 0)},
    };
    for (unsigned i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        kprintf("trace: %s counted %lu, recorded %lu\n", rows[i].what, (unsigned long)rows[i].counted,
                (unsigned long)rows[i].recorded);
        TEST_ASSERT(rows[i].counted == rows[i].recorded, "%s: the counters say %lu, the recorder %lu",
                    rows[i].what, (unsigned long)rows[i].counted, (unsigned long)rows[i].recorded);
    }
    TEST_ASSERT(after.sends - before.sends >= (uint64_t)n * COUNT_ROUNDS, "the ring sent only %lu messages",
                (unsigned long)(after.sends - before.sends));
    return true;
}
