/* What tests/ adds on top: the shell's `test` and `bench` commands, and the
 * boot words `test`, `bench=`, `litmus` (run modes, init/run.h). Both are
 * registrations the linker gathers: nothing below tests/ names tests/. */
#include <apps/apps.h>
#include <init/run.h>
#include <psci/psci.h>
#include <string.h>
#include <tests/bench/bench.h>
#include <tests/image/harness.h>
#include <tests/litmus/litmus.h>

#define TEST_LINE_MAX 120

static void cmd_bench(int argc, char **argv)
{
    bench_run_selected(argc > 1 ? argv[1] : "");
}
SHELL_COMMAND(bench, "bench", "[name,...]: run benchmarks", cmd_bench);

static char test_selection[TEST_LINE_MAX];

static void run_tests(void *arg)
{
    (void)arg;
    image_tests_run(test_selection);
}

/* The suites expect the boot core (as at boot): run them there, and wait. */
static void cmd_test(int argc, char **argv)
{
    strlcpy(test_selection, argc > 1 ? argv[1] : "", sizeof test_selection);
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.pin_cpu = 0;
    o.prio = PRIO_HIGH;
    o.stack_size = 32 * 1024;
    o.monitor = true;
    uint64_t ref;
    if (!spawn_opt(run_tests, NULL, &o, &ref)) {
        kprintf("test: cannot start: %s\n", spawn_error());
        return;
    }
    struct msg_info info;
    while (receive(NULL, NULL, NULL, 0, RECEIVE_FOREVER, &info) >= 0 && !(info.kind == MSG_DOWN && info.ref == ref))
        ; /* console input meanwhile is kept in the console's ring */
}
SHELL_COMMAND(test, "test", "[suite,...]: run in-image tests", cmd_test);

static bool want_tests(const struct bootargs *b) { return b->test; }
static void run_image_tests(const struct bootargs *b)
{
    image_tests_run(b->test_list);
    system_off();
}
RUN_MODE(1, test, want_tests, run_image_tests);

static bool want_bench(const struct bootargs *b) { return b->bench; }
static void run_bench(const struct bootargs *b) { bench_run_all(b->bench_list); } /* prints, powers off */
RUN_MODE(2, bench, want_bench, run_bench);

static bool want_litmus(const struct bootargs *b) { return b->litmus; }
static void run_litmus(const struct bootargs *b)
{
    (void)b;
    litmus_image_run(); /* prints the counts, powers off */
}
RUN_MODE(3, litmus, want_litmus, run_litmus);
