/* Host test support: one line per test (`PASS name` / `FAIL name: why`), a
 * final `N passed, N failed`, blobs loaded from build/host/dtb/ and placed so
 * that reading past their end faults even in uninstrumented libfdt. */
#ifndef ARMADA_TEST_SUPPORT_H
#define ARMADA_TEST_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform.h"

extern char test_why[256];

/* Each check records where and why, then makes the test return false. */
#define CHECK(cond)                                                                                          \
    do {                                                                                                     \
        if (!(cond))                                                                                         \
            return test_fail(__LINE__, "%s", #cond);                                                         \
    } while (0)
#define CHECK_EQ(a, b)                                                                                       \
    do {                                                                                                     \
        uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                                                     \
        if (a_ != b_)                                                                                        \
            return test_fail(__LINE__, "%s == 0x%llx, expected 0x%llx", #a, (unsigned long long)a_,          \
                             (unsigned long long)b_);                                                        \
    } while (0)
#define CHECK_STR(a, b)                                                                                      \
    do {                                                                                                     \
        const char *a_ = (a), *b_ = (b);                                                                     \
        if (strcmp(a_, b_) != 0)                                                                             \
            return test_fail(__LINE__, "%s == \"%s\", expected \"%s\"", #a, a_, b_);                         \
    } while (0)

bool test_fail(int line, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void test_run(const char *name, bool (*fn)(void));
int test_summary(void);
#define RUN(fn) test_run(#fn, fn)

/* Directory holding the generated DTBs (argv[1]). */
extern const char *test_dtb_dir;
/* Read build/host/dtb/<name>.dtb into malloc'd memory; NULL (and test_why set) if missing. */
void *test_load_dtb(const char *name, size_t *len);

/* A copy of data whose last byte sits right before an inaccessible page
 * (start rounded down to 8, as libfdt requires). Freed by blob_free. */
void *blob_guarded(const void *data, size_t len);
/* A copy placed at exactly `addr` (page aligned, mapped fixed), so DTB
 * carve-outs are predictable. NULL if that address is taken. */
void *blob_at(uintptr_t addr, const void *data, size_t len);
void blob_free(void *blob);

/* Every invariant a caller relies on whatever the input: counts within the
 * arrays, strings terminated. Returns false with test_why set. */
bool platform_sane(const struct platform *p, int status);
/* Is `sentence` one of p->errors[]? */
bool has_error(const struct platform *p, const char *sentence);

/* Load <name>.dtb, place it guarded, run platform_from_dt with blob_limit =
 * its length, check platform_sane. Returns the blob (blob_free it) or NULL
 * with test_why set. */
void *test_parse(const char *name, struct platform *p, uint64_t boot_mpidr, struct phys_range image, int *rc);

#endif
