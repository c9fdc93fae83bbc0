/* `cpu off` on a core with pinned processes: each one, whether running,
 * sleeping or waiting for a message, is unpinned, moved to a core that is
 * online, told by MSG_CPU_DOWN (ref = the core that went), and runs on. */
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <arch/timer.h>
#include <boot/boot.h>
#include <psci/psci.h>
#include <sched/internal.h> /* proc_lookup: is it still pinned? */
#include <tests/image/harness.h>
#include <tests/image/proc_helpers.h>

#define WAIT_MS 5000

/* The busy one is high priority and starts last: it holds the core, so the
 * brief sleeper's timer fires and leaves it queued, not yet run, when the
 * core goes (its receive must still finish elsewhere). The long sleeper's
 * timer is still queued then, and must move with it. */
enum pinned_way { SLEEPING_BRIEFLY, SLEEPING_LONG, WAITING, BUSY, PINNED_WAYS };
static const char *const way_names[] = {"briefly sleeping", "long sleeping", "waiting", "busy"};
static const uint32_t sleep_for_ms[] = {3, 200, 0, 0};

/* What a pinned process sends the test: when it is told, and when it stops. */
struct pinned_report {
    uint32_t way;
    uint32_t cpu_now; /* where it runs as it reports */
    struct msg_info told;
};

struct pinned_arg {
    pid_t test;
    uint32_t way;
    uint32_t started_on; /* 1 + the core it first ran on */
};
static struct pinned_arg pinned_args[PINNED_WAYS];

static void report(const struct pinned_arg *a, const struct msg_info *told)
{
    struct pinned_report r = {.way = a->way, .cpu_now = this_cpu_id()};
    if (told)
        r.told = *told;
    send(a->test, &r, sizeof r);
}

/* Until told its core went: busy (reductions), sleeping (a timer), or
 * waiting in receive (nothing runs it but a message). Then, elsewhere, the
 * same until told to stop. */
static void pinned_worker(void *arg)
{
    struct pinned_arg *a = arg;
    /* Release: the test reads where we started, then takes the core down. */
    __atomic_store_n(&a->started_on, this_cpu_id() + 1, __ATOMIC_RELEASE);
    uint64_t wait = a->way == WAITING ? RECEIVE_FOREVER : 0;
    struct msg_info told;
    do {
        if (a->way == BUSY)
            reduce(10);
        else if (sleep_for_ms[a->way])
            sleep_ms(sleep_for_ms[a->way]);
    } while (receive(msg_is_cpu_down, NULL, NULL, 0, wait, &told) == RECEIVE_TIMEOUT);
    report(a, &told);
    uint32_t stop;
    do { /* runs on, elsewhere, until told to stop; the busy one waits now,
          * or at high priority it would starve the rest on a 2-core machine */
        if (sleep_for_ms[a->way])
            sleep_ms(sleep_for_ms[a->way]);
    } while (receive(msg_is_user, NULL, &stop, sizeof stop, a->way == BUSY ? RECEIVE_FOREVER : wait, NULL) ==
             RECEIVE_TIMEOUT);
    report(a, NULL);
}

static bool is_report_from(const void *d, uint32_t l, const struct msg_info *i, void *ctx)
{
    (void)d;
    return i->kind == MSG_USER && l == sizeof(struct pinned_report) && i->from == *(pid_t *)ctx;
}

static bool pinned_told_and_moved(uint32_t cpu, pid_t *pids, uint64_t *refs)
{
    for (uint32_t w = 0; w < PINNED_WAYS; w++) {
        pinned_args[w] = (struct pinned_arg){.test = self(), .way = w};
        enum priority prio = w == BUSY ? PRIO_HIGH : PRIO_NORMAL;
        pids[w] = spawn_monitored(pinned_worker, &pinned_args[w], (int)cpu, prio, &refs[w]);
        TEST_ASSERT(pids[w], "spawn pinned to cpu%u: %s", cpu, spawn_error());
        uint64_t end = timer_now() + timer_ns_to_ticks(WAIT_MS * 1000000ULL);
        while (!__atomic_load_n(&pinned_args[w].started_on, __ATOMIC_ACQUIRE) && timer_now() < end)
            sleep_ms(1);
        TEST_ASSERT(pinned_args[w].started_on == cpu + 1, "%s process started on cpu%d, pinned to cpu%u",
                    way_names[w], (int)pinned_args[w].started_on - 1, cpu);
        sleep_ms(10); /* it is in its receive now, or (busy) the brief sleeper's timer has fired */
    }
    TEST_ASSERT(smp_cpu_down(cpu) == 0, "cpu%u did not go down", cpu);
    for (uint32_t w = 0; w < PINNED_WAYS; w++) {
        struct pinned_report r;
        int n = receive(is_report_from, &pids[w], &r, sizeof r, WAIT_MS, NULL);
        TEST_ASSERT(n == sizeof r, "the %s process pinned to cpu%u sent no report within 5 s of its core going down", way_names[w], cpu);
        TEST_ASSERT(r.told.kind == MSG_CPU_DOWN && r.told.ref == cpu && r.told.from == 0,
                    "%s: told kind %u, ref %lu, from %#lx; expected MSG_CPU_DOWN, ref %u, from 0", way_names[w],
                    r.told.kind, (unsigned long)r.told.ref, (unsigned long)r.told.from, cpu);
        TEST_ASSERT(r.cpu_now != cpu && r.cpu_now < cpus_possible, "%s: runs on cpu%u, which went down",
                    way_names[w], r.cpu_now);
        struct proc *p = proc_lookup(pids[w]); /* its report came after the unpinning: ordered by the message */
        TEST_ASSERT(p && p->pinned == -1, "%s: still pinned to cpu%d after its core went", way_names[w],
                    p ? p->pinned : -2);
    }
    for (uint32_t w = 0; w < PINNED_WAYS; w++) { /* they run on elsewhere, and answer */
        uint32_t stop = 1;
        send(pids[w], &stop, sizeof stop);
        struct pinned_report r;
        TEST_ASSERT(receive(is_report_from, &pids[w], &r, sizeof r, WAIT_MS, NULL) == sizeof r,
                    "the %s process stopped answering after the move", way_names[w]);
        TEST_ASSERT(r.cpu_now != cpu, "%s: answered from cpu%u, which is offline", way_names[w], r.cpu_now);
        struct exit_reason why;
        TEST_ASSERT(wait_down(refs[w], &why) && why.kind == EXIT_NORMAL, "%s: did not end normally (%s)",
                    way_names[w], exit_kind_name(why.kind));
        pids[w] = 0;
    }
    return true;
}

IMAGE_TEST(sched, cpu_off_unpins_and_tells_pinned)
{
    if (cpus_online_count() < 2)
        TEST_SKIP("one core: none to take off");
    if (!psci_available())
        TEST_SKIP("no PSCI: a spin-table core has no way back once off");
    uint32_t cpu = cpus_possible - 1;
    pid_t pids[PINNED_WAYS] = {0};
    uint64_t refs[PINNED_WAYS];
    bool ok = pinned_told_and_moved(cpu, pids, refs);
    if (!cpu_is_online(cpu) && smp_cpu_up(cpu) != 0 && ok)
        TEST_FAIL("cpu%u did not come back", cpu);
    for (uint32_t w = 0; w < PINNED_WAYS; w++) /* after a failure: nothing left behind */
        if (pids[w] && kill(pids[w]))
            wait_down(refs[w], NULL);
    while (!ok && receive(NULL, NULL, NULL, 0, 0, NULL) != RECEIVE_TIMEOUT)
        ; /* nor a stray report for the next test */
    return ok;
}
