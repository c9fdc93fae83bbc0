/*
 * Scheduler benchmarks (issue targets in brackets). Under QEMU -icount
 * shift=0 the virtual counter advances one ns per guest instruction, so the
 * single-core figures are guest instructions:
 *   yield between two processes on one core       [<= 120 per switch]
 *   spawn + exit                                  [<= 600]
 *   send + receive round trip, one core           [<= 500]; and across two cores
 *   a ring of 1000 processes passing a message    [<= 250 per hop]
 *   memory per idle process
 * sched_rings: hops per ms of independent rings, one per core, wall clock of
 * the guest under multi-threaded TCG; run with and without sched=global.
 */
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <arch/timer.h>
#include <drivers/console.h>
#include <mm/page_alloc.h>
#include <sched/sched.h>
#include <tests/bench/bench.h>

#define YIELDS 20000
#define SPAWNS 5000
#define ROUND_TRIPS 20000
#define RING 1000
#define RING_LAPS 20
#define IDLE_PROCS 1000

static uint64_t elapsed_ns(uint64_t t0) { return timer_ticks_to_ns(timer_now() - t0); }

/* Each figure is measured by a process of its own at normal priority,
 * pinned beside the processes it measures; it reports back by message. */
static uint64_t run_measurement(proc_fn fn, int cpu)
{
    static pid_t boss;
    boss = self();
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.pin_cpu = cpu;
    o.stack_size = 16384;
    spawn_opt(fn, &boss, &o, NULL);
    uint64_t result = 0;
    receive(NULL, NULL, &result, sizeof result, RECEIVE_FOREVER, NULL);
    return result;
}

static void report_to(void *arg, uint64_t value)
{
    send(*(pid_t *)arg, &value, sizeof value);
}

/* --- yield --- */
static uint32_t yielders_ready;
static void yielder(void *arg)
{
    (void)arg;
    __atomic_fetch_add(&yielders_ready, 1, __ATOMIC_RELAXED); /* a count */
    for (int i = 0; i < YIELDS; i++)
        yield();
}

static void measure_yield(void *boss)
{
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.pin_cpu = (int)this_cpu_id();
    uint64_t ref;
    o.monitor = true;
    yielders_ready = 0;
    spawn_opt(yielder, NULL, &o, &ref);
    o.monitor = false;
    spawn_opt(yielder, NULL, &o, NULL);
    uint64_t t0 = timer_now();
    struct msg_info info;
    receive(NULL, NULL, NULL, 0, RECEIVE_FOREVER, &info); /* the first yielder's DOWN: both are done */
    uint64_t ns = elapsed_ns(t0);
    report_to(boss, ns * 1000 / (2 * YIELDS)); /* per switch, milli-units */
}

/* --- spawn + exit --- */
static void nothing(void *arg) { (void)arg; }

static void measure_spawn(void *boss)
{
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.pin_cpu = (int)this_cpu_id();
    uint64_t t0 = timer_now();
    for (int i = 0; i < SPAWNS; i++) {
        spawn_opt(nothing, NULL, &o, NULL);
        yield(); /* it runs and exits; we come back */
    }
    report_to(boss, elapsed_ns(t0) * 1000 / SPAWNS);
}

/* --- round trip --- */
static void echo(void *arg)
{
    (void)arg;
    uint64_t v;
    struct msg_info info;
    for (int i = 0; i < ROUND_TRIPS; i++) {
        receive(NULL, NULL, &v, sizeof v, RECEIVE_FOREVER, &info);
        send(info.from, &v, sizeof v);
    }
}

static void round_trips(void *boss, int echo_cpu)
{
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.pin_cpu = echo_cpu;
    pid_t peer = spawn_opt(echo, NULL, &o, NULL);
    uint64_t v = 0, t0 = timer_now();
    for (int i = 0; i < ROUND_TRIPS; i++) {
        send(peer, &v, sizeof v);
        receive(NULL, NULL, &v, sizeof v, RECEIVE_FOREVER, NULL);
    }
    report_to(boss, elapsed_ns(t0) * 1000 / ROUND_TRIPS);
}

static void measure_round_trip_same(void *boss) { round_trips(boss, (int)this_cpu_id()); }
static void measure_round_trip_cross(void *boss) { round_trips(boss, (int)(this_cpu_id() ? 0 : 1)); }

/* --- ring --- */
struct ring_arg {
    pid_t next;
    pid_t boss; /* the one that gets the token after the last lap */
    uint32_t laps;
};

static void ring_node(void *arg)
{
    struct ring_arg *a = arg;
    pid_t next = a->next;
    uint32_t laps = a->laps;
    uint64_t token;
    for (uint32_t i = 0; i < laps; i++) {
        receive(NULL, NULL, &token, sizeof token, RECEIVE_FOREVER, NULL);
        send(next, &token, sizeof token);
    }
}

/* Build a ring of n on core `cpu` (or anywhere: -1); returns the first node. */
static pid_t make_ring(uint32_t n, uint32_t laps, int cpu, struct ring_arg *args)
{
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.pin_cpu = cpu;
    o.stack_size = 4096;
    pid_t next = self();
    for (uint32_t i = 0; i < n; i++) {
        args[i] = (struct ring_arg){next, self(), laps};
        next = spawn_opt(ring_node, &args[i], &o, NULL);
    }
    return next;
}

