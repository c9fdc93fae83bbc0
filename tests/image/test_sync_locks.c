/* Locks on every core: a shared counter guarded by each lock kind is exact
 * after N cores x M increments; the ticket lock hands over in order; lockstat
 * counts what happened. */
#include <stddef.h>

#include <arch/atomic.h>
#include <arch/cpu.h>
#include <arch/timer.h>
#include <drivers/console.h>
#include <sync/mcs.h>
#include <sync/rwlock.h>
#include <sync/seqlock.h>
#include <sync/spinlock.h>
#include <tests/image/harness.h>
#include <tests/image/sync_everywhere.h>

#define INCREMENTS_PER_CORE 400 /* per lock kind: small, since TCG vCPUs share 2 host cores and a FIFO lock whose next holder is descheduled stalls everyone (lock-waiter preemption) */
#define RUN_TIMEOUT_MS 60000

enum lock_kind { KIND_TICKET, KIND_TRYLOCK, KIND_IRQSAVE, KIND_MCS, KIND_RWLOCK, KIND_SEQLOCK, KIND_XCHG };
static const char *const kind_names[] = {"ticket", "trylock", "irqsave", "mcs", "rwlock-write", "seqlock-write",
                                         "xchg-acquire/store-release"};

static struct spinlock ticket = SPINLOCK_INIT("test-ticket");
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

/* Fairness: the ticket lock serves tickets strictly in order (each holder
 * finds owner = the previous holder's + 1), and a new ticket never finds more
 * than (cores - 1) ahead of it: so no core waits more than cores - 1
 * handovers, however the host schedules the vCPUs. */
#define FAIRNESS_ROUNDS 1000
static uint32_t order_breaks, served;
static uint16_t last_served;

static void fairness(void *arg)
{
    (void)arg;
    for (uint32_t i = 0; i < FAIRNESS_ROUNDS; i++) {
        spin_lock(&ticket);
        uint16_t mine = ticket.owner; /* the ticket being served is ours */
        if (served++ && mine != (uint16_t)(last_served + 1))
            order_breaks++;
        last_served = mine;
        spin_unlock(&ticket);
    }
}

IMAGE_TEST(sync, ticket_fairness_bounded)
{
    uint32_t n = cpus_online_count();
    order_breaks = served = 0;
    ticket.max_ahead = 0;
    TEST_ASSERT(run_on_every_core(fairness, NULL, RUN_TIMEOUT_MS), "cores did not finish");
    kprintf("sync: ticket lock: longest queue ahead of a new ticket %u with %u cores; %u handovers\n",
            ticket.max_ahead, n, served);
    TEST_ASSERT(served == n * FAIRNESS_ROUNDS, "%u handovers", served);
    TEST_ASSERT(order_breaks == 0, "%u handovers out of ticket order", order_breaks);
    TEST_ASSERT(ticket.max_ahead <= n - 1, "a ticket found %u ahead with %u cores", ticket.max_ahead, n);
    return true;
}

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
    TEST_ASSERT(counted.stat.acquired == 101, "acquired %lu, want 101", (unsigned long)counted.stat.acquired);
    TEST_ASSERT(counted.stat.contended == 0, "uncontended lock counted %lu contended",
                (unsigned long)counted.stat.contended);
    /* Under contention: the counts are kept by the holder, so they are exact. */
    lockstat_reset(&ticket.stat);
    counter = 0;
    TEST_ASSERT(run_on_every_core(hammer, (void *)(uintptr_t)KIND_TICKET, RUN_TIMEOUT_MS), "cores did not finish");
    uint64_t want = (uint64_t)cpus_online_count() * INCREMENTS_PER_CORE;
    TEST_ASSERT(ticket.stat.acquired == want, "test-ticket: %lu acquisitions counted, %lu made",
                (unsigned long)ticket.stat.acquired, (unsigned long)want);
    TEST_ASSERT(ticket.stat.contended <= want, "more contended than acquisitions");
    TEST_ASSERT(cpus_online_count() > 1 || ticket.stat.contended == 0, "one core, yet contended");
    TEST_ASSERT(!ticket.stat.contended || ticket.stat.max_wait > 0, "contended but no wait recorded");
    lockstat_report();
    return true;
}
