/* In-image tests: `IMAGE_TEST(suite, name) { ... return true; }`. Each runs on
 * the boot core with every core online; `test=suite` or `test=suite.name`
 * selects. A failing test says why with TEST_FAIL; a test that does not apply
 * to this machine (one core, no PSCI) says why with TEST_SKIP, and is counted
 * as skipped, never as passed. */
#ifndef ARMADA_TESTS_IMAGE_HARNESS_H
#define ARMADA_TESTS_IMAGE_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include <drivers/console.h>

/* How late a deadline may be when the host is busy: TCG vCPUs share a loaded
 * 2-core host, and a vCPU can be descheduled for hundreds of ms. Every test
 * that bounds lateness in real time uses this one allowance; precision is
 * checked where time is exact (suite icount, under QEMU -icount). */
#define TEST_BUSY_HOST_MS 500

struct image_test {
    const char *name;
    bool (*fn)(void);
    bool explicit_only; /* run only when named (e.g. it ends the run on purpose) */
};

#define IMAGE_TEST_DEFINE(suite, tname, explicit_)                                                  \
    static bool test_##suite##_##tname(void);                                                       \
    static const struct image_test image_test_##suite##_##tname                                     \
        __attribute__((used, section(".image_tests." #suite "." #tname))) = {                       \
            #suite "." #tname, test_##suite##_##tname, explicit_};                                  \
    static bool test_##suite##_##tname(void)

#define IMAGE_TEST(suite, tname) IMAGE_TEST_DEFINE(suite, tname, false)
#define IMAGE_TEST_EXPLICIT(suite, tname) IMAGE_TEST_DEFINE(suite, tname, true)

void test_fail_reason(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define TEST_FAIL(...)                                                                              \
    do {                                                                                            \
        test_fail_reason(__VA_ARGS__);                                                              \
        return false;                                                                               \
    } while (0)
void test_skip_reason(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define TEST_SKIP(...)                                                                              \
    do {                                                                                            \
        test_skip_reason(__VA_ARGS__);                                                              \
        return true;                                                                                \
    } while (0)
#define TEST_ASSERT(cond, ...)                                                                      \
    do {                                                                                            \
        if (!(cond))                                                                                \
            TEST_FAIL(__VA_ARGS__);                                                                 \
    } while (0)

/* Run the selected tests: first `test: N selected`, then a PASS, FAIL or SKIP
 * line for each, then `N passed, N failed, N skipped`; returns the failures
 * (a selection that holds no test counts as one). */
int image_tests_run(const char *selection);

#endif
