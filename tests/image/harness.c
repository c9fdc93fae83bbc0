/* The in-image test runner: one line per test, then `N passed, N failed`. */
#include <lib/bootargs.h>
#include <lib/fmt.h>
#include <tests/image/harness.h>

extern const struct image_test __image_tests_start[], __image_tests_end[];

static char fail_reason[200];

void test_fail_reason(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fmt_vsnprintf(fail_reason, sizeof fail_reason, fmt, ap);
    va_end(ap);
}

static bool named_exactly(const char *list, const char *name)
{
    /* explicit-only tests need their full name or their suite named. */
    return *list && bootargs_selects(list, name);
}

int image_tests_run(const char *selection)
{
    int passed = 0, failed = 0;
    for (const struct image_test *t = __image_tests_start; t < __image_tests_end; t++) {
        if (t->explicit_only ? !named_exactly(selection, t->name) : !bootargs_selects(selection, t->name))
            continue;
        fail_reason[0] = 0;
        kprintf("test: %s ...\n", t->name);
        if (t->fn()) {
            kprintf("PASS %s\n", t->name);
            passed++;
        } else {
            kprintf("FAIL %s: %s\n", t->name, fail_reason[0] ? fail_reason : "(no reason given)");
            failed++;
        }
    }
    if (passed + failed == 0)
        kprintf("test: nothing matches \"%s\"\n", selection);
    kprintf("%d passed, %d failed\n", passed, failed);
    return failed;
}
