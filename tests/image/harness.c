/* The in-image test runner: one line per test, then `N passed, N failed, N skipped`. */
#include <arch/timer.h>
#include <lib/bootargs.h>
#include <lib/fmt.h>
#include <tests/image/harness.h>

extern const struct image_test __image_tests_start[], __image_tests_end[];

static char fail_reason[200];
static char skip_reason[200];
static bool skipped_now;

void test_fail_reason(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fmt_vsnprintf(fail_reason, sizeof fail_reason, fmt, ap);
    va_end(ap);
}

void test_skip_reason(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fmt_vsnprintf(skip_reason, sizeof skip_reason, fmt, ap);
    va_end(ap);
    skipped_now = true;
}

static bool named_exactly(const char *list, const char *name)
{
    /* explicit-only tests need their full name or their suite named ("-x" names nothing). */
    return bootargs_names(list, name);
}

static bool selected(const struct image_test *t, const char *selection)
{
    return t->explicit_only ? named_exactly(selection, t->name) : bootargs_selects(selection, t->name);
}

int image_tests_run(const char *selection)
{
    int passed = 0, failed = 0, skipped = 0, chosen = 0;
    for (const struct image_test *t = __image_tests_start; t < __image_tests_end; t++)
        chosen += selected(t, selection);
    /* The runner outside compares this with the lines it sees: none may go missing. */
    kprintf("test: %d selected\n", chosen);
    for (const struct image_test *t = __image_tests_start; t < __image_tests_end; t++) {
        if (!selected(t, selection))
            continue;
        fail_reason[0] = 0;
        skip_reason[0] = 0;
        skipped_now = false;
        kprintf("test: %s ...\n", t->name);
        uint64_t started = timer_now();
        bool ok = t->fn();
        /* Where a suite's time goes: grep " took " in its log. */
        kprintf("test: %s took %lu ms\n", t->name, (unsigned long)(timer_ticks_to_ns(timer_now() - started) / 1000000));
        if (ok && skipped_now) {
            kprintf("SKIP %s: %s\n", t->name, skip_reason);
            skipped++;
        } else if (ok) {
            kprintf("PASS %s\n", t->name);
            passed++;
        } else {
            kprintf("FAIL %s: %s\n", t->name, fail_reason[0] ? fail_reason : "(no reason given)");
            failed++;
        }
    }
    if (chosen == 0) {
        kprintf("FAIL test: nothing matches \"%s\"\n", selection);
        failed++;
    }
    kprintf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
    return failed;
}
