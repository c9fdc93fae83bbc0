/*
 * Lock benchmarks.
 *  locks_uncontended: one core, acquire+release in a loop; the cost per
 *    pair in ns, which under QEMU `-icount shift=0` (the virtual counter
 *    advances 1 ns per guest instruction) is guest instructions. The loop's
 *    own cost (an empty op through the same call) is subtracted.
 *  locks_contended: every online core acquires and releases the same lock
 *    around a one-line critical section; throughput in acquisitions per ms
 *    of guest time (TCG on a shared host: compare rows of one run only).
 */
#include <stddef.h>

#include <arch/atomic.h>
#include <arch/cpu.h>
#include <arch/timer.h>
#include <sync/mcs.h>
#include <sync/rcu.h>
#include <sync/rwlock.h>
#include <sync/seqlock.h>
#include <sync/spinlock.h>
#include <tests/bench/bench.h>
#include <tests/image/sync_everywhere.h>

#define UNCONTENDED_OPS 20000
#define CONTENDED_OPS_PER_CORE 2000
#define RUN_TIMEOUT_MS 120000

static DEFINE_SPINLOCK(ticket, "bench-ticket");
static struct mcs_lock mcs = MCS_LOCK_INIT("bench-mcs");
static struct rwlock rw = RWLOCK_INIT("bench-rw");
static struct seqlock seq = SEQLOCK_INIT("bench-seq");
static uint32_t tas;
static uint64_t word, shared_count;

static void op_empty(void) { barrier(); }
static void op_ticket(void) { spin_lock(&ticket); spin_unlock(&ticket); }
static void op_ticket_irqsave(void) { spin_unlock_irqrestore(&ticket, spin_lock_irqsave(&ticket)); }
static void op_trylock(void) { if (spin_trylock(&ticket)) spin_unlock(&ticket); }
static void op_mcs(void) { struct mcs_node n; mcs_lock(&mcs, &n); mcs_unlock(&mcs, &n); }
static void op_rw_read(void) { read_lock(&rw); read_unlock(&rw); }
static void op_rw_write(void) { write_lock(&rw); write_unlock(&rw); }
static void op_seq_write(void) { write_sequnlock(&seq, write_seqlock(&seq)); }
static void op_seq_read(void) { uint32_t s; do { s = read_seqbegin(&seq); } while (read_seqretry(&seq, s)); }
static void op_rcu_read(void) { rcu_read_lock(); barrier(); rcu_read_unlock(); }
static void op_tas(void)
{
    while (atomic32_xchg_acquire(&tas, 1)) /* acquire: section after taking it */
        cpu_relax();
    store_release(&tas, 0); /* release: section before the lock is free */
}
static void op_fetch_add(void) { atomic64_fetch_add(&word, 1); }
static void op_fetch_add_relaxed(void) { atomic64_fetch_add_relaxed(&word, 1); }
static void op_cmpxchg(void) { atomic64_cmpxchg(&word, word, word + 1); }

struct variant {
    const char *name;
    void (*op)(void);
};

static const struct variant uncontended[] = {
    {"ticket", op_ticket},         {"ticket-irqsave", op_ticket_irqsave}, {"ticket-trylock", op_trylock},
    {"mcs", op_mcs},               {"rwlock-read", op_rw_read},           {"rwlock-write", op_rw_write},
    {"seqlock-write", op_seq_write}, {"seqlock-read", op_seq_read},       {"rcu-read", op_rcu_read},
    {"xchg-tas", op_tas},          {"fetch_add", op_fetch_add},           {"fetch_add_relaxed", op_fetch_add_relaxed},
    {"cmpxchg", op_cmpxchg},
};

static uint64_t ticks_for(void (*volatile op)(void), uint32_t n)
{
    uint64_t t0 = timer_now();
    for (uint32_t i = 0; i < n; i++)
        op(); /* through a volatile pointer: every variant pays the same call */
    return timer_now() - t0;
}

BENCH(locks_uncontended)
{
    uint64_t base = timer_ticks_to_ns(ticks_for(op_empty, UNCONTENDED_OPS));
    for (size_t i = 0; i < sizeof uncontended / sizeof uncontended[0]; i++) {
        ticks_for(uncontended[i].op, 100); /* warm up: first-touch, lockstat registration */
        uint64_t ns = timer_ticks_to_ns(ticks_for(uncontended[i].op, UNCONTENDED_OPS));
        uint64_t net = ns > base ? ns - base : 0;
        bench_report("locks_uncontended", uncontended[i].name, net * 1000 / UNCONTENDED_OPS, "ns/op");
    }
}

static void cs_ticket(void) { spin_lock(&ticket); shared_count++; spin_unlock(&ticket); }
static void cs_mcs(void) { struct mcs_node n; mcs_lock(&mcs, &n); shared_count++; mcs_unlock(&mcs, &n); }
static void cs_rw(void) { write_lock(&rw); shared_count++; write_unlock(&rw); }
static void cs_tas(void)
{
    while (atomic32_xchg_acquire(&tas, 1)) /* acquire: section after taking it */
        cpu_relax();
    shared_count++;
    store_release(&tas, 0); /* release: section before the lock is free */
}

static const struct variant contended[] = {
    {"ticket", cs_ticket}, {"mcs", cs_mcs}, {"rwlock-write", cs_rw}, {"xchg-tas", cs_tas},
};

static uint64_t started[MAX_CPUS], finished[MAX_CPUS];

static void contend(void *arg)
{
    void (*op)(void) = (void (*)(void))arg;
    uint32_t me = this_cpu_id();
    started[me] = timer_now();
    for (uint32_t i = 0; i < CONTENDED_OPS_PER_CORE; i++)
        op();
    finished[me] = timer_now();
}

BENCH(locks_contended)
{
    uint32_t n = cpus_online_count();
    for (size_t i = 0; i < sizeof contended / sizeof contended[0]; i++) {
        shared_count = 0;
        if (!run_on_every_core(contend, (void *)contended[i].op, RUN_TIMEOUT_MS)) {
            bench_report("locks_contended", contended[i].name, 0, "TIMEOUT");
            return;
        }
        uint64_t first = ~0ULL, last = 0;
        for (uint32_t cpu = 0; cpu < n; cpu++) {
            first = started[cpu] < first ? started[cpu] : first;
            last = finished[cpu] > last ? finished[cpu] : last;
        }
        uint64_t ns = timer_ticks_to_ns(last - first);
        uint64_t total = (uint64_t)n * CONTENDED_OPS_PER_CORE;
        /* acquisitions per ms, x1000 for the fixed point */
        bench_report("locks_contended", contended[i].name, ns ? total * 1000000000ULL / ns : 0, "acq/ms");
        if (shared_count != total)
            bench_report("locks_contended", "COUNT-MISMATCH", shared_count * 1000, "acq");
    }
}
