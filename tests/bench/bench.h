/* Benchmarks in the image: `BENCH(name) { ... }` in tests/bench/bench_<area>.c,
 * selected by `bench` (all) or `bench=name,...`. They run on the boot core
 * with every core online, like the in-image tests, and print results as
 *   BENCH <name> <variant> <cores> <value> <unit> [<configuration words>]
 * lines that tests/bench/run-bench.sh gathers into build/bench/results.tsv
 * (the configuration: which cores ran what, pinned or not). Not timed tests:
 * nothing passes or fails on a figure. */
#ifndef ARMADA_TESTS_BENCH_BENCH_H
#define ARMADA_TESTS_BENCH_BENCH_H

#include <stdint.h>

struct bench {
    const char *name;
    void (*fn)(void);
};

#define BENCH(bname)                                                                               \
    static void bench_##bname(void);                                                               \
    static const struct bench bench_entry_##bname                                                  \
        __attribute__((used, section(".benches." #bname))) = {#bname, bench_##bname};             \
    static void bench_##bname(void)

/* One result line. value_milli: the value x 1000 (fixed point: no FP here). */
void bench_report(const char *bench, const char *variant, uint64_t value_milli, const char *unit);
/* The same, with the configuration it was measured in (free text, one line). */
void bench_report_in(const char *bench, const char *variant, uint64_t value_milli, const char *unit,
                     const char *config);

/* Run the selected benchmarks and return how many ran (the shell's `bench`). */
uint32_t bench_run_selected(const char *selection);
/* Run the selected benchmarks, then power off. */
void bench_run_all(const char *selection) __attribute__((noreturn));

#endif
