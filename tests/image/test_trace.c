/* The flight recorder: a ring of processes, one per core, passes a token
 * RING_ROUNDS times around; the recorder must hold exactly the sends and
 * receives the ring made, with runs on more than one core. The dump then
 * goes out by semihosting (when the run has it) and framed on the console;
 * tests/qemu/matrix-trace.sh checks that both give the same file and that
 * tools/trace2json.py makes a sound timeline of it. */
#include <arch/cpu.h>
#include <arch/semihost.h>
#include <lib/print.h>
#include <sched/flight.h>
#include <sched/sched.h>
#include <tests/image/harness.h>
#include <tests/image/proc_helpers.h>

#define RING_ROUNDS 100
#define TRACE_RAW "build/trace/test-trace.raw"

static pid_t ring_next[MAX_CPUS];

static void ring_member(void *arg)
{
    uint32_t i = (uint32_t)(uintptr_t)arg;
    pid_t next;
    receive(NULL, NULL, &next, sizeof next, RECEIVE_FOREVER, NULL); /* the set-up message: who is next */
    uint32_t token = 0;
    for (uint32_t r = 0; r < RING_ROUNDS; r++) {
        if (i == 0) {
            send(next, &token, sizeof token);
            receive(NULL, NULL, &token, sizeof token, RECEIVE_FOREVER, NULL);
        } else {
            receive(NULL, NULL, &token, sizeof token, RECEIVE_FOREVER, NULL);
            token++;
            send(next, &token, sizeof token);
        }
    }
}

IMAGE_TEST(trace, records_a_ring)
{
    uint32_t n = cpus_online_count();
    if (n < 2)
        TEST_SKIP("one core: nothing to see across cores");
    flight_stop();
    flight_clear();
    TEST_ASSERT(flight_start(FLIGHT_WRAP), "the recorder could not start");
    pid_t member[MAX_CPUS];
    uint64_t ref[MAX_CPUS];
    for (uint32_t i = 0; i < n; i++)
        member[i] = spawn_monitored(ring_member, (void *)(uintptr_t)i, (int)i, PRIO_NORMAL, &ref[i]);
    for (uint32_t i = 0; i < n; i++) {
        ring_next[i] = member[(i + 1) % n];
        send(member[i], &ring_next[i], sizeof ring_next[i]);
    }
    for (uint32_t i = 0; i < n; i++)
        TEST_ASSERT(wait_down(ref[i], NULL), "ring member %u did not end", i);
    flight_stop();
    uint64_t sends = 0, receives = 0;
    for (uint32_t i = 0; i < n; i++) {
        sends += flight_count(FL_SEND, member[i]);
        receives += flight_count(FL_RECV, member[i]);
    }
    uint32_t cores_with_runs = 0;
    for (uint32_t cpu = 0; cpu < cpus_possible; cpu++)
        cores_with_runs += flight_recorded(cpu) > 0;
    kprintf("trace: ring of %u, %lu sends, %lu receives recorded\n", n, (unsigned long)sends,
            (unsigned long)receives);
    /* A token a round each, and at its exit the DOWN to our monitor. */
    TEST_ASSERT(sends == (uint64_t)n * (RING_ROUNDS + 1), "%lu sends recorded, the ring made %u",
                (unsigned long)sends, n * (RING_ROUNDS + 1));
    /* Each member takes its set-up message, then one token a round. */
    TEST_ASSERT(receives == (uint64_t)n * (RING_ROUNDS + 1), "%lu receives recorded, the ring made %u",
                (unsigned long)receives, n * (RING_ROUNDS + 1));
    TEST_ASSERT(cores_with_runs >= 2, "records on %u core(s) only", cores_with_runs);
    if (semihost_available())
        TEST_ASSERT(flight_dump_semihost(TRACE_RAW), "the semihosting dump to %s failed", TRACE_RAW);
    flight_dump_console();
    return true;
}

/* Stop-when-full and wrap: a process pinned to one core sends itself
 * SELF_SENDS messages (a send and a receive record each, more than a ring
 * holds). Full, the ring keeps its first FLIGHT_LEN records and counts the
 * rest as dropped; wrapping, it takes every one and drops none. */
#define SELF_SENDS (FLIGHT_LEN * 3 / 4)

static bool fill_one_core(enum flight_mode mode, uint32_t cpu, pid_t *who)
{
    flight_stop();
    flight_clear();
    if (!flight_start(mode))
        return false;
    uint64_t ref;
    *who = spawn_monitored(send_self_n, (void *)(uintptr_t)SELF_SENDS, (int)cpu, PRIO_NORMAL, &ref);
    bool ended = *who && wait_down(ref, NULL);
    flight_stop();
    return ended;
}

IMAGE_TEST(trace, stop_when_full_keeps_the_first)
{
    uint32_t cpu = cpus_online_count() - 1;
    pid_t who;
    TEST_ASSERT(fill_one_core(FLIGHT_STOP_WHEN_FULL, cpu, &who), "the self-sender did not run to its end");
    uint64_t mine = flight_count(FL_SEND, who) + flight_count(FL_RECV, who);
    TEST_ASSERT(flight_recorded(cpu) == FLIGHT_LEN, "cpu%u took %lu records, holds %u", cpu,
                (unsigned long)flight_recorded(cpu), FLIGHT_LEN);
    TEST_ASSERT(flight_dropped(cpu) >= 2 * SELF_SENDS - FLIGHT_LEN, "only %lu records dropped",
                (unsigned long)flight_dropped(cpu));
    TEST_ASSERT(mine < 2 * SELF_SENDS && mine > FLIGHT_LEN / 2, "%lu of the sender's records kept",
                (unsigned long)mine);
    return true;
}

IMAGE_TEST(trace, wrap_takes_every_record)
{
    uint32_t cpu = cpus_online_count() - 1;
    pid_t who;
    TEST_ASSERT(fill_one_core(FLIGHT_WRAP, cpu, &who), "the self-sender did not run to its end");
    TEST_ASSERT(flight_recorded(cpu) >= 2 * SELF_SENDS, "cpu%u took %lu records, the sender made %u", cpu,
                (unsigned long)flight_recorded(cpu), 2 * SELF_SENDS);
    TEST_ASSERT(flight_dropped(cpu) == 0, "%lu records dropped while wrapping",
                (unsigned long)flight_dropped(cpu));
    /* The ring holds the newest FLIGHT_LEN: the sender's last ones, all of them. */
    uint64_t mine = flight_count(FL_SEND, who) + flight_count(FL_RECV, who);
    TEST_ASSERT(mine > FLIGHT_LEN / 2 && mine <= FLIGHT_LEN, "%lu of the sender's records kept",
                (unsigned long)mine);
    return true;
}
