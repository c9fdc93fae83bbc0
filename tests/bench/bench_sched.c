/*
 * Scheduler benchmarks. Under QEMU -icount shift=0 the virtual counter
 * advances one ns per guest instruction, so these figures are guest
 * instructions (on several cores: the sum of every core's, idle ones too):
 *   yield between two processes on one core, per switch
 *   spawn + exit
 *   send + receive round trip: both on one core, on two cores, unpinned
 *   a ring of 1000 processes passing a message, per hop: pinned, unpinned
 *   memory per idle process
 * Each result names its configuration: pinned or not, and the cores each
 * side ran on (seen, not assumed: every side notes its core each turn).
 * sched_rings: hops per ms of independent rings, one per core, wall clock of
 * the guest under multi-threaded TCG; run with and without sched=global;
 * sched_rings_pinned: the same with ring r pinned to core r.
 */
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <arch/timer.h>
#include <drivers/console.h>
#include <lib/fmt.h>
#include <mm/page_alloc.h>
#include <sched/sched.h>
#include <tests/bench/bench.h>

#define YIELDS 20000
#define SPAWNS 5000
#define ROUND_TRIPS 20000
#define RING 1000
#define RING_LAPS 20
#define RING_HOPS_PER_LAP (RING + 1) /* every node's send, and the measurer's own */
#define IDLE_PROCS 1000
#define RING_TIMEOUT_MS 60000 /* never reached: each node's token comes long before */

static uint64_t elapsed_ns(uint64_t t0) { return timer_ticks_to_ns(timer_now() - t0); }

/* The cores each side of a measurement ran on, as bit masks: every side ORs
 * in its core each turn (a local: two or three instructions a turn) and
 * publishes the mask once at its end, before the message that ends the
 * measurement (release; the reader's receive orders its read after it). */
enum side { SIDE_MEASURER, SIDE_PEER, SIDES };
static uint64_t ran_on[SIDES];
static inline uint64_t here(void) { return 1UL << this_cpu_id(); }
static void publish_cores(enum side s, uint64_t mask) { __atomic_fetch_or(&ran_on[s], mask, __ATOMIC_RELEASE); }

/* "cpu0+cpu1" */
static void format_cores(char *buf, size_t size, uint64_t mask)
{
    size_t at = 0;
    buf[0] = 0;
    for (uint32_t cpu = 0; cpu < 64 && at < size; cpu++)
        if (mask >> cpu & 1)
            at += (size_t)fmt_snprintf(buf + at, size - at, "%scpu%u", at ? "+" : "", cpu);
}

/* Each figure is measured by a process of its own at normal priority,
 * pinned to `cpu` (-1: unpinned), beside the processes it measures; it
 * reports back by message. */
