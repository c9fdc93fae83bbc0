/* Bringing up the secondaries: each started by its DT enable-method, then
 * waited for with a timeout; a core that fails is reported, the rest go on. */
#include <arch/barrier.h>
#include <arch/cache.h>
#include <arch/cpu.h>
#include <boot/boot.h>
#include <boot/boot_handoff.h>
#include <drivers/console.h>
#include <drivers/timer.h>
#include <gic/irq.h>
#include <psci/psci.h>
#include <sync/rcu.h>
#include <sync/xcall.h>

#define CPU_ONLINE_TIMEOUT_MS 2000 /* generous: TCG on a loaded host is slow */
/* Going down waits for the core's vCPU to run its idle loop to the end:
 * at load 30 and more on a 2-core host that took over 2 s. */
#define CPU_OFF_TIMEOUT_MS 10000

static uint64_t bringup_ns;

uint64_t smp_bringup_ns(void) { return bringup_ns; }

static const char *method_name(const struct platform_cpu *c)
{
    return c->method == CPU_ENABLE_UNKNOWN ? c->method_name : cpu_enable_method_name(c->method);
}

static void report_missing(uint32_t cpu, const struct platform_cpu *c)
{
    if (c->method == CPU_ENABLE_PSCI) {
        int64_t state = psci_affinity_info(c->mpidr);
        const char *what = state == PSCI_AFF_ON ? "ON" : state == PSCI_AFF_OFF ? "OFF"
                           : state == PSCI_AFF_ON_PENDING ? "ON_PENDING" : psci_error_name(state);
        kprintf("cpu%u: MPIDR %#lx: did not come up within %u ms (PSCI AFFINITY_INFO: %s)\n", cpu,
                (unsigned long)c->mpidr, CPU_ONLINE_TIMEOUT_MS, what);
    } else {
        kprintf("cpu%u: MPIDR %#lx: did not come up within %u ms after spin-table release at %#lx\n",
                cpu, (unsigned long)c->mpidr, CPU_ONLINE_TIMEOUT_MS, (unsigned long)c->release_addr);
    }
}

uint32_t smp_down_flags[MAX_CPUS]; /* set by request_down, cleared as the core leaves */

/* The core, in thread context, leaves: offline first (no new work is sent),
 * then PSCI CPU_OFF, which does not return on success. */
void (*cpu_down_prepare)(uint32_t cpu);

/* Out of line: the idle loop polls for it on every pass (smp_idle_poll). */
void __attribute__((noinline, cold)) smp_cpu_die(uint32_t cpu)
{
    irq_disable_local();
    timer_cancel();
    cpu_mark_offline(cpu);
    if (cpu_down_prepare)
        cpu_down_prepare(cpu); /* the scheduler moves this core's work elsewhere */
    rcu_cpu_offline(); /* after the hand-over, our last code that could read under RCU */
    /* Release: our last accesses are visible before the requester sees us go. */
    __atomic_store_n(&smp_down_flags[cpu], 0, __ATOMIC_RELEASE);
    int64_t r = psci_cpu_off();
    kprintf("cpu%u: PSCI CPU_OFF failed: %s (%ld); parking instead\n", cpu, psci_error_name(r), (long)r);
    for (;;)
        cpu_wfi();
}

void (*cpu_down_requested)(uint32_t cpu);

static void request_down(void *arg)
{
    (void)arg;
    uint32_t cpu = this_cpu_id();
    __atomic_store_n(&smp_down_flags[cpu], 1, __ATOMIC_RELAXED); /* read after the IRQ returns */
    if (cpu_down_requested)
        cpu_down_requested(cpu);
}

bool smp_down_requested(uint32_t cpu) { return __atomic_load_n(&smp_down_flags[cpu], __ATOMIC_RELAXED); }

