/* Atomics (arch/arm64/include/arch/atomic.h): each operation's result on one
 * core, then every ordering form of fetch_add / cmpxchg / xchg exact under
 * contention from every core. */
#include <stddef.h>

#include <arch/atomic.h>
#include <arch/atomics_check.h>
#include <arch/cpu.h>
#include <drivers/console.h>
#include <tests/image/harness.h>
#include <tests/image/sync_everywhere.h>

#define ATOMIC_ROUNDS 2000
#define RUN_TIMEOUT_MS 60000

IMAGE_TEST(sync, atomics_return_values)
{
    kprintf("sync: atomics: %s; this core %s FEAT_LSE\n", ATOMICS_KIND, cpu_has_lse() ? "has" : "lacks");
    if (ATOMICS_KIND[0] == 'l' && ATOMICS_KIND[1] == 's')
        TEST_ASSERT(cpu_has_lse(), "LSE image running on a core without LSE: the boot check missed it");
    uint32_t w = 10;
    TEST_ASSERT(atomic32_fetch_add(&w, 5) == 10 && w == 15, "fetch_add32: w=%u", w);
    TEST_ASSERT(atomic32_fetch_sub_acquire(&w, 20) == 15 && w == 0xfffffffbu, "fetch_sub32 wrap: w=%#x", w);
    TEST_ASSERT(atomic32_fetch_and_release(&w, 0xff) == 0xfffffffbu && w == 0xfb, "fetch_and32: w=%#x", w);
    TEST_ASSERT(atomic32_fetch_or_relaxed(&w, 0x100) == 0xfb && w == 0x1fb, "fetch_or32: w=%#x", w);
    TEST_ASSERT(atomic32_xchg(&w, 7) == 0x1fb && w == 7, "xchg32: w=%u", w);
    TEST_ASSERT(atomic32_cmpxchg(&w, 8, 9) == 7 && w == 7, "failed cmpxchg32 wrote: w=%u", w);
    TEST_ASSERT(atomic32_cmpxchg_acquire(&w, 7, 9) == 7 && w == 9, "cmpxchg32: w=%u", w);
    TEST_ASSERT(atomic32_add_return(&w, 1) == 10 && atomic32_sub_return_relaxed(&w, 3) == 7, "add/sub_return32");
    uint64_t x = 1ULL << 40;
    TEST_ASSERT(atomic64_fetch_add_release(&x, 1) == 1ULL << 40 && x == (1ULL << 40) + 1, "fetch_add64");
    TEST_ASSERT(atomic64_fetch_sub(&x, 2) == (1ULL << 40) + 1 && x == (1ULL << 40) - 1, "fetch_sub64");
    TEST_ASSERT(atomic64_fetch_and_acquire(&x, 0xffff00000000ULL) == (1ULL << 40) - 1 && x == 0xff00000000ULL,
                "fetch_and64: x=%#lx", (unsigned long)x);
    TEST_ASSERT(atomic64_fetch_or(&x, 1) == 0xff00000000ULL && x == 0xff00000001ULL, "fetch_or64");
    TEST_ASSERT(atomic64_xchg_relaxed(&x, ~0ULL) == 0xff00000001ULL && x == ~0ULL, "xchg64");
    TEST_ASSERT(atomic64_cmpxchg_release(&x, 0, 1) == ~0ULL && x == ~0ULL, "failed cmpxchg64 wrote");
    TEST_ASSERT(atomic64_cmpxchg_relaxed(&x, ~0ULL, 3) == ~0ULL && x == 3, "cmpxchg64");
    atomic64_add(&x, 4);
    atomic64_sub(&x, 2);
    atomic64_or(&x, 0x10);
    atomic64_and(&x, 0x1f);
    TEST_ASSERT(x == 0x15, "void ops: x=%#lx", (unsigned long)x);
    return true;
}

static uint32_t c32;
static uint64_t c64, cas_count;
static uint32_t xchg_token;
static uint64_t xchg_sum;

static void contend(void *arg)
{
    (void)arg;
    for (uint32_t i = 0; i < ATOMIC_ROUNDS; i++) {
        switch (i % 4) { /* every ordering form */
        case 0: atomic32_fetch_add_relaxed(&c32, 1); atomic64_fetch_add_relaxed(&c64, 1); break;
        case 1: atomic32_fetch_add_acquire(&c32, 1); atomic64_fetch_add_acquire(&c64, 1); break;
        case 2: atomic32_fetch_add_release(&c32, 1); atomic64_fetch_add_release(&c64, 1); break;
        case 3: atomic32_fetch_add(&c32, 1); atomic64_fetch_add(&c64, 1); break;
        }
        /* A cmpxchg increment loop: retries on interference, never loses one. */
        uint64_t seen = atomic_read(&cas_count);
        for (;;) {
            uint64_t found = atomic64_cmpxchg(&cas_count, seen, seen + 1);
            if (found == seen)
                break;
            seen = found;
        }
        /* xchg passes tokens around: the sum of what we take equals what we put. */
        atomic64_add(&xchg_sum, atomic32_xchg(&xchg_token, 1));
    }
}

IMAGE_TEST(sync, atomics_exact_under_contention)
{
    uint32_t n = cpus_online_count();
    c32 = 0;
    c64 = cas_count = xchg_sum = 0;
    xchg_token = 0;
    TEST_ASSERT(run_on_every_core(contend, NULL, RUN_TIMEOUT_MS), "cores did not finish");
    uint64_t want = (uint64_t)n * ATOMIC_ROUNDS;
    TEST_ASSERT(c32 == want && c64 == want, "fetch_add: %u / %lu, want %lu", c32, (unsigned long)c64,
                (unsigned long)want);
    TEST_ASSERT(cas_count == want, "cmpxchg loop: %lu, want %lu", (unsigned long)cas_count, (unsigned long)want);
    /* Each xchg puts a 1 and takes what was there: all but the last 1 are taken. */
    TEST_ASSERT(xchg_sum == want - 1 && xchg_token == 1, "xchg: took %lu ones, want %lu",
                (unsigned long)xchg_sum, (unsigned long)(want - 1));
    return true;
}
