/*
 * The soak (test=soak, `soak=SECONDS`, default 60; make soak MINUTES=N): on
 * every core at once, for that long, short-lived workers spawn, send numbered
 * messages, sleep, wait in selective receives that time out, spawn linked and
 * monitored children (which end normally, with an error or a fault), fault,
 * exit, and get killed; one process takes a random core off and on again all
 * the while. Checked throughout and at the end:
 *  - conservation, per sender in order: each sender's messages reach its sink
 *    in sequence, none twice, none missing (a killed sender's last one may be
 *    in flight: received lies between the sends that returned and those begun);
 *  - every worker's DOWN comes exactly once; a trapping parent gets exactly one
 *    EXIT of its linked child, a monitoring one exactly one DOWN;
 *  - no send fails but by a full mailbox (none here: the sinks drain);
 *  - the live process count returns to its baseline (their control blocks
 *    and stacks), and so do the counts of message blocks and of link and
 *    monitor nodes in use (none leaked; pools keep their pages, by design);
 *  - no lock is held once everything is idle.
 */
#include <arch/atomic.h>
#include <arch/cpu.h>
#include <arch/exception.h> /* panic: a stall stops the run with its report */
#include <arch/timer.h>
#include <boot/boot.h>
#include <lib/fmt.h>
#include <sched/internal.h> /* the leak report: each process's mailbox count */
#include <string.h>
#include <sync/lockstat.h>
#include <tests/image/harness.h>
#include <tests/image/proc_helpers.h>

#define SOAK_DEFAULT_S 60
#define WORKERS_LIVE 24      /* kept alive at once by the coordinator */
#define SENDERS_MAX 65536    /* worker ids; the soak stops spawning at this many */
#define END_WAIT_MS 30000    /* for the last DOWNs, on a busy host */

enum { TAG_SEQ = 'S', TAG_STOP = 'X', TAG_NOBODY = 'N' };
struct seq_msg {
    uint8_t tag;
    uint32_t sender, seq;
};

static uint32_t attempted[SENDERS_MAX], done[SENDERS_MAX]; /* written by the sender only */
static uint32_t received[SENDERS_MAX];                     /* written by the sender's sink only */
static uint32_t sink_errors, worker_errors, hotplug_errors; /* atomic counts */
static uint32_t faults, kills, exits_checked, cycles;      /* atomic counts, for the summary */
static char first_error[160];
static uint32_t error_once;
static uint32_t stop_hotplug;
static pid_t sinks[MAX_CPUS];
static uint32_t sink_count;

static void note_error(uint32_t *counter, const char *what, uint32_t a, uint32_t b)
{
    __atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
    if (!__atomic_exchange_n(&error_once, 1, __ATOMIC_RELAXED))
        fmt_snprintf(first_error, sizeof first_error, "%s (%u, %u)", what, a, b);
}

