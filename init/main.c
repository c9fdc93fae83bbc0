/*
 * The top of the boot sequence: what runs on each core once boot/ has turned
 * its MMU on and set its stacks (boot/head.S calls these, through the
 * BOOT_ENTRY below). The boot core brings up interrupts, the timer and the
 * console's receive side, wires the hooks the lower layers ask for
 * (docs/design.md), starts the other cores, then runs what the boot
 * arguments ask for (init/run.c). Each other core sets up its own interrupt
 * interface and timer, then waits for the scheduler.
 */
#include <arch/atomics_check.h>
#include <arch/cpu.h>
#include <arch/exception.h>
#include <arch/semihost.h>
#include <arch/exclusives_check.h>
#include <boot/boot.h>
#include <boot/boot_handoff.h>
#include <drivers/console.h>
#include <drivers/timer.h>
#include <gic/irq.h>
#include <init/diag.h>
#include <init/init.h>
#include <mm/page_alloc.h>
#include <psci/bcm2835_pm.h>
#include <psci/psci.h>
#include <sched/sched.h>
#include <sync/rcu.h>
#include <sync/xcall.h>

static void stop_other_cores(void) { ipi_broadcast(IPI_STOP); }

/* The hooks the exception layer asks for, all set here before any core
 * unmasks interrupts or is started (the start orders them for the others). */
static void wire_exception_hooks(void)
{
    ipi_handler_set(IPI_STOP, cpu_stop_self);
    exception_hooks.irq = sched_irq_entry;         /* gic's dispatch, then the scheduler's */
    exception_hooks.process_fault = sched_process_fault;
    exception_hooks.stop_others = stop_other_cores;
    exception_hooks.halt = system_off;
}

static void print_boot_log(void)
{
    const struct platform *p = &platform;
    kprintf("model: %s\n", p->model[0] ? p->model : "(none)");
    uint64_t ram = 0;
    for (uint32_t i = 0; i < p->mem_bank_count; i++) {
        ram += p->mem_banks[i].size;
        kprintf("memory: %#lx-%#lx (%lu MiB)\n", (unsigned long)p->mem_banks[i].base,
                (unsigned long)(p->mem_banks[i].base + p->mem_banks[i].size),
                (unsigned long)(p->mem_banks[i].size >> 20));
    }
    kprintf("memory: %lu MiB total, %lu MiB usable in %u range(s), %u reserved range(s)\n",
            (unsigned long)(ram >> 20), (unsigned long)(page_alloc_total_bytes() >> 20), p->usable_count,
            p->reserved_count);
    irq_describe();
    if (psci_available()) {
        uint32_t v = psci_version();
        kprintf("psci: version %u.%u via %s (%s)\n", v >> 16, v & 0xffff, psci_conduit_name(),
                p->psci_compatible);
    } else {
        kprintf("psci: none in the device tree\n");
    }
    system_off_describe();
    uint64_t f = timer_frequency();
    kprintf("timer: %lu.%03lu MHz, virtual timer PPI INTID %u\n", (unsigned long)(f / 1000000),
            (unsigned long)(f / 1000 % 1000), timer_intid());
    kprintf("console: %s at %#lx, receive INTID %u\n", p->console.path, (unsigned long)p->console.base,
            p->console.irq.intid);
    if (p->bootargs[0])
        kprintf("bootargs: %s\n", p->bootargs);
    for (uint32_t i = 0; i < bootargs.unknown_count; i++)
        kprintf("bootargs: unknown word \"%s\" ignored\n", bootargs.unknown[i]);
}

/* The tree lacks what Armada cannot run without (said above by the reader):
 * a clear stop, not a panic. A test run powers off so that it ends. */
static void stop_boot(const char *why)
{
    kprintf("armada: %s: cannot run. %s\n", why, panic_poweroff ? "Powering off (test mode)." : "Halted.");
    if (panic_poweroff)
        system_off();
    for (;;)
        cpu_wfe();
}

/* The boot core's exclusives do not work: nothing that locks can run. Said
 * through the unlocked console path, then the power-off (test mode) or a halt,
 * which take no lock either. */
static void stop_without_exclusives(void)
{
    const struct exclusives_report *r = &exclusives_reports[0];
    kprintf_unlocked("armada: cpu0: LDAXR/STXR self-test failed: %s (%u tries, SCTLR_EL1 %#lx).\n"
                     "armada: every lock would spin for ever: exclusives need the MMU and data cache on.\n"
                     "armada: cannot run. %s\n",
                     exclusives_failure(r), r->failed_tries, (unsigned long)r->sctlr,
                     panic_poweroff ? "Powering off (test mode)." : "Halted.");
    if (panic_poweroff)
        system_off();
    for (;;)
        cpu_wfe();
}

/* A secondary whose exclusives fail stays out: never online, so no lock and
 * no work reach it; the boot core reports it missing. */
static void park_without_exclusives(uint32_t cpu)
{
    const struct exclusives_report *r = &exclusives_reports[cpu];
    kprintf_unlocked("armada: cpu%u: LDAXR/STXR self-test failed: %s (SCTLR_EL1 %#lx); parking this core\n", cpu,
                     exclusives_failure(r), (unsigned long)r->sctlr);
    irq_disable_local();
    for (;;)
        cpu_wfi();
}

static void init_boot_core(void)
{
    atomics_check_cpu(0); /* an LSE image stops here on a core without LSE */
    bool exclusives_ok = exclusives_check_cpu(0); /* before the first lock */
    psci_init(&platform);
    bcm2835_pm_init(&platform.pm_watchdog);
    if (!exclusives_ok)
        stop_without_exclusives(); /* after the power-off paths are known, before any lock */
    console_smp_ready();
    page_alloc_smp_ready();
    wire_exception_hooks();
    if (bootargs.semihosting)
        semihost_enable(); /* before any core can reach a semihosting call */
    xcall_init();
    if (irq_init_global(&platform) || irq_init_cpu(0))
        stop_boot("no usable interrupt controller in the device tree");
    if (timer_init_global(&platform))
        stop_boot("no usable timer in the device tree");
    timer_init_cpu();
    console_rx_start();
    cpu_mark_online(0);
    irq_enable_local();
    print_boot_log();
    kprintf("cpu0: MPIDR %#lx, boot core, EL%u -> EL%u\n", (unsigned long)arch_cpu_mpidr(0), boot_entry_el,
            current_el());
    smp_start_secondaries();
    if (bootargs.diag)
        diag_print_screen();
    init_run();
}

static void init_secondary(uint32_t cpu)
{
    atomics_check_cpu(cpu); /* an LSE image stops here on a core without LSE */
    if (!exclusives_check_cpu(cpu)) /* before the first lock */
        park_without_exclusives(cpu);
    if (irq_init_cpu(cpu)) {
        kprintf("cpu%u: interrupt controller setup failed; parking this core\n", cpu);
        for (;;)
            cpu_wfi();
    }
    timer_init_cpu();
    cpu_mark_online(cpu);
    while (!sched_is_running()) {
        rcu_idle_wfi(); /* a quiescent state, then WFI: the boot core's IPI says when the scheduler is up */
        smp_idle_poll();
    }
    sched_core_loop();
}

BOOT_ENTRY(init_boot_core, init_secondary);
