/* Locks on every core: a shared counter guarded by each lock kind is exact
 * after N cores x M increments; the ticket lock serves in the order tickets
 * were drawn, and a test-and-set lock fails that check; lockstat counts what
 * happened. */
#include <stddef.h>
#include <string.h>

#include <arch/atomic.h>
#include <arch/cpu.h>
#include <arch/timer.h>
#include <drivers/console.h>
#include <sched/sched.h>
#include <sync/mcs.h>
#include <sync/rwlock.h>
#include <sync/seqlock.h>
#include <sync/spinlock.h>
#include <tests/image/harness.h>
#include <tests/image/sync_everywhere.h>

/* Per lock kind: small, since TCG vCPUs share 2 host cores and a FIFO lock
 * whose next holder is descheduled stalls everyone (lock-waiter preemption);
 * past 4 cores the total stays 4 cores' (8 cores took 100 s of make test). */
#define INCREMENTS_PER_CORE (cpus_online_count() <= 4 ? 400 : 1600 / cpus_online_count())
#define RUN_TIMEOUT_MS 60000

enum lock_kind { KIND_TICKET, KIND_TRYLOCK, KIND_IRQSAVE, KIND_MCS, KIND_RWLOCK, KIND_SEQLOCK, KIND_XCHG };
static const char *const kind_names[] = {"ticket", "trylock", "irqsave", "mcs", "rwlock-write", "seqlock-write",
                                         "xchg-acquire/store-release"};

static DEFINE_SPINLOCK(ticket, "test-ticket");
static struct mcs_lock mcs = MCS_LOCK_INIT("test-mcs");
static struct rwlock rw = RWLOCK_INIT("test-rw");
static struct seqlock seq = SEQLOCK_INIT("test-seq");
static uint32_t xchg_lock;
static uint64_t counter; /* guarded by the lock under test */

/* A read-modify-write spread out, so a broken lock loses updates. */
static void unsafe_increment(void)
{
    uint64_t v = counter;
    for (volatile int spin = 0; spin < 3; spin++) /* widen the window (not synchronisation) */
        ;
    counter = v + 1;
}

static void hammer(void *arg)
{
    enum lock_kind kind = (enum lock_kind)(uintptr_t)arg;
    for (uint32_t i = 0; i < INCREMENTS_PER_CORE; i++) {
        switch (kind) {
        case KIND_TICKET:
            spin_lock(&ticket);
            unsafe_increment();
            spin_unlock(&ticket);
            break;
        case KIND_TRYLOCK:
            while (!spin_trylock(&ticket))
                cpu_relax();
            unsafe_increment();
            spin_unlock(&ticket);
            break;
        case KIND_IRQSAVE: {
            uint64_t flags = spin_lock_irqsave(&ticket);
            unsafe_increment();
            spin_unlock_irqrestore(&ticket, flags);
            break;
        }
        case KIND_MCS: {
            struct mcs_node node;
            mcs_lock(&mcs, &node);
            unsafe_increment();
            mcs_unlock(&mcs, &node);
            break;
        }
        case KIND_RWLOCK:
            write_lock(&rw);
            unsafe_increment();
            write_unlock(&rw);
            break;
        case KIND_SEQLOCK: {
            uint64_t flags = write_seqlock(&seq);
            unsafe_increment();
            write_sequnlock(&seq, flags);
            break;
        }
        case KIND_XCHG:
            while (atomic32_xchg_acquire(&xchg_lock, 1)) /* acquire: section after taking it */
                cpu_relax();
            unsafe_increment();
            store_release(&xchg_lock, 0); /* release: section before the lock is free */
            break;
        }
    }
}

