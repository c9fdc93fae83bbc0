/* An idle core steals from its own cluster first. On a machine with two
 * clusters or more: every core but one (the thief) is held by a pinned
 * high-priority blocker; one core of the thief's cluster and one of another
 * cluster each queue one movable process; then the thief's blocker ends.
 * The thief's first steal must come from its own cluster, its second from
 * the other. Which core may steal is decided by who is idle, so the test
 * process spins (it holds core 0) rather than sleep. */
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <arch/timer.h>
#include <boot/boot.h>
#include <tests/image/harness.h>
#include <tests/image/proc_helpers.h>

#define WAIT_MS 5000

static uint32_t blocker_running[MAX_CPUS], blocker_release[MAX_CPUS];
static uint32_t spawn_request[MAX_CPUS], spawn_done[MAX_CPUS];
static uint32_t ran_count, ran_from[2], ran_on[2]; /* 1 + a core, in the order the workers ran */

static uint32_t cluster_of(uint32_t cpu) { return platform.cpus[cpu_dt_index[cpu]].cluster; }

static void stolen_worker(void *arg)
{
    uint32_t slot = __atomic_fetch_add(&ran_count, 1, __ATOMIC_RELAXED); /* a ticket; the data is released below */
    if (slot < 2) {
        ran_from[slot] = (uint32_t)(uintptr_t)arg + 1;
        /* Release: ran_from before ran_on, which the test polls. */
        __atomic_store_n(&ran_on[slot], this_cpu_id() + 1, __ATOMIC_RELEASE);
    }
}

/* Holds its core until released; on request, queues one worker there. */
static void blocker(void *arg)
{
    (void)arg;
    uint32_t me = this_cpu_id();
    /* Release/acquire pairs with the test: each flag hands over what came before it. */
    __atomic_store_n(&blocker_running[me], 1, __ATOMIC_RELEASE);
    while (!__atomic_load_n(&blocker_release[me], __ATOMIC_ACQUIRE)) {
        if (__atomic_load_n(&spawn_request[me], __ATOMIC_ACQUIRE) && !spawn_done[me]) {
            spawn(stolen_worker, (void *)(uintptr_t)me); /* unpinned: queued here, movable */
            __atomic_store_n(&spawn_done[me], 1, __ATOMIC_RELEASE);
        }
        cpu_relax();
    }
}

static bool all_set(const uint32_t *flags, uint32_t except_cpu)
{
    for (uint32_t cpu = 1; cpu < cpus_possible; cpu++)
        if (cpu != except_cpu && cpu_is_online(cpu) && !__atomic_load_n(&flags[cpu], __ATOMIC_ACQUIRE))
            return false;
    return true;
}

static bool spin_until(bool (*cond)(void), uint64_t ms)
{
    uint64_t end = timer_now() + timer_ns_to_ticks(ms * 1000000ULL);
    while (!cond() && timer_now() < end)
        cpu_relax();
    return cond();
}

static uint32_t near_victim, far_victim;
static bool blockers_up(void) { return all_set(blocker_running, UINT32_MAX); }
static bool victims_queued(void)
{
    return __atomic_load_n(&spawn_done[near_victim], __ATOMIC_ACQUIRE) &&
           __atomic_load_n(&spawn_done[far_victim], __ATOMIC_ACQUIRE);
}
static bool both_ran(void) { return __atomic_load_n(&ran_on[1], __ATOMIC_ACQUIRE) && __atomic_load_n(&ran_on[0], __ATOMIC_ACQUIRE); }

