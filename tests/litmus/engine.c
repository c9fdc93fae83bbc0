/*
 * The litmus engine, the same C on both sides: threads meet at a start
 * barrier before every iteration, wait a random moment, run their part of the
 * test on fresh locations, and after each batch thread 0 counts the outcomes.
 */
#include <lib/bootargs.h>
#include <string.h>
#include <tests/litmus/litmus.h>

/* Iterations per batch. Each iteration gets its own x, y, z (one cache line
 * each) so no iteration sees a line warmed or dirtied by the one before;
 * 512 batches cost 96 KiB of locations and 64 KiB of registers. */
#define LITMUS_BATCH 512
/* The random delay after the common start time is 0..LITMUS_DELAY_SPAN-1
 * empty loop turns: it shifts the threads against each other by up to a few
 * tens of nanoseconds, so the racing windows of different tests get hit. */
#ifndef LITMUS_DELAY_SPAN
#define LITMUS_DELAY_SPAN 32
#endif
/* How long a thread waits at the start of an iteration for the others before
 * it goes on alone: a few microseconds (under QEMU about ten), far more than
 * running threads need to meet, far less than a host time slice: when a
 * partner's vCPU or thread is not running, waiting for it is time lost. */
#define LITMUS_START_SPINS 1000
/* A waiting thread calls litmus_spin_relax() this often (the host yields to
 * let a time-shared thread reach the barrier). */
#define LITMUS_SPINS_BEFORE_RELAX 1024
#define LITMUS_MAX_OUTCOMES 32
#define LITMUS_LINE 64

struct litmus_line {
    uint64_t v;
} __attribute__((aligned(LITMUS_LINE)));

struct litmus_barrier {
    uint32_t count __attribute__((aligned(LITMUS_LINE)));
    uint32_t sense __attribute__((aligned(LITMUS_LINE)));
    uint32_t threads;
};

struct litmus_outcome {
    uint64_t key, count;
};

struct litmus_run {
    const struct litmus_test *t;
    uint64_t iters;
    uint64_t late; /* iterations some thread started without the others */
    struct litmus_barrier bar;
    struct litmus_line posted[LITMUS_MAX_THREADS]; /* iteration each thread has reached */
    uint32_t outcomes;
    bool overflow;
    struct litmus_outcome hist[LITMUS_MAX_OUTCOMES];
};

static struct litmus_line locs[LITMUS_BATCH][LITMUS_LOCS];
static uint64_t regs[LITMUS_MAX_THREADS][LITMUS_BATCH][LITMUS_REGS] __attribute__((aligned(LITMUS_LINE)));
static struct litmus_run run;

static const char *const var_names[LITMUS_VARS] = {"r0", "r1", "r2", "r3", "x", "y", "z"};

/* Sense-reversing barrier, between batches: the last thread to arrive flips `sense`. */
static void barrier_wait(struct litmus_barrier *b, uint32_t *my_sense)
{
    uint32_t s = !*my_sense;
    *my_sense = s;
    /* Acq-rel: each arrival releases its earlier accesses (its registers, the
     * batch's locations); the last one acquires all of them (one RMW chain). */
    if (__atomic_add_fetch(&b->count, 1, __ATOMIC_ACQ_REL) == b->threads) {
        __atomic_store_n(&b->count, 0, __ATOMIC_RELAXED); /* published by the release below */
        /* Release: everything the arrivals did (and the reset) is visible to a
         * thread that sees the new sense. */
        __atomic_store_n(&b->sense, s, __ATOMIC_RELEASE);
        return;
    }
    /* Acquire: pairs with the release above; the next iteration's accesses
     * come after everything before the barrier. */
    for (uint32_t spins = 1; __atomic_load_n(&b->sense, __ATOMIC_ACQUIRE) != s; spins++)
        if (spins % LITMUS_SPINS_BEFORE_RELAX == 0)
            litmus_spin_relax();
}

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13; /* xorshift64 */
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* The per-iteration start barrier: each thread posts the iteration it has
 * reached, then waits until every other thread has reached it too. It orders
 * no data (the batch barrier does that), so relaxed accesses do; it only
 * lines the threads up in time. A thread whose partner does not arrive within
 * LITMUS_START_SPINS spins (its vCPU or thread was descheduled) goes on alone
 * rather than stall, and counts the iteration as late. */