IMAGE_TEST(sync, counter_exact_every_lock_kind)
{
    uint32_t n = cpus_online_count();
    for (enum lock_kind kind = KIND_TICKET; kind <= KIND_XCHG; kind++) {
        counter = 0;
        TEST_ASSERT(run_on_every_core(hammer, (void *)(uintptr_t)kind, RUN_TIMEOUT_MS), "%s: cores did not finish",
                    kind_names[kind]);
        uint64_t want = (uint64_t)n * INCREMENTS_PER_CORE;
        kprintf("sync: %s: %lu increments at %lu ms\n", kind_names[kind], (unsigned long)counter, (unsigned long)(timer_ticks_to_ns(timer_now()) / 1000000));
        TEST_ASSERT(counter == want, "%s: counter %lu after %u cores x %u increments (want %lu)", kind_names[kind],
                    (unsigned long)counter, n, INCREMENTS_PER_CORE, (unsigned long)want);
    }
    TEST_ASSERT(!spin_is_locked(&ticket) && mcs.tail == 0 && rw.word == 0 && !(seq.seq & 1),
                "a lock was left held");
    return true;
}

/* Readers and writers together: writers keep two words equal; readers must
 * never see them differ, and the reader count never goes negative. */
static uint64_t rw_a, rw_b, rw_torn;

static void rw_mix(void *arg)
{
    (void)arg;
    uint32_t me = this_cpu_id();
    for (uint32_t i = 0; i < INCREMENTS_PER_CORE / 2; i++) {
        if ((i + me) % 4 == 0) {
            write_lock(&rw);
            WRITE_ONCE(rw_a, rw_a + 1);
            WRITE_ONCE(rw_b, rw_b + 1);
            write_unlock(&rw);
        } else {
            read_lock(&rw);
            uint64_t a = READ_ONCE(rw_a), b = READ_ONCE(rw_b);
            read_unlock(&rw);
            if (a != b)
                atomic64_add(&rw_torn, 1); /* a count only */
        }
    }
}

IMAGE_TEST(sync, rwlock_readers_see_whole_writes)
{
    rw_a = rw_b = rw_torn = 0;
    TEST_ASSERT(run_on_every_core(rw_mix, NULL, RUN_TIMEOUT_MS), "cores did not finish");
    TEST_ASSERT(rw_torn == 0, "%lu reads saw a half-done write", (unsigned long)rw_torn);
    uint64_t writes = 0;
    for (uint32_t cpu = 0; cpu < cpus_online_count(); cpu++)
        for (uint32_t i = 0; i < INCREMENTS_PER_CORE / 2; i++)
            writes += (i + cpu) % 4 == 0;
    TEST_ASSERT(rw_a == writes && rw_b == writes, "%lu/%lu writes counted, %lu made", (unsigned long)rw_a,
                (unsigned long)rw_b, (unsigned long)writes);
    TEST_ASSERT(rw.word == 0, "rwlock word %#x after every unlock", rw.word);
    return true;
}

/* Fairness, checked from the outside: each acquisition logs, inside the
 * critical section, the ticket its lock call drew and its core, so the log is
 * the order of service. A FIFO lock serves the tickets in the order drawn,
 * and no waiter is overtaken (served after a ticket drawn later than its own)
 * more than cores - 1 times. A test-and-set lock, where whoever's exchange
 * lands first wins, does neither (fairness_check_rejects_test_and_set). */
#define FAIRNESS_LOG 8192      /* the log's room: 1000 rounds on up to 8 cores */
#define FAIRNESS_SERVICES 2048 /* acquisitions per run, over all cores (each handover may wait for a vCPU) */
#define FAIRNESS_ROUNDS_MAX 1000

struct fair_lock {
    const char *name;
    uint16_t (*acquire)(void); /* returns the ticket it drew */
    void (*release)(void);
};

struct service {
    uint16_t ticket;
    uint16_t cpu;
};

static struct service service_log[FAIRNESS_LOG];
static uint32_t services;         /* guarded by the lock under test */
static uint32_t fairness_rounds;
static const struct fair_lock *fair_lock_under_test;

static void log_service(uint16_t ticket)
{
    if (services < FAIRNESS_LOG)
        service_log[services] = (struct service){ticket, (uint16_t)this_cpu_id()};
    services++;
}

static void fairness(void *arg)
{
    (void)arg;
    const struct fair_lock *l = fair_lock_under_test;
    for (uint32_t i = 0; i < fairness_rounds; i++) {
        uint16_t mine = l->acquire();
        log_service(mine);
        l->release();
    }
}

