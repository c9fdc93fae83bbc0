/* After bring-up: run what the boot arguments ask for (tests, benchmarks,
 * litmus tests), or the shell with a demo workload. Test-like runs power off at the end. */
#include <apps/apps.h>
#include <arch/cpu.h>
#include <arch/timer.h>
#include <boot/boot.h>
#include <drivers/console.h>
#include <gic/irq.h>
#include <net/net.h>
#include <psci/psci.h>
#include <arch/exception.h>
#include <sched/sched.h>
#include <sync/xcall.h>
#include <tests/bench/bench.h>
#include <tests/image/harness.h>
#include <tests/litmus/litmus.h>

/* The first process: runs what the boot arguments ask for. */
static void init_main(void *arg)
{
    (void)arg;
    /* The network, when there is a NIC (make run-net, tests/qemu/matrix-net.sh). */
    if (net_start() && bootargs.echo_port && !echo_start(bootargs.echo_port, bootargs.echo_quit))
        kprintf("armada: cannot start the echo service: %s\n", spawn_error());
    if (bootargs.test) {
        image_tests_run(bootargs.test_list);
        system_off();
    }
    if (bootargs.bench)
        bench_run_all(bootargs.bench_list); /* prints the results, powers off */
    if (bootargs.litmus)
        litmus_image_run(); /* prints the counts, powers off */
    /* make run: a visible workload, and the shell to look at it. */
    demo_workload();
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.prio = PRIO_HIGH; /* the console stays responsive under load */
    o.stack_size = 16 * 1024;
    if (!spawn_opt(shell_main, NULL, &o, NULL))
        kprintf("armada: cannot start the shell: %s\n", spawn_error());
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