static uint32_t next_rand(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* Each sink checks the order of its senders (sender % sink_count == it). */
static void sink_main(void *arg)
{
    (void)arg;
    for (;;) {
        struct seq_msg m;
        struct msg_info info;
        int n = receive(NULL, NULL, &m, sizeof m, RECEIVE_FOREVER, &info);
        if (info.kind != MSG_USER || n != (int)sizeof m)
            continue; /* MSG_CPU_DOWN: our core went off and we run elsewhere */
        if (m.tag == TAG_STOP)
            return;
        if (m.sender >= SENDERS_MAX || m.seq != received[m.sender]) {
            note_error(&sink_errors, "message out of order or twice: sender, seq", m.sender, m.seq);
            continue;
        }
        received[m.sender] = m.seq + 1;
    }
}

static bool is_nobody(const void *d, uint32_t l, const struct msg_info *i, void *c)
{
    (void)i, (void)c;
    return l >= 1 && ((const uint8_t *)d)[0] == TAG_NOBODY;
}

struct child_plan {
    uint32_t ms, how; /* how: 0 normal, 1 error, 2 fault */
};

static void child_main(void *arg)
{
    struct child_plan plan;
    memcpy(&plan, &arg, sizeof plan);
    sleep_ms(plan.ms);
    if (plan.how == 1)
        proc_exit(7);
    if (plan.how == 2) {
        __atomic_fetch_add(&faults, 1, __ATOMIC_RELAXED);
        *(volatile uint32_t *)0 = 1; /* volatile: the store must happen (a fault) */
    }
}

static bool exit_from(const void *d, uint32_t l, const struct msg_info *i, void *c)
{
    (void)d, (void)l;
    return i->kind == MSG_EXIT && i->from == *(pid_t *)c;
}

/* A child linked (we trap exits) or monitored: exactly one EXIT or DOWN. */
static void child_once(uint32_t *rnd, bool monitored)
{
    _Static_assert(sizeof(struct child_plan) <= sizeof(void *), "the plan rides in the argument");
    struct child_plan plan = {next_rand(rnd) % 5, next_rand(rnd) % 3};
    void *arg;
    memcpy(&arg, &plan, sizeof plan);
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.link = !monitored;
    o.monitor = monitored;
    uint64_t ref = 0;
    pid_t child = spawn_opt(child_main, arg, &o, &ref);
    if (!child)
        return; /* memory: allowed, nothing to check */
    struct msg_info info;
    char none;
    int got = monitored ? receive(msg_is_down, &ref, &none, 0, END_WAIT_MS, &info)
                        : receive(exit_from, &child, &none, 0, END_WAIT_MS, &info);
    if (got == RECEIVE_TIMEOUT) {
        note_error(&worker_errors, monitored ? "no DOWN from a monitored child" : "no EXIT from a linked child",
                   (uint32_t)child, 0);
        return;
    }
    if (monitored ? receive(msg_is_down, &ref, &none, 0, 0, &info) != RECEIVE_TIMEOUT
                  : receive(exit_from, &child, &none, 0, 0, &info) != RECEIVE_TIMEOUT)
        note_error(&worker_errors, "a child's end arrived twice", (uint32_t)child, monitored);
    __atomic_fetch_add(&exits_checked, 1, __ATOMIC_RELAXED);
}

static void worker_main(void *arg)
{
    uint32_t id = (uint32_t)(uintptr_t)arg, rnd = id * 2654435761u | 1;
    pid_t sink = sinks[id % sink_count];
    trap_exit(true); /* a linked child's end is a message, not our death */
    uint32_t steps = 5 + next_rand(&rnd) % 40;
    for (uint32_t i = 0; i < steps; i++) {
        uint32_t r = next_rand(&rnd) % 100;
        if (r < 50) {
            struct seq_msg m = {TAG_SEQ, id, attempted[id]};
            WRITE_ONCE(attempted[id], attempted[id] + 1); /* before: a kill may land in the send */
            int s = send(sink, &m, sizeof m);
            if (s == 0)
                WRITE_ONCE(done[id], done[id] + 1);
            else
                note_error(&worker_errors, "send to a sink failed: sender, code", id, (uint32_t)-s);
        } else if (r < 62) {
            sleep_ms(next_rand(&rnd) % 4);
        } else if (r < 72) {
            char b;
            if (receive(is_nobody, NULL, &b, 1, 1 + next_rand(&rnd) % 4, NULL) != RECEIVE_TIMEOUT)
                note_error(&worker_errors, "a selective receive matched what nobody sends", id, 0);
        } else if (r < 80) {
            child_once(&rnd, false);
        } else if (r < 88) {
            child_once(&rnd, true);
        } else if (r < 90) {
            __atomic_fetch_add(&faults, 1, __ATOMIC_RELAXED);
            *(volatile uint32_t *)0 = id; /* volatile: the store must happen (a fault) */
        } else if (r < 92) {
            proc_exit(id);
        } else {
            for (uint32_t k = 0; k < 50; k++)
                reduce(100); /* busy: slices end, preemption and reduction points */
        }
    }
}

static void hotplug_main(void *arg)
{
    (void)arg;
    uint32_t rnd = 12345;
    while (!load_acquire(&stop_hotplug)) { /* acquire: pairs with the coordinator's release */
        uint32_t cpu = 1 + next_rand(&rnd) % (cpus_possible - 1);
        if (smp_cpu_down(cpu) != 0) {
            note_error(&hotplug_errors, "cpu off failed", cpu, 0);
            break;
        }
        sleep_ms(20 + next_rand(&rnd) % 80);
        if (smp_cpu_up(cpu) != 0) {
            note_error(&hotplug_errors, "cpu on failed", cpu, 0);
            break;
        }
        __atomic_fetch_add(&cycles, 1, __ATOMIC_RELAXED);
        sleep_ms(100 + next_rand(&rnd) % 200);
    }
}

/* A stall is named, not left to the runner's timeout: a process pinned to
 * cpu0 (never taken down) watches the coordinator's beat and, once it has
 * stood still for STALL_MS, prints every core's queue and the process
 * list, then stops the run. */
#define STALL_MS 20000
static uint32_t coordinator_beat, stop_watchdog;
static pid_t coordinator_pid;

static void watchdog_main(void *arg)
{
    (void)arg;
    uint32_t last = 0;
    uint64_t still_since = timer_now();
    while (!load_acquire(&stop_watchdog)) { /* acquire: pairs with the coordinator's release */
        sleep_ms(250);
        uint32_t beat = __atomic_load_n(&coordinator_beat, __ATOMIC_RELAXED); /* a count: no ordering */
        if (beat != last) {
            last = beat;
            still_since = timer_now();
            continue;
        }
        if (timer_now() - still_since < timer_ns_to_ticks(STALL_MS * 1000000ULL))
            continue;
        kprintf("soak: the coordinator <%u.%u> made no progress for %u ms; cores:\n",
                (unsigned)(coordinator_pid & 0xffffffffu), (unsigned)(coordinator_pid >> 32), STALL_MS);
        for (uint32_t cpu = 0; cpu < cpus_possible; cpu++) {
            struct sched_core *c = &sched_cores[cpu];
            struct proc *cur = READ_ONCE(c->current), *next = READ_ONCE(c->run_next);
            kprintf("soak:   cpu%u %s: %u queued, run-next %u, running %u\n", cpu,
                    cpu_is_online(cpu) ? "online" : "OFFLINE", READ_ONCE(c->rq.total),
                    next ? next->index : UINT32_MAX, cur && cur != &c->idle ? cur->index : UINT32_MAX);
        }
        sched_print_ps();
        panic("soak: stalled (the report above)");
    }
}

struct live {
    uint64_t ref;
    pid_t pid;
    uint32_t id;
};

static void count_held(const struct lockstat *s, int32_t holder, void *arg)
{
    (void)holder;
    kprintf("soak: lock \"%s\" held by cpu%d with everything idle\n", s->name ? s->name : "(anon)", holder);
    (*(uint32_t *)arg)++;
}

IMAGE_TEST_EXPLICIT(soak, random_load_keeps_every_invariant)
{
    if (cpus_online_count() < 2)
        TEST_SKIP("one core: no hotplug, no cross-core load");
    uint32_t seconds = bootargs.soak_seconds ? bootargs.soak_seconds : SOAK_DEFAULT_S;
    uint32_t baseline = sched_process_count();
    uint64_t blocks_before = sched_msg_blocks_in_use(), nodes_before = sched_link_nodes_in_use();
    static uint8_t downs[SENDERS_MAX];
    memset(downs, 0, sizeof downs);
    sink_count = cpus_online_count();
    uint64_t sink_refs[MAX_CPUS];
    for (uint32_t i = 0; i < sink_count; i++) {
        sinks[i] = spawn_monitored(sink_main, NULL, (int)i, PRIO_NORMAL, &sink_refs[i]);
        TEST_ASSERT(sinks[i], "sink %u: spawn failed: %s", i, spawn_error());
    }
    coordinator_pid = self();
    store_release(&stop_watchdog, 0);
    uint64_t watchdog_ref;
    TEST_ASSERT(spawn_monitored(watchdog_main, NULL, 0, PRIO_HIGH, &watchdog_ref), "watchdog: spawn failed");
    uint64_t hotplug_ref;
    store_release(&stop_hotplug, 0);
    TEST_ASSERT(spawn_monitored(hotplug_main, NULL, 0, PRIO_NORMAL, &hotplug_ref), "hotplug: spawn failed");
    struct live live[WORKERS_LIVE];
    uint32_t live_n = 0, next_id = 0, unknown_downs = 0;
    uint32_t rnd = 777;
    uint64_t end = timer_now() + timer_ns_to_ticks((uint64_t)seconds * 1000000000ULL);
    uint64_t last_down = timer_now();
    while (live_n || (timer_now() < end && next_id < SENDERS_MAX)) {
        __atomic_fetch_add(&coordinator_beat, 1, __ATOMIC_RELAXED); /* a count for the watchdog */
        while (timer_now() < end && live_n < WORKERS_LIVE && next_id < SENDERS_MAX) {
            uint64_t ref;
            pid_t pid = spawn_monitored(worker_main, (void *)(uintptr_t)next_id, -1, PRIO_NORMAL, &ref);
            if (!pid)
                break; /* memory: try again later */
            live[live_n++] = (struct live){ref, pid, next_id++};
        }
        if (live_n && next_rand(&rnd) % 10 == 0 && kill(live[next_rand(&rnd) % live_n].pid))
            kills++; /* false: it ended already, its DOWN is on the way */
        struct msg_info info;
        char none;
        if (receive(msg_is_down, NULL, &none, 0, 5, &info) == RECEIVE_TIMEOUT) {
            TEST_ASSERT(timer_now() - last_down < timer_ns_to_ticks(END_WAIT_MS * 1000000ULL),
                        "no worker ended for %u ms (%u live)", END_WAIT_MS, live_n);
            continue;
        }
        last_down = timer_now();
        uint32_t k = 0;
        while (k < live_n && live[k].ref != info.ref)
            k++;
        if (k == live_n) {
            unknown_downs++; /* a DOWN twice, or one we never asked for: say whose */
            const char *whose = info.ref == hotplug_ref    ? "the hotplug process's"
                                : info.ref == watchdog_ref ? "the watchdog's"
                                                           : "an unknown";
            for (uint32_t i = 0; i < sink_count; i++)
                if (info.ref == sink_refs[i])
                    whose = "a sink's";
            kprintf("soak: %s DOWN: ref %lu from <%u.%u>, reason %s value %lu; %u hotplug error(s): %s\n", whose,
                    (unsigned long)info.ref, (unsigned)(info.from & 0xffffffffu), (unsigned)(info.from >> 32),
                    exit_kind_name(info.reason.kind), (unsigned long)info.reason.value, hotplug_errors,
                    hotplug_errors ? first_error : "-");
            continue;
        }
        downs[live[k].id]++;
        live[k] = live[--live_n];
    }
    store_release(&stop_watchdog, 1); /* release: pairs with watchdog_main's acquire */
    TEST_ASSERT(wait_down(watchdog_ref, NULL), "the watchdog did not end");
    TEST_ASSERT(!unknown_downs, "%u DOWN(s) for no live worker (twice, or never asked for)", unknown_downs);
    store_release(&stop_hotplug, 1); /* release: pairs with hotplug_main's acquire */
    TEST_ASSERT(wait_down(hotplug_ref, NULL), "the hotplug process did not end");
    for (uint32_t i = 0; i < sink_count; i++) {
        struct seq_msg m = {TAG_STOP, 0, 0};
        TEST_ASSERT(send(sinks[i], &m, sizeof m) == 0, "sink %u: the stop was refused", i);
        TEST_ASSERT(wait_down(sink_refs[i], NULL), "sink %u did not end", i);
    }
    /* The DOWNs came through the sinks' and our mailboxes (release/acquire):
     * what each sink wrote is visible here. */
    uint64_t sent = 0, got = 0;
    for (uint32_t id = 0; id < next_id; id++) {
        TEST_ASSERT(downs[id] == 1, "worker %u: %u DOWN(s)", id, downs[id]);
        TEST_ASSERT(received[id] >= done[id] && received[id] <= attempted[id],
                    "sender %u: %u received, %u sent, %u begun", id, received[id], done[id], attempted[id]);
        sent += done[id];
        got += received[id];
    }
    TEST_ASSERT(!sink_errors && !worker_errors && !hotplug_errors, "%u sink, %u worker, %u hotplug error(s): %s",
                sink_errors, worker_errors, hotplug_errors, first_error);
    uint32_t count = 0;
    uint64_t blocks = 0, nodes = 0;
    for (int tries = 0; tries < 100; tries++) {
        count = sched_process_count();
        blocks = sched_msg_blocks_in_use();
        nodes = sched_link_nodes_in_use();
        if (count == baseline && blocks == blocks_before && nodes == nodes_before)
            break;
        sleep_ms(10); /* the last exits finish on their cores (their mailboxes closed) */
    }
    if (count != baseline)
        sched_print_ps(); /* who is left, and in what state */
    if (blocks != blocks_before) /* whose mailbox holds them (the counts are quiet now) */
        for (uint32_t i = 0; i < MAX_PROC_CHUNKS * PROC_CHUNK; i++) {
            struct proc *p = proc_by_index(i);
            if (!p)
                break;
            uint64_t held = READ_ONCE(p->mbox_pushed) - READ_ONCE(p->mbox_taken);
            if (held)
                kprintf("soak: <%u.%u> (state %u) holds %lu bytes of messages\n", p->index, (unsigned)(p->pid >> 32),
                        READ_ONCE(p->state), (unsigned long)held);
        }
    TEST_ASSERT(count == baseline, "%u processes live, %u before the soak", count, baseline);
    TEST_ASSERT(blocks == blocks_before, "%ld message blocks in use, %lu before the soak: leaked",
                (long)blocks, (unsigned long)blocks_before);
    TEST_ASSERT(nodes == nodes_before, "%lu link and monitor nodes in use, %lu before the soak: leaked",
                (unsigned long)nodes, (unsigned long)nodes_before);
    uint32_t held = 0;
    lockstat_held(count_held, &held);
    TEST_ASSERT(!held, "%u lock(s) held with everything idle", held);
    kprintf("soak: %u s on %u cores: %u workers, %lu messages sent and %lu received in order, %u faults, %u kills, "
            "%u child ends checked once, %u cpu off/on cycles\n",
            seconds, sink_count, next_id, (unsigned long)sent, (unsigned long)got, faults, kills, exits_checked,
            cycles);
    return true;
}