static uint64_t run_measurement(proc_fn fn, int cpu)
{
    static pid_t boss;
    boss = self();
    for (int s = 0; s < SIDES; s++)
        __atomic_store_n(&ran_on[s], 0, __ATOMIC_RELAXED); /* before the spawn, which orders it */
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

/* The configuration line of a two-sided figure. */
static void report_sides(const char *variant, uint64_t value, const char *how, const char *peer_name)
{
    char m[64], p[64], config[200];
    format_cores(m, sizeof m, __atomic_load_n(&ran_on[SIDE_MEASURER], __ATOMIC_RELAXED));
    format_cores(p, sizeof p, __atomic_load_n(&ran_on[SIDE_PEER], __ATOMIC_RELAXED));
    uint64_t all = ran_on[SIDE_MEASURER] | ran_on[SIDE_PEER];
    fmt_snprintf(config, sizeof config, "%s; measurer on %s, %s on %s%s", how, m, peer_name, p,
                 all & (all - 1) ? "; sum of both cores' instructions" : "");
    bench_report_in("sched_uncontended", variant, value, "ns", config);
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
    uint64_t v, cores = 0;
    struct msg_info info;
    for (int i = 0; i < ROUND_TRIPS; i++) {
        receive(NULL, NULL, &v, sizeof v, RECEIVE_FOREVER, &info);
        cores |= here();
        if (i == ROUND_TRIPS - 1)
            publish_cores(SIDE_PEER, cores); /* before the last reply */
        send(info.from, &v, sizeof v);
    }
}

/* echo_cpu: -2 unpinned, like the measurer itself. */
static void round_trips(void *boss, int echo_cpu)
{
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.pin_cpu = echo_cpu < -1 ? -1 : echo_cpu;
    pid_t peer = spawn_opt(echo, NULL, &o, NULL);
    uint64_t v = 0, cores = 0, t0 = timer_now();
    for (int i = 0; i < ROUND_TRIPS; i++) {
        send(peer, &v, sizeof v);
        receive(NULL, NULL, &v, sizeof v, RECEIVE_FOREVER, NULL);
        cores |= here();
    }
    uint64_t ns = elapsed_ns(t0);
    publish_cores(SIDE_MEASURER, cores);
    report_to(boss, ns * 1000 / ROUND_TRIPS);
}

static void measure_round_trip_same(void *boss) { round_trips(boss, (int)this_cpu_id()); }
static void measure_round_trip_cross(void *boss) { round_trips(boss, (int)(this_cpu_id() ? 0 : 1)); }
static void measure_round_trip_unpinned(void *boss) { round_trips(boss, -2); }

/* --- ring --- */
struct ring_arg {
    pid_t next;
    uint32_t laps;
    uint64_t timeout_ms; /* each receive's (RECEIVE_FOREVER: none) */
};

static void ring_node(void *arg)
{
    struct ring_arg *a = arg;
    pid_t next = a->next;
    uint32_t laps = a->laps;
    uint64_t token, cores = 0, timeout_ms = a->timeout_ms;
    for (uint32_t i = 0; i < laps; i++) {
        receive(NULL, NULL, &token, sizeof token, timeout_ms, NULL);
        cores |= here();
        if (i == laps - 1)
            publish_cores(SIDE_PEER, cores); /* before our last send */
        send(next, &token, sizeof token);
    }
}

/* Build a ring of n on core `cpu` (or anywhere: -1) that goes round `laps`
 * times back to us, each receive with timeout_ms; returns the first node. */
static pid_t make_ring(uint32_t n, uint32_t laps, int cpu, uint64_t timeout_ms, struct ring_arg *args)
{
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.pin_cpu = cpu;
    o.stack_size = 4096;
    pid_t next = self();
    for (uint32_t i = 0; i < n; i++) {
        args[i] = (struct ring_arg){next, laps, timeout_ms};
        next = spawn_opt(ring_node, &args[i], &o, NULL);
    }
    return next;
}

static struct ring_arg ring_args[RING];

/* One lap first, untimed: every node's first entry (its first switch onto
 * a fresh stack) is not part of a hop. Then RING_LAPS laps, per hop made. */
static void ring(void *boss, int cpu, uint64_t timeout_ms)
{
    pid_t first = make_ring(RING, 1 + RING_LAPS, cpu, timeout_ms, ring_args);
    uint64_t token = 0, cores = 0;
    send(first, &token, sizeof token);
    receive(NULL, NULL, &token, sizeof token, RECEIVE_FOREVER, NULL);
    uint64_t t0 = timer_now();
    for (uint32_t lap = 0; lap < RING_LAPS; lap++) {
        send(first, &token, sizeof token);
        receive(NULL, NULL, &token, sizeof token, RECEIVE_FOREVER, NULL);
        cores |= here();
    }
    uint64_t ns = elapsed_ns(t0);
    publish_cores(SIDE_MEASURER, cores);
    report_to(boss, ns * 1000 / ((uint64_t)RING_HOPS_PER_LAP * RING_LAPS));
}

static void measure_ring(void *boss) { ring(boss, (int)this_cpu_id(), RECEIVE_FOREVER); }
static void measure_ring_unpinned(void *boss) { ring(boss, -1, RECEIVE_FOREVER); }
/* Every node waits with a timeout, as a gen_server call does: the 999 that
 * wait hold a timer each on the core, and each hop cancels one and arms one. */
static void measure_ring_timeouts(void *boss) { ring(boss, (int)this_cpu_id(), RING_TIMEOUT_MS); }

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
    uint32_t processes = sched_process_count();
    uint64_t before = page_alloc_free_bytes();
    for (int i = 0; i < IDLE_PROCS; i++)
        idle_pids[i] = spawn_opt(idle_until_told, NULL, &o, NULL);
    uint64_t used = before - page_alloc_free_bytes();
    for (int i = 0; i < IDLE_PROCS; i++) {
        uint64_t stop = 1;
        send(idle_pids[i], &stop, sizeof stop);
    }
    /* All of them gone before the next measurement starts beside them. */
    for (int ms = 0; ms < 5000 && sched_process_count() > processes; ms++)
        sleep_ms(1);
    report_to(boss, used * 1000 / IDLE_PROCS);
}

