/* The litmus table: litmus-tests.def expanded into this architecture's thread
 * functions, the program text for both architectures, and the table itself. */
#include <tests/litmus/litmus.h>

#if defined(__aarch64__)
#include <tests/litmus/ops-arm64.h>
#elif defined(__x86_64__)
#include <tests/litmus/ops-x86_64.h>
#else
#error "litmus tests exist for AArch64 and x86-64 only"
#endif

#define LITMUS_STRIP(...) __VA_ARGS__

/* 1. Code: four thread functions per test (unused ones empty). */
#define LITMUS_FN(id, n, body)                                                                     \
    static void id##_t##n(uint64_t *const *loc, uint64_t *out)                                     \
    {                                                                                              \
        uint64_t *x __attribute__((unused)) = loc[0];                                              \
        uint64_t *y __attribute__((unused)) = loc[1];                                              \
        uint64_t *z __attribute__((unused)) = loc[2];                                              \
        uint64_t r0 = 0, r1 = 0, r2 = 0, r3 = 0;                                                   \
        LITMUS_STRIP body                                                                          \
        out[0] = r0, out[1] = r1, out[2] = r2, out[3] = r3;                                        \
    }
#define LITMUS(id, name, variant, herd, arm, x86, why, n, t0, t1, t2, t3, ...)                     \
    LITMUS_FN(id, 0, t0) LITMUS_FN(id, 1, t1) LITMUS_FN(id, 2, t2) LITMUS_FN(id, 3, t3)
#include <tests/litmus/litmus-tests.def>
#undef LITMUS

/* 2. The program as text, ARM spelling then x86 spelling. */
#define LITMUS_TEXT(id, suffix, t0, t1, t2, t3)                                                    \
    static const char *const id##_##suffix[LITMUS_MAX_THREADS] = {                                 \
        LITMUS_STRIP t0 "", LITMUS_STRIP t1 "", LITMUS_STRIP t2 "", LITMUS_STRIP t3 ""};
#define LITMUS(id, name, variant, herd, arm, x86, why, n, t0, t1, t2, t3, ...)                     \
    LITMUS_TEXT(id, arm_text, t0, t1, t2, t3)
#define LITMUS_TEXT_ARM
#include <tests/litmus/ops-text.h>
#include <tests/litmus/litmus-tests.def>
#undef LITMUS_TEXT_ARM
#undef LITMUS
#define LITMUS(id, name, variant, herd, arm, x86, why, n, t0, t1, t2, t3, ...)                     \
    LITMUS_TEXT(id, x86_text, t0, t1, t2, t3)
#include <tests/litmus/ops-text.h>
#include <tests/litmus/litmus-tests.def>
#undef LITMUS

/* 3. The table. */
#define LITMUS(id, name_, variant_, herd_, arm_, x86_, why_, n, t0, t1, t2, t3, ...)               \
    {.name = name_,                                                                                \
     .variant = variant_,                                                                          \
     .herd = herd_,                                                                                \
     .arm = arm_,                                                                                  \
     .x86 = x86_,                                                                                  \
     .why = why_,                                                                                  \
     .threads = n,                                                                                 \
     .fn = {id##_t0, id##_t1, id##_t2, id##_t3},                                                   \
     .arm_text = {id##_arm_text[0], id##_arm_text[1], id##_arm_text[2], id##_arm_text[3]},         \
     .x86_text = {id##_x86_text[0], id##_x86_text[1], id##_x86_text[2], id##_x86_text[3]},         \
     .relaxed = {__VA_ARGS__, LITMUS_COND_END}},
const struct litmus_test litmus_tests[] = {
#include <tests/litmus/litmus-tests.def>
};
#undef LITMUS

const uint32_t litmus_test_count = sizeof(litmus_tests) / sizeof(litmus_tests[0]);