struct fairness_verdict {
    uint32_t bad_tickets;     /* drawn twice, or outside the range handed out */
    uint32_t out_of_order;    /* handovers to other than the next ticket */
    uint32_t first_break;     /* service index of the first of them */
    uint32_t worst_overtaken; /* most later tickets served ahead of one waiter */
    uint32_t worst_cpu;
};

/* served[]: a Fenwick tree over ticket ranks, counting the ranks served so far. */
static uint16_t served_tree[FAIRNESS_LOG + 1];

static uint32_t served_below(uint32_t rank)
{
    uint32_t n = 0;
    for (uint32_t i = rank; i; i -= i & -i)
        n += served_tree[i];
    return n;
}

static void mark_served(uint32_t rank, uint32_t count)
{
    for (uint32_t i = rank + 1; i <= count; i += i & -i)
        served_tree[i]++;
}

/* Judge a log of `count` services whose tickets were drawn from `base` on. */
static struct fairness_verdict judge_fairness(const struct service *log, uint32_t count, uint16_t base)
{
    struct fairness_verdict v = {0, 0, 0, 0, 0};
    memset(served_tree, 0, sizeof served_tree);
    uint32_t served = 0, prev = UINT32_MAX;
    for (uint32_t k = 0; k < count; k++) {
        uint32_t rank = (uint16_t)(log[k].ticket - base);
        if (rank >= count || served_below(rank + 1) != served_below(rank)) {
            v.bad_tickets++;
            continue;
        }
        if (rank != prev + 1 && !v.out_of_order++)
            v.first_break = k;
        prev = rank;
        uint32_t overtaken = served - served_below(rank); /* served before it, drawn after it */
        if (overtaken > v.worst_overtaken) {
            v.worst_overtaken = overtaken;
            v.worst_cpu = log[k].cpu;
        }
        mark_served(rank, count);
        served++;
    }
    return v;
}

static void fairness_report(const char *name, const struct fairness_verdict *v, uint32_t n)
{
    kprintf("sync: %s: %u services on %u cores: %u out of ticket order, a waiter overtaken at most %u times "
            "(cpu%u), %u bad tickets\n",
            name, services, n, v->out_of_order, v->worst_overtaken, v->worst_cpu, v->bad_tickets);
}

static uint16_t ticket_acquire(void) { return spin_lock_ticket(&ticket); }
static void ticket_release(void) { spin_unlock(&ticket); }
static const struct fair_lock ticket_lock_kind = {"ticket lock", ticket_acquire, ticket_release};

IMAGE_TEST(sync, ticket_fairness_bounded)
{
    uint32_t n = cpus_online_count();
    fairness_rounds = FAIRNESS_SERVICES / n < FAIRNESS_ROUNDS_MAX ? FAIRNESS_SERVICES / n : FAIRNESS_ROUNDS_MAX;
    fair_lock_under_test = &ticket_lock_kind;
    services = 0;
    uint16_t base = ticket.next; /* the lock is free: the first ticket the run draws */
    TEST_ASSERT(run_on_every_core(fairness, NULL, RUN_TIMEOUT_MS), "cores did not finish");
    TEST_ASSERT(services == n * fairness_rounds, "%u services of %u", services, n * fairness_rounds);
    struct fairness_verdict v = judge_fairness(service_log, services, base);
    fairness_report(ticket_lock_kind.name, &v, n);
    TEST_ASSERT(v.bad_tickets == 0, "%u tickets drawn twice or out of range", v.bad_tickets);
    TEST_ASSERT(v.out_of_order == 0, "%u handovers out of ticket order, the first at service %u (ticket %u)",
                v.out_of_order, v.first_break, service_log[v.first_break].ticket);
    TEST_ASSERT(v.worst_overtaken <= n - 1, "cpu%u was overtaken %u times while waiting (%u cores)", v.worst_cpu,
                v.worst_overtaken, n);
    return true;
}

/* The check has teeth: a test-and-set lock, its tickets only the order of
 * arrival, under a schedule it allows (a waiter slow to retry, as a
 * descheduled vCPU is): cpu0 takes the lock, then cpu1 arrives and waits,
 * cpu0 releases and takes it again n times before cpu1's exchange comes round.
 * The gate stands for cpu1's slowness, so the run is deterministic. */