int smp_cpu_down(uint32_t cpu)
{
    if (cpu == 0 || cpu >= cpus_possible || !psci_available())
        return -1;
    if (!cpu_is_online(cpu)) {
        kprintf("cpu%u: not online\n", cpu);
        return -1;
    }
    const struct platform_cpu *c = &platform.cpus[cpu_dt_index[cpu]];
    /* The core's idle loop sees the flag when the cross-call's IPI wakes it. */
    smp_call_function_single(cpu, request_down, NULL, true);
    uint64_t deadline = timer_now() + timer_ns_to_ticks(CPU_OFF_TIMEOUT_MS * 1000000ULL);
    while (timer_now() < deadline) {
        if (!cpu_is_online(cpu) && psci_affinity_info(c->mpidr) == PSCI_AFF_OFF)
            return 0;
        cpu_relax();
    }
    /* Which step it is stuck in: still reaching its idle loop or handing its
     * work on (the flag is cleared after that), or in PSCI CPU_OFF. */
    const char *where = cpu_is_online(cpu)        ? "before reaching its idle loop"
                        : smp_down_requested(cpu) ? "while handing its work on"
                                                  : "after handing its work on (PSCI says not OFF)";
    kprintf("cpu%u: did not power off within %u ms: stuck %s\n", cpu, CPU_OFF_TIMEOUT_MS, where);
    return -1;
}

int smp_cpu_up(uint32_t cpu)
{
    if (cpu >= cpus_possible || cpu_is_online(cpu))
        return -1;
    const struct platform_cpu *c = &platform.cpus[cpu_dt_index[cpu]];
    int64_t r = cpu_start(c, cpu, (uint64_t)secondary_entry);
    if (r != PSCI_SUCCESS) {
        kprintf("cpu%u: restart failed: %s (%ld)\n", cpu, psci_error_name(r), (long)r);
        return (int)r;
    }
    uint64_t deadline = timer_now() + timer_ns_to_ticks(CPU_ONLINE_TIMEOUT_MS * 1000000ULL);
    while (!cpu_is_online(cpu) && timer_now() < deadline)
        cpu_relax();
    if (!cpu_is_online(cpu)) {
        report_missing(cpu, c);
        return -1;
    }
    return 0;
}

/* From each core's idle loop: leave if asked to (smp_cpu_down). IRQs off. */
void smp_idle_poll(void)
{
    uint32_t cpu = this_cpu_id();
    if (__atomic_load_n(&smp_down_flags[cpu], __ATOMIC_RELAXED))
        smp_cpu_die(cpu);
}

void smp_start_secondaries(void)
{
    uint64_t entry = (uint64_t)secondary_entry;
    uint64_t t0 = timer_now();
    /* Secondaries read the handoff with caches off: push it to memory. */
    dcache_clean_poc(&boot_handoff, sizeof boot_handoff);
    for (uint32_t cpu = 1; cpu < cpus_possible; cpu++) {
        const struct platform_cpu *c = &platform.cpus[cpu_dt_index[cpu]];
        uint64_t t = timer_now();
        int64_t r = cpu_start(c, cpu, entry);
        if (r != PSCI_SUCCESS) {
            if (c->method == CPU_ENABLE_PSCI)
                kprintf("cpu%u: MPIDR %#lx: PSCI CPU_ON failed: %s (%ld)\n", cpu,
                        (unsigned long)c->mpidr, psci_error_name(r), (long)r);
            else
                kprintf("cpu%u: MPIDR %#lx: cannot start: enable-method \"%s\" %s\n", cpu,
                        (unsigned long)c->mpidr, method_name(c),
                        c->method == CPU_ENABLE_SPIN_TABLE ? "has no cpu-release-addr" : "is not supported");
            continue;
        }
        uint64_t deadline = t + timer_ns_to_ticks(CPU_ONLINE_TIMEOUT_MS * 1000000ULL);
        while (!cpu_is_online(cpu) && timer_now() < deadline)
            cpu_relax();
        if (!cpu_is_online(cpu)) {
            report_missing(cpu, c);
            continue;
        }
        kprintf("cpu%u: MPIDR %#lx (cluster %u), started by %s, online after %lu us\n", cpu,
                (unsigned long)c->mpidr, c->cluster, method_name(c),
                (unsigned long)(timer_ticks_to_ns(cpu_online_since(cpu) - t) / 1000));
    }
    bringup_ns = timer_ticks_to_ns(timer_now() - t0);
    kprintf("smp: %u of %u core(s) online; bringing them up took %lu us\n", cpus_online_count(),
            platform.cpu_count, (unsigned long)(bringup_ns / 1000));
}