static bool start_together(struct litmus_line *posted, uint32_t threads, uint32_t tid, uint64_t iter,
                           uint64_t *rng)
{
    uint32_t spins = 0; /* one budget for all the others */
    __atomic_store_n(&posted[tid].v, iter, __ATOMIC_RELAXED);
    for (uint32_t o = 0; o < threads; o++)
        while (__atomic_load_n(&posted[o].v, __ATOMIC_RELAXED) < iter && spins < LITMUS_START_SPINS)
            spins++;
    bool late = spins == LITMUS_START_SPINS;
    for (uint64_t n = (rng_next(rng) >> 32) % LITMUS_DELAY_SPAN; n; n--)
        __asm__ volatile(""); /* keeps the empty loop */
    return late;
}

/* The outcome of iteration i, as the values of the relaxed outcome's vars. */
static uint64_t outcome_key(const struct litmus_test *t, uint32_t i)
{
    uint64_t val[LITMUS_VARS] = {0};
    for (uint32_t th = 0; th < t->threads; th++)
        for (uint32_t r = 0; r < LITMUS_REGS; r++)
            val[R0 + r] += regs[th][i][r]; /* one thread loads each register, the others leave 0 */
    for (uint32_t l = 0; l < LITMUS_LOCS; l++)
        val[X + l] = locs[i][l].v;
    uint64_t key = 0;
    for (uint32_t c = 0; t->relaxed[2 * c] != LITMUS_COND_END; c++) {
        uint64_t v = val[t->relaxed[2 * c]];
        key = key << 16 | (v > 0xffff ? 0xffff : v);
    }
    return key;
}

static uint64_t relaxed_key(const struct litmus_test *t)
{
    uint64_t key = 0;
    for (uint32_t c = 0; t->relaxed[2 * c] != LITMUS_COND_END; c++)
        key = key << 16 | t->relaxed[2 * c + 1];
    return key;
}

static void count_outcome(struct litmus_run *r, uint64_t key)
{
    for (uint32_t o = 0; o < r->outcomes; o++)
        if (r->hist[o].key == key) {
            r->hist[o].count++;
            return;
        }
    if (r->outcomes == LITMUS_MAX_OUTCOMES) {
        r->overflow = true; /* garbage values: reported as a sum mismatch */
        return;
    }
    r->hist[r->outcomes++] = (struct litmus_outcome){key, 1};
}

/* Thread 0, between batches: count the batch, then give it fresh zeroes. */
static void collect_batch(struct litmus_run *r, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        count_outcome(r, outcome_key(r->t, i));
        for (uint32_t l = 0; l < LITMUS_LOCS; l++)
            locs[i][l].v = 0;
    }
}

static void litmus_thread(void *arg, uint32_t tid)
{
    struct litmus_run *r = arg;
    litmus_thread_fn fn = r->t->fn[tid];
    uint32_t sense = 0;
    uint64_t rng = 0x9e3779b97f4a7c15ull * (tid + 1) ^ litmus_now_ns();
    uint64_t late = 0;
    for (uint64_t done = 0; done < r->iters;) {
        uint32_t n = r->iters - done < LITMUS_BATCH ? (uint32_t)(r->iters - done) : LITMUS_BATCH;
        for (uint32_t i = 0; i < n; i++) {
            uint64_t *const loc[LITMUS_LOCS] = {&locs[i][0].v, &locs[i][1].v, &locs[i][2].v};
            late += start_together(r->posted, r->t->threads, tid, done + i + 1, &rng);
            fn(loc, regs[tid][i]);
        }
        barrier_wait(&r->bar, &sense); /* the batch is complete */
        if (tid == 0)
            collect_batch(r, n);
        barrier_wait(&r->bar, &sense); /* fresh locations for the next batch */
        done += n;
    }
    __atomic_add_fetch(&r->late, late, __ATOMIC_RELAXED); /* read after the threads are joined */
}

