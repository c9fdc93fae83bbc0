/* sync/'s portable algorithms on the host, under ThreadSanitizer: the same
 * seqlock, RCU and per-CPU counter code as the image, over C11 atomics. */
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include <sync/percpu_counter.h>
#include <sync/rcu.h>
#include <sync/seqlock.h>

#include "host_cpus.h"

static int failures;

/* ---- seqlock: no torn multi-word reads under a continuous writer ---- */
#define SEQ_WRITES 20000
#define SEQ_WORDS 4
static struct seqlock sl = SEQLOCK_INIT("host-seq");
static uint64_t seq_data[SEQ_WORDS];
static uint32_t seq_writer_done;
static uint64_t seq_torn, seq_reads;

static uint64_t seq_readers_ready;

static void seq_thread(void *arg)
{
    (void)arg;
    if (port_cpu_id() == 0) {
        /* Start writing only once every reader runs: on a loaded host the
         * writer could otherwise finish before any reader is scheduled. */
        while (port_load_acquire(&seq_readers_ready) < HOST_THREADS - 1)
            sched_yield();
        for (uint64_t gen = 1; gen <= SEQ_WRITES; gen++) {
            uint64_t flags = write_seqlock(&sl);
            for (int i = 0; i < SEQ_WORDS; i++)
                port_store_relaxed(&seq_data[i], gen * (i + 1));
            write_sequnlock(&sl, flags);
        }
        port_store_release(&seq_writer_done, 1);
        return;
    }
    uint64_t torn = 0, reads = 0;
    __atomic_fetch_add(&seq_readers_ready, 1, __ATOMIC_RELEASE); /* we are reading from now on */
    while (!port_load_acquire(&seq_writer_done)) {
        uint64_t copy[SEQ_WORDS];
        uint32_t s;
        do {
            s = read_seqbegin(&sl);
            for (int i = 0; i < SEQ_WORDS; i++)
                copy[i] = port_load_relaxed(&seq_data[i]);
        } while (read_seqretry(&sl, s));
        for (int i = 1; i < SEQ_WORDS; i++)
            torn += copy[i] != copy[0] * (i + 1);
        reads++;
    }
    __atomic_fetch_add(&seq_torn, torn, __ATOMIC_RELAXED);
    __atomic_fetch_add(&seq_reads, reads, __ATOMIC_RELAXED);
}

/* ---- RCU: readers never see freed (poisoned) nodes ---- */
#define RCU_UPDATES 3000
#define LIVE 0x1111111111111111ULL
#define POISON 0xdeaddeaddeaddeadULL
struct node {
    struct rcu_head rh;
    uint64_t magic, gen, check;
};
static struct node *current_node;
static uint32_t rcu_done;
static uint64_t rcu_bad, rcu_reads, rcu_freed;

static void node_free(struct node *n)
{
    /* Poison through atomics (readers may still race, which is the bug we test for). */
    __atomic_store_n(&n->magic, POISON, __ATOMIC_RELAXED);
    __atomic_fetch_add(&rcu_freed, 1, __ATOMIC_RELAXED);
    free(n);
}
static void node_free_rcu(struct rcu_head *h) { node_free((struct node *)h); }

static void rcu_thread(void *arg)
{
    (void)arg;
    if (port_cpu_id() == 0) {
        for (uint64_t gen = 1; gen <= RCU_UPDATES; gen++) {
            struct node *n = malloc(sizeof *n);
            n->gen = gen;
            n->check = ~gen;
            n->magic = LIVE;
            struct node *old = current_node;
            rcu_assign_pointer(current_node, n);
            if (gen % 4 == 0) {
                synchronize_rcu();
                node_free(old);
            } else {
                call_rcu(&old->rh, node_free_rcu);
            }
            rcu_quiescent_state();
        }
        port_store_release(&rcu_done, 1);
        while (port_load_acquire(&rcu_freed) < RCU_UPDATES) /* the call_rcu frees in flight */
            synchronize_rcu();
        return;
    }
    uint64_t bad = 0, reads = 0;
    while (!port_load_acquire(&rcu_done)) {
        rcu_read_lock();
        struct node *p = rcu_dereference(current_node);
        /* Plain reads: TSan (with the freeing thread's free) catches a use after free. */
        if (__atomic_load_n(&p->magic, __ATOMIC_RELAXED) != LIVE || p->check != ~p->gen)
            bad++;
        rcu_read_unlock();
        reads++;
        rcu_quiescent_state();
    }
    rcu_quiescent_state();
    __atomic_fetch_add(&rcu_bad, bad, __ATOMIC_RELAXED);
    __atomic_fetch_add(&rcu_reads, reads, __ATOMIC_RELAXED);
    /* Keep reporting until the updater's last grace periods are over. */
    while (port_load_acquire(&rcu_freed) < RCU_UPDATES)
        rcu_quiescent_state();
}