static struct ring_arg ring_args[RING];

static void measure_ring(void *boss)
{
    pid_t first = make_ring(RING, RING_LAPS, (int)this_cpu_id(), ring_args);
    uint64_t token = 0, t0 = timer_now();
    for (uint32_t lap = 0; lap < RING_LAPS; lap++) {
        send(first, &token, sizeof token);
        receive(NULL, NULL, &token, sizeof token, RECEIVE_FOREVER, NULL);
    }
    report_to(boss, elapsed_ns(t0) * 1000 / ((uint64_t)RING * RING_LAPS));
}

/* --- memory per idle process --- */
static void idle_until_told(void *arg)
{
    (void)arg;
    uint64_t m;
    receive(NULL, NULL, &m, sizeof m, RECEIVE_FOREVER, NULL);
}

static pid_t idle_pids[IDLE_PROCS];

static void measure_memory(void *boss)
{
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.stack_size = 4096;
    uint64_t before = page_alloc_free_bytes();
    for (int i = 0; i < IDLE_PROCS; i++)
        idle_pids[i] = spawn_opt(idle_until_told, NULL, &o, NULL);
    uint64_t used = before - page_alloc_free_bytes();
    for (int i = 0; i < IDLE_PROCS; i++) {
        uint64_t stop = 1;
        send(idle_pids[i], &stop, sizeof stop);
    }
    report_to(boss, used * 1000 / IDLE_PROCS);
}

BENCH(sched_uncontended)
{
    int cpu = cpus_online_count() > 1 ? 1 : 0;
    /* First, while every slot is fresh (later ones reuse freed stacks). */
    bench_report("sched_uncontended", "memory-per-idle-process", run_measurement(measure_memory, cpu), "bytes");
    bench_report("sched_uncontended", "yield-per-switch", run_measurement(measure_yield, cpu), "ns");
    bench_report("sched_uncontended", "spawn+exit", run_measurement(measure_spawn, cpu), "ns");
    bench_report("sched_uncontended", "round-trip-same-core", run_measurement(measure_round_trip_same, cpu), "ns");
    if (cpus_online_count() > 1)
        bench_report("sched_uncontended", "round-trip-two-cores", run_measurement(measure_round_trip_cross, cpu), "ns");
    bench_report("sched_uncontended", "ring-1000-per-hop", run_measurement(measure_ring, cpu), "ns");
}

/* --- throughput: one ring of 100 per core, for RINGS_MS --- */
#define RINGS_SIZE 100
#define RINGS_MS 500

static uint64_t ring_hops[MAX_CPUS];
static uint32_t rings_stop;

struct free_ring_arg {
    pid_t next;
    uint32_t ring;
};

static void free_ring_node(void *arg)
{
    struct free_ring_arg *a = arg;
    uint64_t token;
    for (;;) {
        if (receive(NULL, NULL, &token, sizeof token, 200, NULL) == RECEIVE_TIMEOUT) {
            if (__atomic_load_n(&rings_stop, __ATOMIC_ACQUIRE))
                return;
            continue;
        }
        __atomic_fetch_add(&ring_hops[a->ring], 1, __ATOMIC_RELAXED); /* a count */
        if (!__atomic_load_n(&rings_stop, __ATOMIC_ACQUIRE))
            send(a->next, &token, sizeof token);
    }
}

static struct free_ring_arg free_args[MAX_CPUS][RINGS_SIZE];

BENCH(sched_rings)
{
    uint32_t rings = cpus_online_count();
    rings_stop = 0;
    for (uint32_t r = 0; r < rings; r++) {
        ring_hops[r] = 0;
        struct spawn_opts o = SPAWN_OPTS_DEFAULT; /* unpinned: the scheduler places them */
        o.stack_size = 4096;
        pid_t pids[RINGS_SIZE];
        for (int i = RINGS_SIZE - 1; i >= 0; i--) {
            free_args[r][i].ring = r;
            pids[i] = spawn_opt(free_ring_node, &free_args[r][i], &o, NULL);
        }
        for (int i = 0; i < RINGS_SIZE; i++)
            free_args[r][i].next = pids[(i + 1) % RINGS_SIZE]; /* set before the first token */
        uint64_t token = r;
        send(pids[0], &token, sizeof token);
    }
    sleep_ms(50); /* let them spread */
    uint64_t start = 0;
    for (uint32_t r = 0; r < rings; r++)
        start += __atomic_load_n(&ring_hops[r], __ATOMIC_RELAXED);
    uint64_t t0 = timer_now();
    sleep_ms(RINGS_MS);
    uint64_t hops = 0;
    for (uint32_t r = 0; r < rings; r++)
        hops += __atomic_load_n(&ring_hops[r], __ATOMIC_RELAXED);
    uint64_t ns = elapsed_ns(t0);
    __atomic_store_n(&rings_stop, 1, __ATOMIC_RELEASE);
    bench_report("sched_rings", sched_global_queue() ? "global-queue" : "per-core-queues",
                 (hops - start) * 1000000 * 1000 / (ns ? ns : 1), "hops/ms");
    sleep_ms(400); /* they stop at their next timeout */
}