BENCH(sched_uncontended)
{
    int cpu = cpus_online_count() > 1 ? 1 : 0;
    char on[64];
    fmt_snprintf(on, sizeof on, "pinned, all on cpu%d", cpu);
    /* First, while every slot is fresh (later ones reuse freed stacks). */
    bench_report_in("sched_uncontended", "memory-per-idle-process", run_measurement(measure_memory, cpu), "bytes",
                    "4 KiB stacks");
    bench_report_in("sched_uncontended", "yield-per-switch", run_measurement(measure_yield, cpu), "ns", on);
    bench_report_in("sched_uncontended", "spawn+exit", run_measurement(measure_spawn, cpu), "ns", on);
    uint64_t v = run_measurement(measure_round_trip_same, cpu);
    report_sides("round-trip-same-core", v, "pinned", "echo");
    if (cpus_online_count() > 1) {
        v = run_measurement(measure_round_trip_cross, cpu);
        report_sides("round-trip-two-cores", v, "pinned", "echo");
    }
    v = run_measurement(measure_round_trip_unpinned, -1);
    report_sides("round-trip-unpinned", v, "unpinned", "echo");
    v = run_measurement(measure_ring, cpu);
    report_sides("ring-1000-per-hop", v, "pinned, warm lap, per hop (1001 a lap)", "nodes");
    v = run_measurement(measure_ring_unpinned, -1);
    report_sides("ring-1000-unpinned-per-hop", v, "unpinned, warm lap, per hop (1001 a lap)", "nodes");
    v = run_measurement(measure_ring_timeouts, cpu);
    report_sides("ring-1000-timeouts-per-hop", v, "pinned, every receive with a 60 s timeout, warm lap, per hop",
                 "nodes");
}

/* --- throughput: one ring of 100 per core, for RINGS_MS --- */
#define RINGS_SIZE 100
#define RINGS_MS 500

static uint64_t ring_hops[MAX_CPUS];
static uint64_t ring_cross_hops; /* hops whose receiver ran on another core than its sender */
static uint32_t rings_stop;

struct free_ring_arg {
    pid_t next;
    uint32_t ring;
};

/* Waits without a timeout: a timeout would wake every node of every ring
 * each time it ran out, queueing them all at once on their home cores and
 * so disturbing the placement the benchmark measures. They end by kill. */
static void free_ring_node(void *arg)
{
    struct free_ring_arg *a = arg;
    uint64_t token;
    for (;;) {
        receive(NULL, NULL, &token, sizeof token, RECEIVE_FOREVER, NULL);
        __atomic_fetch_add(&ring_hops[a->ring], 1, __ATOMIC_RELAXED); /* a count */
        uint64_t me = this_cpu_id(); /* the token carries its sender's core */
        if (token != me)
            __atomic_fetch_add(&ring_cross_hops, 1, __ATOMIC_RELAXED); /* a count */
        token = me;
        if (!__atomic_load_n(&rings_stop, __ATOMIC_ACQUIRE)) /* acquire: pairs with the stop's release */
            send(a->next, &token, sizeof token);
    }
}

static struct free_ring_arg free_args[MAX_CPUS][RINGS_SIZE];
static pid_t ring_pids[MAX_CPUS][RINGS_SIZE];

static uint64_t total_hops(uint32_t rings, uint64_t *least, uint64_t *most)
{
    uint64_t sum = 0, lo = UINT64_MAX, hi = 0;
    for (uint32_t r = 0; r < rings; r++) {
        uint64_t h = __atomic_load_n(&ring_hops[r], __ATOMIC_RELAXED);
        sum += h;
        lo = h < lo ? h : lo;
        hi = h > hi ? h : hi;
    }
    if (least)
        *least = lo;
    if (most)
        *most = hi;
    return sum;
}

