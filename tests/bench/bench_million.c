/*
 * A million processes (issue 11): procs=N (default 1 000 000) live at once,
 * each with the smallest stack (one page) and blocked in receive; then one
 * message to each, and every one answers. Under -icount shift=0 on one core
 * the figures are guest instructions:
 *   memory per process: pages taken from the allocator by the spawns / N
 *     (control blocks, stacks, page tables for the stacks); a fresh boot's
 *     figure: a later run (the shell's `bench million`) reuses the blocks
 *     and stacks the earlier one's processes left, and shows less
 *   spawn: from the first spawn to the last child waiting in receive, / N
 *   message and answer: from the first message to the last answer, / N
 * Skipped (said so, no figures) when the machine lacks the memory.
 */
#include <arch/timer.h>
#include <boot/boot.h>
#include <drivers/console.h>
#include <lib/fmt.h>
#include <mm/page_alloc.h>
#include <sched/sched.h>
#include <tests/bench/bench.h>
#include <tests/bench/million.h>

#define MILLION_DEFAULT 1000000
/* Checked before starting: a stack page and a control block each, and room over. */
#define MILLION_BYTES_NEEDED (MILLION_STACK + MILLION_STACK / 4)

static struct million_result result;
static bool result_ok;

static void run_million(void *n) { result_ok = million_run(*(uint32_t *)n, &result); }

BENCH(million)
{
    uint32_t n = bootargs.procs ? bootargs.procs : MILLION_DEFAULT;
    uint64_t free = page_alloc_free_bytes();
    if (free / MILLION_BYTES_NEEDED < n) {
        kprintf("million: skipped: %u processes need about %lu MiB, %lu MiB free (QEMU -m 6G, or procs=N)\n", n,
                (unsigned long)((uint64_t)n * MILLION_BYTES_NEEDED >> 20), (unsigned long)(free >> 20));
        return;
    }
    /* In a process of normal priority, like the children: the bench runner
     * (the first process) is of high priority, and its children would wait
     * for it to block. */
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.stack_size = 16384;
    o.monitor = true;
    uint64_t ref;
    static uint32_t asked;
    asked = n;
    if (!spawn_opt(run_million, &asked, &o, &ref)) {
        kprintf("million: FAILED: cannot spawn its runner: %s\n", spawn_error());
        return;
    }
    receive(NULL, NULL, NULL, 0, RECEIVE_FOREVER, NULL); /* its DOWN: the result is written */
    const struct million_result *r = &result;
    kprintf("million: %u of %u spawned, %u waiting in receive, %u answered (%u twice); processes %u before, %u "
            "after; %lu bytes taken by the spawns\n",
            r->spawned, n, r->waiting, r->answered, r->duplicates, r->baseline, r->after, (unsigned long)r->bytes_taken);
    if (!result_ok) {
        kprintf("million: FAILED: %s\n", r->error);
        return;
    }
    char config[96];
    fmt_snprintf(config, sizeof config, "%u processes at once, %u-byte stacks", n, MILLION_STACK);
    bench_report_in("million", "memory-per-process", r->bytes_taken * 1000 / n, "bytes", config);
    bench_report_in("million", "spawn-to-waiting", timer_ticks_to_ns(r->spawn_ticks) * 1000 / n, "ns", config);
    bench_report_in("million", "message-and-answer", timer_ticks_to_ns(r->answer_ticks) * 1000 / n, "ns", config);
}