/* ---- per-CPU counters ---- */
#define COUNTS 100000
static struct percpu_counter counter;
static void count_thread(void *arg)
{
    (void)arg;
    for (int i = 0; i < COUNTS; i++)
        percpu_counter_add(&counter, port_cpu_id() + 1);
}
/* Two threads on each "core": a process and an interrupt handler on the same
 * core adding to the same counter (a real interrupt is one of the
 * interleavings two threads can produce). None of the adds may be lost. */
#define SHARED_COUNTS 300000
static uint32_t shared_ready;
static void count_with_handler_thread(void *arg)
{
    (void)arg;
    host_cpu_id %= HOST_THREADS / 2;
    __atomic_fetch_add(&shared_ready, 1, __ATOMIC_RELAXED);
    while (__atomic_load_n(&shared_ready, __ATOMIC_RELAXED) < HOST_THREADS) /* all at once: they overlap */
        ;
    for (int i = 0; i < SHARED_COUNTS; i++)
        percpu_counter_add(&counter, port_cpu_id() + 1);
}
static uint64_t mid_sums_bad;
static void count_and_sum_thread(void *arg)
{
    if (port_cpu_id() == 0) { /* sums while the others count: never above the total */
        uint64_t max = (uint64_t)COUNTS * (HOST_THREADS * (HOST_THREADS + 1) / 2);
        for (int i = 0; i < 1000; i++)
            mid_sums_bad += percpu_counter_sum(&counter) > max;
    }
    count_thread(arg);
}

int main(void)
{
    host_run_threads(HOST_THREADS, seq_thread, NULL);
    HOST_CHECK("host-sync/seqlock_no_torn_reads", seq_torn == 0 && seq_reads > 0 && seq_data[0] == SEQ_WRITES,
               "%lu torn of %lu reads", (unsigned long)seq_torn, (unsigned long)seq_reads);

    struct node *first = malloc(sizeof *first);
    *first = (struct node){.magic = LIVE, .gen = 0, .check = ~0ULL};
    current_node = first;
    host_run_threads(HOST_THREADS, rcu_thread, NULL);
    HOST_CHECK("host-sync/rcu_readers_never_see_freed", rcu_bad == 0 && rcu_reads > 0 && rcu_freed == RCU_UPDATES,
               "%lu bad of %lu reads, %lu of %u freed", (unsigned long)rcu_bad, (unsigned long)rcu_reads,
               (unsigned long)rcu_freed, RCU_UPDATES);
    free(current_node);

    host_run_threads(HOST_THREADS, count_thread, NULL);
    uint64_t want = (uint64_t)COUNTS * (HOST_THREADS * (HOST_THREADS + 1) / 2);
    HOST_CHECK("host-sync/percpu_counter_exact", percpu_counter_sum(&counter) == want, "sum %lu, want %lu",
               (unsigned long)percpu_counter_sum(&counter), (unsigned long)want);
    percpu_counter_reset(&counter);
    host_run_threads(HOST_THREADS, count_and_sum_thread, NULL);
    HOST_CHECK("host-sync/percpu_counter_sum_while_counting", mid_sums_bad == 0 && percpu_counter_sum(&counter) == want,
               "%lu sums too large; final %lu", (unsigned long)mid_sums_bad, (unsigned long)percpu_counter_sum(&counter));
    percpu_counter_reset(&counter);
    host_run_threads(HOST_THREADS, count_with_handler_thread, NULL);
    uint64_t want_shared = 0;
    for (uint32_t t = 0; t < HOST_THREADS; t++)
        want_shared += (uint64_t)SHARED_COUNTS * (t % (HOST_THREADS / 2) + 1);
    HOST_CHECK("host-sync/percpu_counter_handler_on_same_core", percpu_counter_sum(&counter) == want_shared,
               "sum %lu, want %lu: adds were lost", (unsigned long)percpu_counter_sum(&counter),
               (unsigned long)want_shared);
    return failures ? 1 : 0;
}
