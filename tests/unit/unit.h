/* Tiny host unit-test helpers: CHECK prints FAIL with the location and
 * marks the case failed; each case prints one PASS/FAIL line. */
#ifndef ARMADA_TESTS_UNIT_H
#define ARMADA_TESTS_UNIT_H
#include <stdio.h>

static int unit_failed_cases, unit_case_failed;
#define CHECK(cond, ...)                                                         \
    do {                                                                         \
        if (!(cond)) {                                                           \
            printf("  %s:%d: ", __FILE__, __LINE__);                             \
            printf(__VA_ARGS__);                                                 \
            printf("\n");                                                        \
            unit_case_failed = 1;                                                \
        }                                                                        \
    } while (0)
#define RUN(fn)                                                                  \
    do {                                                                         \
        unit_case_failed = 0;                                                    \
        fn();                                                                    \
        printf("%s %s\n", unit_case_failed ? "FAIL" : "PASS", #fn);             \
        unit_failed_cases += unit_case_failed;                                   \
    } while (0)
#endif