/* One ring per core, unpinned (the scheduler places them: the figure is its
 * placement as much as its speed) or ring r pinned to core r (no process
 * ever crosses a core: what the cores do alone, the emulator's scaling).
 * Besides the figure, a line says where the window's time went. */
static void rings(bool pinned)
{
    uint32_t rings = cpus_online_count();
    rings_stop = 0;
    ring_cross_hops = 0;
    uint32_t core = 0;
    for (uint32_t r = 0; r < rings; r++) {
        ring_hops[r] = 0;
        struct spawn_opts o = SPAWN_OPTS_DEFAULT;
        o.stack_size = 4096;
        if (pinned) {
            while (!cpu_is_online(core))
                core++;
            o.pin_cpu = (int32_t)core++;
        }
        pid_t *pids = ring_pids[r];
        for (int i = RINGS_SIZE - 1; i >= 0; i--) {
            free_args[r][i].ring = r;
            pids[i] = spawn_opt(free_ring_node, &free_args[r][i], &o, NULL);
        }
        for (int i = 0; i < RINGS_SIZE; i++)
            free_args[r][i].next = pids[(i + 1) % RINGS_SIZE]; /* set before the first token */
        uint64_t token = this_cpu_id();
        send(pids[0], &token, sizeof token);
    }
    sleep_ms(50); /* let them spread */
    struct sched_totals before, after;
    uint64_t start = total_hops(rings, NULL, NULL);
    uint64_t cross_start = __atomic_load_n(&ring_cross_hops, __ATOMIC_RELAXED);
    sched_totals(&before);
    uint64_t t0 = timer_now();
    sleep_ms(RINGS_MS);
    uint64_t least, most;
    uint64_t hops = total_hops(rings, &least, &most);
    uint64_t cross = __atomic_load_n(&ring_cross_hops, __ATOMIC_RELAXED) - cross_start;
    uint64_t ns = elapsed_ns(t0);
    sched_totals(&after);
    __atomic_store_n(&rings_stop, 1, __ATOMIC_RELEASE); /* release: the window's reads above before the nodes stop */
    bench_report_in(pinned ? "sched_rings_pinned" : "sched_rings",
                    sched_global_queue() ? "global-queue" : "per-core-queues",
                    (hops - start) * 1000000 * 1000 / (ns ? ns : 1), "hops/ms",
                    pinned ? "one ring of 100 processes per core, pinned there"
                           : "one ring of 100 unpinned processes per core");
    uint64_t idle_ns = timer_ticks_to_ns(after.idle_ticks - before.idle_ticks);
    kprintf("%s: in %lu ms: %lu%% of the hops crossed cores; a ring's hops since start %lu to %lu; %lu switches, %lu steals, %lu migrations "
            "(%lu balancer IPIs), %lu IPI wakeups, %lu without, cores idle %lu%% of the time\n",
            pinned ? "sched_rings_pinned" : "sched_rings", (unsigned long)(ns / 1000000),
            (unsigned long)(hops > start ? cross * 100 / (hops - start) : 0), (unsigned long)least,
            (unsigned long)most, (unsigned long)(after.switches - before.switches),
            (unsigned long)(after.steals - before.steals), (unsigned long)(after.migrations - before.migrations),
            (unsigned long)(after.balance_ipis - before.balance_ipis),
            (unsigned long)(after.ipi_wakeups - before.ipi_wakeups),
            (unsigned long)(after.wakeups_no_ipi - before.wakeups_no_ipi),
            (unsigned long)(ns ? idle_ns * 100 / ((uint64_t)rings * ns) : 0));
    for (uint32_t r = 0; r < rings; r++)
        for (int i = 0; i < RINGS_SIZE; i++)
            kill(ring_pids[r][i]);
    sleep_ms(50); /* their exits done before the next benchmark */
}

BENCH(sched_rings) { rings(false); }
BENCH(sched_rings_pinned) { rings(true); }