static uint32_t tas_word, tas_arrivals, tas_gate, tas_held;

static uint16_t tas_acquire(void)
{
    uint16_t ticket = (uint16_t)atomic32_fetch_add(&tas_arrivals, 1); /* fully ordered: arrival before trying */
    if (this_cpu_id() == 1)
        while (!load_acquire(&tas_gate)) /* acquire: pairs with cpu0's release of the gate */
            cpu_relax();
    while (atomic32_xchg_acquire(&tas_word, 1)) /* acquire: the section after taking it */
        cpu_relax();
    return ticket;
}

static void tas_release(void) { store_release(&tas_word, 0); /* release: the section before the lock is free */ }

static void unfair_schedule(void *arg)
{
    uint32_t n = *(uint32_t *)arg;
    if (this_cpu_id() == 1) {
        while (!load_acquire(&tas_held)) /* acquire: pairs with cpu0's release once it holds the lock */
            cpu_relax();
        uint16_t mine = tas_acquire();
        log_service(mine);
        tas_release();
        return;
    }
    if (this_cpu_id() != 0)
        return;
    uint16_t first = tas_acquire();
    store_release(&tas_held, 1); /* release: our arrival (ticket 0) comes before cpu1's */
    while (load_acquire(&tas_arrivals) < 2) /* acquire: cpu1's arrival (a full RMW) is done */
        cpu_relax();
    log_service(first);
    tas_release();
    for (uint32_t i = 0; i < n; i++) {
        uint16_t again = tas_acquire();
        log_service(again);
        tas_release();
    }
    store_release(&tas_gate, 1); /* release: our services are logged before cpu1 logs its own */
}

IMAGE_TEST(sync, fairness_check_rejects_test_and_set)
{
    uint32_t n = cpus_online_count();
    if (n < 2)
        TEST_SKIP("one core: no waiter to overtake");
    tas_word = tas_arrivals = tas_gate = tas_held = 0;
    services = 0;
    TEST_ASSERT(run_on_every_core(unfair_schedule, &n, RUN_TIMEOUT_MS), "cores did not finish");
    TEST_ASSERT(services == n + 2, "%u services of %u", services, n + 2);
    struct fairness_verdict v = judge_fairness(service_log, services, 0);
    fairness_report("test-and-set lock", &v, n);
    TEST_ASSERT(v.bad_tickets == 0, "%u bad tickets in a scripted run", v.bad_tickets);
    TEST_ASSERT(v.out_of_order > 0, "the check saw an overtaking test-and-set lock serve in ticket order");
    TEST_ASSERT(v.worst_overtaken == n && v.worst_cpu == 1,
                "the check saw cpu%u overtaken %u times; cpu1 was, %u times", v.worst_cpu, v.worst_overtaken, n);
    return true;
}

/* What the lock statistics count: in the debug build (LOCKS=debug) every
 * acquisition; in the lean one only contended ones, and the lock is listed
 * from its first wait. Either way the holder keeps them: exact counts. */
