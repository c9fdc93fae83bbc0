/*
 * Litmus tests: tiny multi-core programs run many times, each final outcome
 * counted. The same definitions (litmus-tests.def) are built into the image
 * (AArch64 instructions, one thread per core) and into the x86-64 host program
 * (tests/litmus/host/, pthreads), so both columns of the table run one program.
 *
 * Output, one line each, the same on both sides (tools/litmus-report.sh reads it):
 *   litmus-begin arch=arm64|x86_64 iters=N threads=N where=TEXT TO THE END OF THE LINE
 *   litmus-hist NAME.VARIANT OUTCOME COUNT          e.g. "SB.plain r0=0,r1=0 41"
 *   litmus-test NAME.VARIANT threads=N iters=N sum=N relaxed=N outcome=OUTCOME
 *               arm=allow|forbid x86=allow|forbid ms=N late=N
 *     (late: iterations a thread started without waiting for all the others,
 *      summed over threads: a measure of how well the run lines them up)
 *   litmus-skip NAME.VARIANT reason
 *   litmus-bad NAME.VARIANT why     (a sum mismatch, or an outcome both models forbid)
 *   litmus-note NAME.VARIANT why    (seen although this architecture's model forbids it)
 *   litmus-end tests=N bad=N
 */
#ifndef ARMADA_TESTS_LITMUS_LITMUS_H
#define ARMADA_TESTS_LITMUS_LITMUS_H

#include <stdbool.h>
#include <stdint.h>

#define LITMUS_MAX_THREADS 4
#define LITMUS_REGS 4 /* r0..r3 */
#define LITMUS_LOCS 3 /* x, y, z */

/* What an outcome can name: a register's final value or a location's. */
enum litmus_var { R0, R1, R2, R3, X, Y, Z, LITMUS_VARS };
#define LITMUS_COND_END 0xff
#define LITMUS_MAX_COND 4 /* (var, value) pairs in an outcome */

enum litmus_verdict { FORBID, ALLOW };

/* One thread: loc[0..2] = x, y, z of this iteration; writes its r0..r3 to out. */
typedef void (*litmus_thread_fn)(uint64_t *const *loc, uint64_t *out);

struct litmus_test {
    const char *name;             /* "MP": selects every variant */
    const char *variant;          /* "plain", "mb", ...: `litmus=MP.mb` selects one */
    const char *herd;             /* the name herd7/diy give it, to check the verdicts */
    enum litmus_verdict arm, x86; /* does the ARMv8 model / x86-TSO allow `relaxed`? */
    const char *why;              /* one line: what orders (or fails to order) the accesses */
    uint32_t threads;
    litmus_thread_fn fn[LITMUS_MAX_THREADS];
    const char *arm_text[LITMUS_MAX_THREADS]; /* the program, one instruction a line */
    const char *x86_text[LITMUS_MAX_THREADS];
    uint8_t relaxed[2 * LITMUS_MAX_COND + 1]; /* (var, value) pairs, LITMUS_COND_END */
};

extern const struct litmus_test litmus_tests[];
extern const uint32_t litmus_test_count;

/* Run every test `selects(list, "NAME.VARIANT")` picks, `iters` times each;
 * returns the number of bad results (see `litmus-end`). */
uint32_t litmus_run_all(const char *list, uint64_t iters, const char *arch, const char *where);

/* Provided by each side (tests/litmus/image.c, tests/litmus/host/main.c). */
void litmus_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
uint32_t litmus_max_threads(void); /* threads it can run at once (image: cores online) */
uint64_t litmus_now_ns(void);
void litmus_spin_relax(void); /* called every LITMUS_SPINS_BEFORE_RELAX spins */
/* Run fn(arg, t) for t in 0..n-1, thread t on core t (mod cores), and return
 * when all are done. */
void litmus_run_threads(uint32_t n, void (*fn)(void *arg, uint32_t t), void *arg);

/* The image's `litmus` boot mode (tests/litmus/image.c): runs the tests
 * `litmus=` selects, `iters=` times each, then powers off. */
void litmus_image_run(void) __attribute__((noreturn));

#endif
