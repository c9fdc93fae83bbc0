/* Timer preemption saves the whole FP/SIMD state: two processes on one core
 * each fill v0-v31 with their own pattern and keep checking it, reaching no
 * reduction point, so only the slice timer ever switches them. */
#include <arch/cpu.h>
#include <arch/timer.h>
#include <sched/sched.h>
#include <tests/image/harness.h>
#include <tests/image/proc_helpers.h>

#define FP_CHECK_ROUNDS 3000000

struct fp_job {
    uint64_t pattern;
    uint32_t mismatches;
    uint32_t done;
};

/* tools/check-image.sh allows FP/SIMD instructions in this function only
 * (besides the scheduler's save and restore routines). */
__attribute__((noinline)) static uint32_t fp_state_keeper(uint64_t pattern, uint64_t rounds)
{
    uint64_t bad = 0;
    __asm__ volatile("dup v0.2d, %[p]\n"
                     "mov v1.16b, v0.16b\n mov v2.16b, v0.16b\n mov v3.16b, v0.16b\n"
                     "mov v8.16b, v0.16b\n mov v15.16b, v0.16b\n mov v16.16b, v0.16b\n mov v31.16b, v0.16b\n"
                     "1:\n"
                     "fmov x9, d0\n  cmp x9, %[p]\n  cinc %[bad], %[bad], ne\n"
                     "fmov x9, d3\n  cmp x9, %[p]\n  cinc %[bad], %[bad], ne\n"
                     "fmov x9, d8\n  cmp x9, %[p]\n  cinc %[bad], %[bad], ne\n"
                     "fmov x9, d15\n cmp x9, %[p]\n  cinc %[bad], %[bad], ne\n"
                     "fmov x9, d16\n cmp x9, %[p]\n  cinc %[bad], %[bad], ne\n"
                     "mov x9, v31.d[1]\n cmp x9, %[p]\n cinc %[bad], %[bad], ne\n"
                     "subs %[n], %[n], #1\n"
                     "b.ne 1b\n"
                     : [bad] "+r"(bad), [n] "+r"(rounds)
                     : [p] "r"(pattern)
                     : "x9", "v0", "v1", "v2", "v3", "v8", "v15", "v16", "v31", "cc");
    return (uint32_t)bad;
}

static void fp_worker(void *arg)
{
    struct fp_job *job = arg;
    job->mismatches = fp_state_keeper(job->pattern, FP_CHECK_ROUNDS);
    __atomic_store_n(&job->done, 1, __ATOMIC_RELEASE); /* results before the flag */
}

IMAGE_TEST(sched, preemption_keeps_fp_state)
{
    static struct fp_job a = {0x1111222233334444UL, 0, 0}, b = {0x5555666677778888UL, 0, 0};
    a.done = b.done = 0;
    a.mismatches = b.mismatches = ~0U;
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.pin_cpu = (int)(cpus_possible > 1 ? cpus_possible - 1 : 0);
    o.monitor = true;
    uint64_t ra, rb;
    spawn_opt(fp_worker, &a, &o, &ra);
    spawn_opt(fp_worker, &b, &o, &rb);
    struct msg_info info;
    for (int i = 0; i < 2; i++)
        TEST_ASSERT(receive(msg_is_down, NULL, NULL, 0, 60000, &info) != RECEIVE_TIMEOUT, "workers did not finish");
    TEST_ASSERT(__atomic_load_n(&a.done, __ATOMIC_ACQUIRE) && __atomic_load_n(&b.done, __ATOMIC_ACQUIRE),
                "a worker died");
    TEST_ASSERT(a.mismatches == 0 && b.mismatches == 0, "FP registers changed under a process: %u and %u checks failed",
                a.mismatches, b.mismatches);
    return true;
}
