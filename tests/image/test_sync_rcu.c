/* RCU: readers on every other core never touch freed (poisoned) memory while
 * the boot core replaces the object thousands of times, freeing the old one
 * from call_rcu or (every 8th) after synchronize_rcu; grace periods end in bounded time,
 * also when the other cores sit idle in WFI. */
#include <stddef.h>

#include <arch/atomic.h>
#include <arch/cpu.h>
#include <arch/timer.h>
#include <drivers/console.h>
#include <sync/rcu.h>
#include <sync/spinlock.h>
#include <tests/image/harness.h>
#include <tests/image/sync_everywhere.h>

#define RCU_UPDATES 2000
#define RCU_POOL 64
#define RCU_SYNC_EVERY 8 /* every 8th update waits in synchronize_rcu; the rest use call_rcu */
/* A stall detector, not a speed test (make bench measures): a grace period
 * takes milliseconds, a stalled one never ends. Wall time under TCG: a host
 * loaded 10x over its 2 cores has held one vCPU off for 2.5 s (CI, 128 MiB). */
#define RCU_GP_BOUND_MS 10000
#define RUN_TIMEOUT_MS 120000
#define NODE_LIVE 0x1111111111111111ULL
#define NODE_POISON 0xdeaddeaddeaddeadULL

struct node {
    struct rcu_head rh; /* first: the callback gets this pointer */
    uint64_t magic;
    uint64_t gen;
    uint64_t check;     /* ~gen */
};

static struct node pool[RCU_POOL];
static struct node *free_list[RCU_POOL];
static uint32_t free_count;
static DEFINE_SPINLOCK(free_lock, "test-rcu-free");
static struct node *current_node;
static uint32_t updates_done;
static uint64_t bad_reads, good_reads, max_sync_ticks;

static void node_free(struct node *n)
{
    /* Poison first: a reader that still holds n sees it. */
    WRITE_ONCE(n->magic, NODE_POISON);
    WRITE_ONCE(n->check, 0);
    uint64_t flags = spin_lock_irqsave(&free_lock);
    free_list[free_count++] = n;
    spin_unlock_irqrestore(&free_lock, flags);
}

static void node_free_rcu(struct rcu_head *h) { node_free((struct node *)h); }

static struct node *node_alloc(void)
{
    for (;;) {
        uint64_t flags = spin_lock_irqsave(&free_lock);
        struct node *n = free_count ? free_list[--free_count] : NULL;
        spin_unlock_irqrestore(&free_lock, flags);
        if (n)
            return n;
        rcu_quiescent_state(); /* all in flight: help the grace period along */
        cpu_relax();
    }
}

static void reader(void)
{
    uint64_t bad = 0, good = 0;
    while (!load_acquire(&updates_done)) { /* acquire: pairs with the updater's release */
        for (int k = 0; k < 8; k++) {
            rcu_read_lock();
            struct node *p = rcu_dereference(current_node);
            uint64_t m1 = READ_ONCE(p->magic), g = READ_ONCE(p->gen);
            for (volatile int spin = 0; spin < 20; spin++) /* hold the reference a while */
                ;
            uint64_t m2 = READ_ONCE(p->magic), c = READ_ONCE(p->check);
            rcu_read_unlock();
            if (m1 != NODE_LIVE || m2 != NODE_LIVE || c != ~g)
                bad++;
            else
                good++;
        }
        rcu_quiescent_state(); /* between read-side sections */
    }
    atomic64_add(&bad_reads, bad); /* counts only */
    atomic64_add(&good_reads, good);
}

static void updater(void)
{
    for (uint64_t gen = 1; gen <= RCU_UPDATES; gen++) {
        struct node *n = node_alloc();
        n->gen = gen;
        n->check = ~gen;
        n->magic = NODE_LIVE;
        struct node *old = current_node; /* only we write it */
        rcu_assign_pointer(current_node, n); /* STLR: n's fields first */
        if (gen % RCU_SYNC_EVERY == 0) {
            uint64_t t0 = timer_now();
            synchronize_rcu();
            uint64_t took = timer_now() - t0;
            if (took > max_sync_ticks)
                max_sync_ticks = took;
            node_free(old);
        } else {
            call_rcu(&old->rh, node_free_rcu);
        }
        rcu_quiescent_state();
    }
    store_release(&updates_done, 1); /* release: the readers may stop */
}