static void format_outcome(char *buf, const struct litmus_test *t, uint64_t key)
{
    uint32_t n = 0;
    while (t->relaxed[2 * n] != LITMUS_COND_END)
        n++;
    char *p = buf;
    for (uint32_t c = 0; c < n; c++) {
        uint64_t v = key >> (16 * (n - 1 - c)) & 0xffff;
        const char *name = var_names[t->relaxed[2 * c]];
        if (c)
            *p++ = ',';
        while (*name)
            *p++ = *name++;
        *p++ = '=';
        char digits[8];
        int d = 0;
        do
            digits[d++] = (char)('0' + v % 10);
        while ((v /= 10) && d < 8);
        while (d)
            *p++ = digits[--d];
    }
    *p = 0;
}

/* "NAME.VARIANT": what `litmus=` selects and the output lines name. */
static void full_name(char *buf, const struct litmus_test *t)
{
    uint32_t nlen = (uint32_t)strlen(t->name);
    memcpy(buf, t->name, nlen);
    buf[nlen] = '.';
    memcpy(buf + nlen + 1, t->variant, strlen(t->variant) + 1);
}

static const char *verdict_word(enum litmus_verdict v)
{
    return v == ALLOW ? "allow" : "forbid";
}

/* Runs one test; returns 1 if its result is bad (see litmus.h). */
static uint32_t run_one(const struct litmus_test *t, uint64_t iters, bool on_arm)
{
    char full[48], buf[64];
    full_name(full, t);

    memset(&run, 0, sizeof(run));
    memset(locs, 0, sizeof(locs));
    run.t = t;
    run.iters = iters;
    run.bar.threads = t->threads;
    uint64_t start = litmus_now_ns();
    litmus_run_threads(t->threads, litmus_thread, &run);
    uint64_t ms = (litmus_now_ns() - start) / 1000000;

    uint64_t sum = 0, relaxed = 0, want = relaxed_key(t);
    for (uint32_t o = 0; o < run.outcomes; o++) {
        format_outcome(buf, t, run.hist[o].key);
        litmus_printf("litmus-hist %s %s %llu\n", full, buf, (unsigned long long)run.hist[o].count);
        sum += run.hist[o].count;
        if (run.hist[o].key == want)
            relaxed = run.hist[o].count;
    }
    format_outcome(buf, t, want);
    litmus_printf("litmus-test %s threads=%u iters=%llu sum=%llu relaxed=%llu outcome=%s arm=%s x86=%s "
                  "ms=%llu late=%llu\n",
                  full, t->threads, (unsigned long long)iters, (unsigned long long)sum,
                  (unsigned long long)relaxed, buf, verdict_word(t->arm), verdict_word(t->x86),
                  (unsigned long long)ms, (unsigned long long)run.late);
    uint32_t bad = 0;
    if (sum != iters || run.overflow) {
        litmus_printf("litmus-bad %s histogram sums to %llu, not %llu\n", full, (unsigned long long)sum,
                      (unsigned long long)iters);
        bad = 1;
    }
    if (relaxed && t->arm == FORBID && t->x86 == FORBID) {
        litmus_printf("litmus-bad %s outcome %s seen %llu times: both models forbid it\n", full, buf,
                      (unsigned long long)relaxed);
        bad = 1;
    } else if (relaxed && (on_arm ? t->arm : t->x86) == FORBID) {
        litmus_printf("litmus-note %s outcome %s seen %llu times although the %s model forbids it\n", full,
                      buf, (unsigned long long)relaxed, on_arm ? "ARMv8" : "x86-TSO");
    }
    return bad;
}

uint32_t litmus_run_all(const char *list, uint64_t iters, const char *arch, const char *where)
{
    bool on_arm = !strcmp(arch, "arm64");
    uint32_t ran = 0, bad = 0;
    litmus_printf("litmus-begin arch=%s iters=%llu threads=%u where=%s\n", arch, (unsigned long long)iters,
                  litmus_max_threads(), where);
    for (uint32_t i = 0; i < litmus_test_count; i++) {
        const struct litmus_test *t = &litmus_tests[i];
        char full[48];
        full_name(full, t);
        if (!bootargs_selects(list, full))
            continue;
        if (t->threads > litmus_max_threads()) {
            litmus_printf("litmus-skip %s needs %u cores, %u online\n", full, t->threads,
                          litmus_max_threads());
            continue;
        }
        bad += run_one(t, iters, on_arm);
        ran++;
    }
    litmus_printf("litmus-end tests=%u bad=%u\n", ran, bad);
    return bad;
}
