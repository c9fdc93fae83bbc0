/* Timer preemption saves the whole FP/SIMD state: two processes on one core
 * each fill all 128 bits of v0-v31, FPCR and FPSR with their own values and
 * keep checking them, reaching no reduction point, so only the slice timer
 * switches them; the core's preemption counter shows that it did. */
#include <arch/cpu.h>
#include <arch/timer.h>
#include <sched/sched.h>
#include <tests/image/harness.h>
#include <tests/image/proc_helpers.h>

#define FP_CHECK_ROUNDS 300000 /* about 80 M instructions each: many 2 ms slices */

/* Bits of the keeper's mismatch mask: v0-v31, then FPCR and FPSR. */
#define FP_BAD_FPCR (1ULL << 32)
#define FP_BAD_FPSR (1ULL << 33)

struct fp_job {
    uint64_t pattern;   /* vN holds {pattern + N, ~pattern + N} */
    uint64_t fpcr;      /* rounding mode, flush-to-zero, default NaN: its own */
    uint64_t fpsr;      /* cumulative exception flags: its own */
    uint64_t bad;       /* what the keeper found changed, FP_BAD_* and 1 << N */
    uint64_t fpcr_seen; /* FPCR read back after setting it (the premise) */
    uint32_t done;
};

#define FP_SET(n)                                                                                  \
    "add x10, %[p], #" #n "\n add x11, %[q], #" #n "\n fmov d" #n ", x10\n mov v" #n ".d[1], x11\n"
#define FP_CHECK(n)                                                                                \
    "mov x10, v" #n ".d[0]\n mov x11, v" #n ".d[1]\n add x12, %[p], #" #n "\n add x13, %[q], #" #n   \
    "\n cmp x10, x12\n ccmp x11, x13, #0, eq\n cset x9, ne\n orr %[bad], %[bad], x9, lsl #" #n "\n"
#define FP_EACH(m)                                                                                 \
    m(0) m(1) m(2) m(3) m(4) m(5) m(6) m(7) m(8) m(9) m(10) m(11) m(12) m(13) m(14) m(15) m(16) m(17) \
    m(18) m(19) m(20) m(21) m(22) m(23) m(24) m(25) m(26) m(27) m(28) m(29) m(30) m(31)

/* tools/check-image.sh allows FP/SIMD instructions in this function only
 * (besides the scheduler's save and restore routines). Nothing here does
 * arithmetic on FP registers, so FPSR changes only if someone else's leaks in. */
__attribute__((noinline)) static void fp_state_keeper(struct fp_job *job, uint64_t rounds)
{
    uint64_t bad = 0, q = ~job->pattern, seen;
    __asm__ volatile("msr fpcr, %[fpcr]\n msr fpsr, %[fpsr]\n mrs %[seen], fpcr\n" FP_EACH(FP_SET)
                     "1:\n" FP_EACH(FP_CHECK)
                     "mrs x10, fpcr\n cmp x10, %[fpcr]\n cset x9, ne\n orr %[bad], %[bad], x9, lsl #32\n"
                     "mrs x10, fpsr\n cmp x10, %[fpsr]\n cset x9, ne\n orr %[bad], %[bad], x9, lsl #33\n"
                     "subs %[n], %[n], #1\n"
                     "b.ne 1b\n"
                     "msr fpcr, xzr\n msr fpsr, xzr\n"
                     : [bad] "+r"(bad), [n] "+r"(rounds), [seen] "=&r"(seen)
                     : [p] "r"(job->pattern), [q] "r"(q), [fpcr] "r"(job->fpcr), [fpsr] "r"(job->fpsr)
                     : "x9", "x10", "x11", "x12", "x13", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8",
                       "v9", "v10", "v11", "v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21",
                       "v22", "v23", "v24", "v25", "v26", "v27", "v28", "v29", "v30", "v31", "cc");
    job->bad = bad;
    job->fpcr_seen = seen;
}

static void fp_worker(void *arg)
{
    struct fp_job *job = arg;
    fp_state_keeper(job, FP_CHECK_ROUNDS);
    __atomic_store_n(&job->done, 1, __ATOMIC_RELEASE); /* results before the flag */
}

IMAGE_TEST(sched, preemption_keeps_fp_state)
{
    /* FPCR: RMode [23:22] (01 up, 10 down), FZ [24], DN [25]. FPSR: IOC [0],
     * DZC [1], OFC [2], UFC [3], IXC [4], IDC [7], QC [27]. */
    static struct fp_job a = {.pattern = 0x1111222233334444UL, .fpcr = 1UL << 22 | 1UL << 25, .fpsr = 0x08000081},
                         b = {.pattern = 0x5555666677778888UL, .fpcr = 2UL << 22 | 1UL << 24, .fpsr = 0x0000001e};
    a.done = b.done = 0;
    a.bad = b.bad = ~0ULL;
    uint32_t core = cpus_possible > 1 ? cpus_possible - 1 : 0;
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.pin_cpu = (int)core;
    o.monitor = true;
    uint64_t preempted_before = sched_preemptions(core);
    uint64_t ra, rb;
    spawn_opt(fp_worker, &a, &o, &ra);
    spawn_opt(fp_worker, &b, &o, &rb);
    struct msg_info info;
    for (int i = 0; i < 2; i++)
        TEST_ASSERT(receive(msg_is_down, NULL, NULL, 0, 60000, &info) != RECEIVE_TIMEOUT, "workers did not finish");
    uint64_t preemptions = sched_preemptions(core) - preempted_before;
    kprintf("sched: FP workers on cpu%u: %lu preemptions there\n", core, (unsigned long)preemptions);
    TEST_ASSERT(__atomic_load_n(&a.done, __ATOMIC_ACQUIRE) && __atomic_load_n(&b.done, __ATOMIC_ACQUIRE),
                "a worker died");
    TEST_ASSERT(a.fpcr_seen == a.fpcr && b.fpcr_seen == b.fpcr, "FPCR kept %#lx and %#lx of %#lx and %#lx: premise",
                (unsigned long)a.fpcr_seen, (unsigned long)b.fpcr_seen, (unsigned long)a.fpcr, (unsigned long)b.fpcr);
    TEST_ASSERT(a.bad == 0 && b.bad == 0,
                "FP state changed under a process (bits: v0-v31, 32 FPCR, 33 FPSR): %#lx and %#lx",
                (unsigned long)a.bad, (unsigned long)b.bad);
    TEST_ASSERT(preemptions >= 2, "cpu%u preempted %lu times: the workers were never switched mid-loop", core,
                (unsigned long)preemptions);
    return true;
}
