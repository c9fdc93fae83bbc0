/* After bring-up: run what the boot arguments ask for (tests, benchmarks,
 * litmus tests), or the demo. Test-like runs power off at the end. */
#include <arch/cpu.h>
#include <arch/timer.h>
#include <boot/boot.h>
#include <drivers/console.h>
#include <gic/irq.h>
#include <psci/psci.h>
#include <arch/exception.h>
#include <sched/sched.h>
#include <sync/xcall.h>
#include <tests/bench/bench.h>
#include <tests/image/harness.h>
#include <tests/litmus/litmus.h>

#define DEMO_PERIOD_MS 500

struct token {
    uint32_t round, from, to;
};

static void token_arrives(void *arg)
{
    struct token *t = arg;
    kprintf("ipi: cpu%u -> cpu%u  round %u  (cpu%u has taken %lu call-function IPIs)\n", t->from,
            this_cpu_id(), t->round, this_cpu_id(),
            (unsigned long)this_cpu()->ipis_received[IPI_CALL_FUNCTION]);
}

/* Runs on t->from: send the token on to t->to by IPI and wait for it to land. */
static void token_forward(void *arg)
{
    struct token *t = arg;
    smp_call_function_single(t->to, token_arrives, t, true);
}

/* The live IPI ping-pong of `make run`: a token goes round the cores, each
 * core sending it to the next with a call-function IPI. */
static void demo_run(void)
{
    kprintf("demo: a token goes round the cores by IPI every %u ms; type to see console input\n"
            "demo: (quit QEMU: Ctrl-A then X)\n", DEMO_PERIOD_MS);
    uint32_t n = cpus_online_count();
    struct token t = {0, 0, 0};
    for (;;) {
        sleep_ms(DEMO_PERIOD_MS);
        t.round++;
        t.from = t.to;
        do
            t.to = (t.to + 1) % cpus_possible;
        while (n > 1 && !cpu_is_online(t.to));
        if (t.from == 0)
            token_forward(&t);
        else
            smp_call_function_single(t.from, token_forward, &t, true);
        for (int c; (c = console_getc()) >= 0;)
            kprintf("console: received '%c' by interrupt\n", c >= 32 && c < 127 ? c : '?');
    }
}

/* The first process: runs what the boot arguments ask for. */
static void init_main(void *arg)
{
    (void)arg;
    if (bootargs.test) {
        image_tests_run(bootargs.test_list);
        system_off();
    }
    if (bootargs.bench)
        bench_run_all(bootargs.bench_list); /* prints the results, powers off */
    if (bootargs.litmus)
        litmus_image_run(); /* prints the counts, powers off */
    demo_run();
}

void boot_run(void)
{
    sched_init();
    ipi_broadcast(IPI_RESCHEDULE); /* secondaries wait in WFI for the scheduler */
    struct spawn_opts opts = SPAWN_OPTS_DEFAULT;
    opts.pin_cpu = 0;               /* tests expect to run on the boot core */
    opts.stack_size = 32 * 1024;
    opts.prio = PRIO_HIGH;
    if (!spawn_opt(init_main, NULL, &opts, NULL))
        panic("cannot spawn the first process: %s", spawn_error());
    sched_core_loop();
}
