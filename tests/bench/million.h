/* N live processes at once, each blocked in receive; then one message to
 * each, and every one answers (the classic Erlang demonstration). The
 * `million` benchmark runs it at 1 000 000 (procs=N) and the big suite at
 * a size make test can afford (test_stress.c). */
#ifndef ARMADA_TESTS_BENCH_MILLION_H
#define ARMADA_TESTS_BENCH_MILLION_H

#include <stdbool.h>
#include <stdint.h>

/* The smallest stack a process may ask for: one page (below it, the guard). */
#define MILLION_STACK 4096

struct million_result {
    uint32_t asked;           /* N */
    uint32_t spawned;         /* spawns that succeeded */
    uint32_t waiting;         /* of them, how many reached their receive */
    uint32_t answered;        /* distinct processes that answered */
    uint32_t duplicates;      /* answers from a process that had already answered */
    uint64_t bytes_taken;     /* pages the spawns took from the allocator (PCBs, stacks, page tables) */
    uint64_t spawn_ticks;     /* first spawn to the last one waiting */
    uint64_t answer_ticks;    /* first message sent to the last answer in */
    uint32_t baseline, after; /* processes alive before, and once the N have ended */
    const char *error;        /* what went wrong, or NULL */
};

/* Run it with n processes; false (r->error says why) if any step failed. */
bool million_run(uint32_t n, struct million_result *r);

#endif