static void rcu_work(void *arg)
{
    (void)arg;
    if (this_cpu_id() == 0)
        updater();
    else
        reader();
}

IMAGE_TEST(sync, rcu_readers_never_see_freed_memory)
{
    free_count = 0;
    for (uint32_t i = 1; i < RCU_POOL; i++)
        node_free(&pool[i]);
    pool[0] = (struct node){.magic = NODE_LIVE, .gen = 0, .check = ~0ULL};
    current_node = &pool[0];
    updates_done = 0;
    bad_reads = good_reads = max_sync_ticks = 0;
    uint64_t gp0 = rcu_gp_completed();
    TEST_ASSERT(run_on_every_core(rcu_work, NULL, RUN_TIMEOUT_MS), "cores did not finish");
    /* The call_rcu frees still in flight: every node but the current one comes back. */
    uint64_t deadline = timer_now() + timer_ns_to_ticks(RCU_GP_BOUND_MS * 1000000ULL);
    while (READ_ONCE(free_count) < RCU_POOL - 1 && timer_now() < deadline)
        synchronize_rcu();
    uint64_t max_us = timer_ticks_to_ns(max_sync_ticks) / 1000;
    kprintf("sync: rcu: %u updates, %lu grace periods, %lu good reads, slowest synchronize_rcu %lu us\n",
            RCU_UPDATES, (unsigned long)(rcu_gp_completed() - gp0), (unsigned long)good_reads,
            (unsigned long)max_us);
    TEST_ASSERT(bad_reads == 0, "%lu reads touched a freed (poisoned) node", (unsigned long)bad_reads);
    TEST_ASSERT(cpus_online_count() == 1 || good_reads > 0, "no reader read anything");
    TEST_ASSERT(free_count == RCU_POOL - 1, "%u of %u nodes freed back", free_count, RCU_POOL - 1);
    TEST_ASSERT(max_us < RCU_GP_BOUND_MS * 1000ULL, "synchronize_rcu took %lu us (bound %u ms)",
                (unsigned long)max_us, RCU_GP_BOUND_MS);
    return true;
}

/* The other cores idle in WFI: each grace period needs them woken (IPI). */
#define IDLE_GPS 50
static uint32_t callbacks_run;

static void count_callback(struct rcu_head *h)
{
    (void)h;
    atomic32_add(&callbacks_run, 1); /* may run on any core; a count */
}

IMAGE_TEST(sync, rcu_grace_periods_end_with_idle_cores)
{
    uint64_t worst = 0;
    for (int i = 0; i < IDLE_GPS; i++) {
        uint64_t t0 = timer_now();
        synchronize_rcu();
        uint64_t took = timer_now() - t0;
        worst = took > worst ? took : worst;
    }
    uint64_t worst_us = timer_ticks_to_ns(worst) / 1000;
    kprintf("sync: rcu: %u grace periods with idle cores, slowest %lu us\n", IDLE_GPS, (unsigned long)worst_us);
    TEST_ASSERT(worst_us < RCU_GP_BOUND_MS * 1000ULL, "synchronize_rcu took %lu us (bound %u ms)",
                (unsigned long)worst_us, RCU_GP_BOUND_MS);
    /* call_rcu alone (nobody waiting): the callbacks still run. */
    static struct rcu_head heads[IDLE_GPS];
    callbacks_run = 0;
    for (int i = 0; i < IDLE_GPS; i++)
        call_rcu(&heads[i], count_callback);
    uint64_t deadline = timer_now() + timer_ns_to_ticks(RCU_GP_BOUND_MS * 1000000ULL);
    while (atomic_read(&callbacks_run) < IDLE_GPS && timer_now() < deadline)
        rcu_quiescent_state(); /* the boot core is not idle: it reports here */
    TEST_ASSERT(atomic_read(&callbacks_run) == IDLE_GPS, "%u of %u call_rcu callbacks ran",
                atomic_read(&callbacks_run), IDLE_GPS);
    return true;
}
