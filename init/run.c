/* After bring-up: the first process runs what the boot arguments ask for
 * (the registered run modes, init/run.h), or the shell with a demo workload. */
#include <apps/apps.h>
#include <arch/exception.h>
#include <boot/boot.h>
#include <dist/dist.h>
#include <gic/irq.h>
#include <init/init.h>
#include <init/run.h>
#include <lib/print.h>
#include <net/net.h>
#include <sched/flight.h>
#include <sched/sched.h>

/* Registered with RUN_MODE: the linker gathers them, in order (boot/armada.lds). */
extern const struct run_mode __run_modes_start[], __run_modes_end[];

/* The first process: runs what the boot arguments ask for. */
static void init_main(void *arg)
{
    (void)arg;
    if (bootargs.trace_mode && !flight_start(bootargs.trace_mode == BOOTARGS_TRACE_STOP ? FLIGHT_STOP_WHEN_FULL
                                                                                         : FLIGHT_WRAP))
        kprintf("armada: trace=...: the flight recorder could not start\n");
    /* The network, when there is a NIC (make run-net, tests/qemu/matrix-net.sh). */
    if (net_start() && bootargs.echo_port && !echo_start(bootargs.echo_port, bootargs.echo_quit))
        kprintf("armada: cannot start the echo service: %s\n", spawn_error());
    dist_start(&bootargs); /* node=NAME@HOST: join an Erlang cluster */
    for (const struct run_mode *m = __run_modes_start; m < __run_modes_end; m++)
        if (m->wanted(&bootargs))
            m->run(&bootargs);
    /* make run: a visible workload, and the shell to look at it. */
    demo_workload();
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.prio = PRIO_HIGH; /* the console stays responsive under load */
    o.stack_size = 16 * 1024;
    if (!spawn_opt(shell_main, NULL, &o, NULL))
        kprintf("armada: cannot start the shell: %s\n", spawn_error());
}

void init_run(void)
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