IMAGE_TEST(sync, lockstat_counts_acquisitions)
{
    static struct spinlock counted = SPINLOCK_INIT("test-lockstat");
    for (int i = 0; i < 100; i++) {
        spin_lock(&counted);
        spin_unlock(&counted);
    }
    TEST_ASSERT(spin_trylock(&counted), "trylock of a free lock failed");
    TEST_ASSERT(!spin_trylock(&counted), "trylock of a lock we hold succeeded");
    spin_unlock(&counted);
    uint64_t uncontended = SPIN_DEBUG ? 101 : 0;
    TEST_ASSERT(counted.stat.acquired == uncontended, "acquired %lu, want %lu (%s build)",
                (unsigned long)counted.stat.acquired, (unsigned long)uncontended, SPIN_DEBUG ? "debug" : "lean");
    TEST_ASSERT(counted.stat.contended == 0, "uncontended lock counted %lu contended",
                (unsigned long)counted.stat.contended);
    TEST_ASSERT(SPIN_DEBUG || !lockstat_by_id(lockstat_id(&counted.stat)), "lean: listed, never contended");
    /* Under contention: the counts are kept by the holder, so they are exact. */
    lockstat_reset(&ticket.stat);
    counter = 0;
    TEST_ASSERT(run_on_every_core(hammer, (void *)(uintptr_t)KIND_TICKET, RUN_TIMEOUT_MS), "cores did not finish");
    uint64_t want = (uint64_t)cpus_online_count() * INCREMENTS_PER_CORE;
    TEST_ASSERT(counter == want, "test-ticket: %lu increments, %lu made", (unsigned long)counter, (unsigned long)want);
    TEST_ASSERT(ticket.stat.acquired == (SPIN_DEBUG ? want : 0), "test-ticket: %lu acquisitions counted, %lu made",
                (unsigned long)ticket.stat.acquired, (unsigned long)want);
    TEST_ASSERT(ticket.stat.contended <= want, "more contended than acquisitions");
    TEST_ASSERT(cpus_online_count() > 1 || ticket.stat.contended == 0, "one core, yet contended");
    TEST_ASSERT(!ticket.stat.contended || ticket.stat.max_wait > 0, "contended but no wait recorded");
    TEST_ASSERT(!ticket.stat.contended || lockstat_by_id(lockstat_id(&ticket.stat)) == &ticket.stat,
                "contended %lu times, yet not listed", (unsigned long)ticket.stat.contended);
    lockstat_report();
    return true;
}

/* A lock of which there is one per object (a process's links lock) joins the
 * statistics' list only once contended: listed at first use, a million
 * processes made a million rows. (The debug build counts its acquisitions
 * either way.) */
static struct spinlock per_object = SPINLOCK_INIT_PER_OBJECT("test-per-object");

static uint32_t contender_at; /* 1: about to take it, 2: took it and let go */

static void contend_per_object(void *arg)
{
    (void)arg;
    store_release(&contender_at, 1); /* release: nothing before it matters; a flag */
    spin_lock(&per_object);
    spin_unlock(&per_object);
    store_release(&contender_at, 2); /* release: its acquisition is counted before the flag */
}

IMAGE_TEST(sync, per_object_lock_listed_once_contended)
{
    if (cpus_online_count() < 2)
        TEST_SKIP("one core: nothing to contend");
    for (int i = 0; i < 100; i++) {
        spin_lock(&per_object);
        spin_unlock(&per_object);
    }
    TEST_ASSERT(per_object.stat.acquired == (SPIN_DEBUG ? 100 : 0), "acquired %lu, want %u",
                (unsigned long)per_object.stat.acquired, SPIN_DEBUG ? 100 : 0);
    TEST_ASSERT(!lockstat_by_id(lockstat_id(&per_object.stat)), "listed before it was ever contended");
    /* Held here while a process on another core asks for it: it must wait. */
    contender_at = 0;
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.pin_cpu = this_cpu_id() ? 0 : 1;
    uint64_t flags = spin_lock_irqsave(&per_object);
    TEST_ASSERT(spawn_opt(contend_per_object, NULL, &o, NULL), "spawn failed: %s", spawn_error());
    uint64_t end = timer_now() + timer_ns_to_ticks(RUN_TIMEOUT_MS * 1000000ULL);
    while (!load_acquire(&contender_at) && timer_now() < end) /* acquire: pairs with its flag */
        cpu_relax();
    uint64_t hold = timer_now() + timer_ns_to_ticks(5000000); /* 5 ms: it is inside spin_lock by then */
    while (timer_now() < hold)
        cpu_relax();
    spin_unlock_irqrestore(&per_object, flags);
    while (load_acquire(&contender_at) != 2 && timer_now() < end)
        cpu_relax();
    TEST_ASSERT(load_acquire(&contender_at) == 2, "the contender did not get the lock");
    TEST_ASSERT(per_object.stat.contended, "its wait was not counted (%lu acquired)",
                (unsigned long)per_object.stat.acquired);
    TEST_ASSERT(lockstat_by_id(lockstat_id(&per_object.stat)) == &per_object.stat,
                "contended %lu times, yet not listed", (unsigned long)per_object.stat.contended);
    return true;
}