static bool steal_round(uint32_t thief, uint32_t near, uint32_t far)
{
    uint64_t refs[MAX_CPUS];
    for (uint32_t cpu = 0; cpu < cpus_possible; cpu++)
        blocker_running[cpu] = blocker_release[cpu] = spawn_request[cpu] = spawn_done[cpu] = 0;
    ran_count = 0;
    ran_from[0] = ran_from[1] = ran_on[0] = ran_on[1] = 0;
    near_victim = near, far_victim = far;
    uint64_t made = 0;
    for (uint32_t cpu = 1; cpu < cpus_possible; cpu++)
        if (cpu_is_online(cpu) && spawn_monitored(blocker, NULL, (int)cpu, PRIO_HIGH, &refs[cpu]))
            made |= 1UL << cpu;
    bool up = spin_until(blockers_up, WAIT_MS);
    if (up) {
        /* Release: the flags above are reset before a blocker acts on these. */
        __atomic_store_n(&spawn_request[near], 1, __ATOMIC_RELEASE);
        __atomic_store_n(&spawn_request[far], 1, __ATOMIC_RELEASE);
    }
    bool queued = up && spin_until(victims_queued, WAIT_MS);
    if (queued)
        __atomic_store_n(&blocker_release[thief], 1, __ATOMIC_RELEASE); /* the thief goes idle and steals */
    bool ran = queued && spin_until(both_ran, WAIT_MS);
    for (uint32_t cpu = 1; cpu < cpus_possible; cpu++)
        __atomic_store_n(&blocker_release[cpu], 1, __ATOMIC_RELEASE);
    for (uint32_t cpu = 1; cpu < cpus_possible; cpu++)
        if (made >> cpu & 1)
            TEST_ASSERT(wait_down(refs[cpu], NULL), "the blocker on cpu%u did not end", cpu);
    TEST_ASSERT(up && queued, "%s", up ? "the victims queued nothing" : "not every core's blocker ran");
    TEST_ASSERT(ran, "idle cpu%u stole %u of the 2 queued processes", thief, ran_count);
    TEST_ASSERT(ran_on[0] == thief + 1 && ran_on[1] == thief + 1, "they ran on cpu%d and cpu%d, expected the thief cpu%u",
                (int)ran_on[0] - 1, (int)ran_on[1] - 1, thief);
    TEST_ASSERT(ran_from[0] == near + 1 && ran_from[1] == far + 1,
                "cpu%u (cluster %u) stole from cpu%d (cluster %u) first, then cpu%d; expected cpu%u of its own cluster, "
                "then cpu%u (cluster %u)",
                thief, cluster_of(thief), (int)ran_from[0] - 1, cluster_of(ran_from[0] - 1), (int)ran_from[1] - 1, near,
                far, cluster_of(far));
    return true;
}

/* The lowest core of `cluster` (or of any other cluster, if !in) that is
 * neither 0 nor `not`; -1 if none. */
static int lowest_core(uint32_t cluster, bool in, uint32_t not)
{
    for (uint32_t cpu = 1; cpu < cpus_possible; cpu++)
        if (cpu != not && cpu_is_online(cpu) && (cluster_of(cpu) == cluster) == in)
            return (int)cpu;
    return -1;
}

IMAGE_TEST(sched, steal_from_own_cluster_first)
{
    if (sched_global_queue())
        TEST_SKIP("sched=global: one shared queue, nothing to steal");
    uint32_t last = cpus_possible - 1;
    if (cpus_online_count() != cpus_possible || lowest_core(cluster_of(last), false, last) < 0)
        TEST_SKIP("one cluster: no nearer core to prefer");
    /* The far victim has the lower number: a choice blind to clusters takes it first. */
    int near = lowest_core(cluster_of(last), true, last), far = lowest_core(cluster_of(last), false, last);
    if (near < 0)
        TEST_SKIP("cpu%u is alone in its cluster", last);
    if (!steal_round(last, (uint32_t)near, (uint32_t)far))
        return false;
    /* And the other way round, from the boot core's cluster, if it holds a thief and a victim beside core 0. */
    uint32_t home = cluster_of(0);
    int thief = -1;
    for (uint32_t cpu = 1; cpu < cpus_possible; cpu++)
        if (cluster_of(cpu) == home)
            thief = (int)cpu;
    if (thief > 0 && lowest_core(home, true, (uint32_t)thief) > 0)
        return steal_round((uint32_t)thief, (uint32_t)lowest_core(home, true, (uint32_t)thief),
                           (uint32_t)lowest_core(home, false, (uint32_t)thief));
    return true;
}
