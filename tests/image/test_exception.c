/* Exceptions: a fault on a secondary is reported in full and, where a test
 * allows it, survived; test=panic shows the fatal path (stop all, power off). */
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <arch/timer.h>
#include <boot/boot.h>
#include <drivers/console.h>
#include <mm/page_alloc.h>
#include <sync/xcall.h>
#include <lib/ksyms.h>
#include <string.h>
#include <tests/image/harness.h>

/* Where each core's load of its own guard page was, and what it read: the
 * report the exception path recorded must name this fault, not another. */
static uint64_t guard_load_pc[MAX_CPUS], guard_address[MAX_CPUS];

static void touch_guard_page(void *arg)
{
    (void)arg;
    struct percpu *cpu = this_cpu();
    uint64_t guard = cpu->stack_base - PAGE_SIZE, pc, v;
    guard_address[cpu->cpu_id] = guard;
    cpu->fault_skip = 1;
    barrier(); /* the flag is set before the faulting load, in program order */
    __asm__ volatile("adr %[pc], 1f\n"
                     "1: ldr %[v], [%[guard]]\n" /* faults; resumed after it */
                     : [pc] "=&r"(pc), [v] "=r"(v)
                     : [guard] "r"(guard)
                     : "memory");
    guard_load_pc[cpu->cpu_id] = pc;
}

/* The fault the core survived is the one it caused: a data abort at EL1
 * (class 0x25), a translation fault (DFSC 0x04-0x07) on a read (WnR 0), at
 * the guard address, by the load instruction. */
static bool skipped_fault_matches(uint32_t cpu)
{
    const struct percpu *c = &percpu_areas[cpu];
    uint32_t ec = (uint32_t)(c->skipped_esr >> 26) & 0x3f, dfsc = (uint32_t)c->skipped_esr & 0x3f;
    TEST_ASSERT(ec == 0x25, "cpu%u: ESR %#lx: class %#x, expected 0x25 (data abort, same EL)", cpu,
                (unsigned long)c->skipped_esr, ec);
    TEST_ASSERT(dfsc >= 0x04 && dfsc <= 0x07, "cpu%u: DFSC %#x, expected a translation fault", cpu, dfsc);
    TEST_ASSERT(!(c->skipped_esr & (1u << 6)), "cpu%u: ESR says a write; the fault was a read", cpu);
    TEST_ASSERT(c->skipped_far == guard_address[cpu], "cpu%u: FAR %#lx, the load was of %#lx", cpu,
                (unsigned long)c->skipped_far, (unsigned long)guard_address[cpu]);
    TEST_ASSERT(c->skipped_elr == guard_load_pc[cpu], "cpu%u: ELR %#lx, the load was at %#lx", cpu,
                (unsigned long)c->skipped_elr, (unsigned long)guard_load_pc[cpu]);
    return true;
}

IMAGE_TEST(exception, secondary_fault_reported_and_survived)
{
    uint32_t target = cpus_possible - 1;
    while (target && !cpu_is_online(target))
        target--;
    percpu_areas[target].skipped_esr = percpu_areas[target].skipped_far = percpu_areas[target].skipped_elr = 0;
    if (target == 0) {
        uint32_t before = this_cpu()->faults_recovered;
        touch_guard_page(NULL);
        TEST_ASSERT(this_cpu()->faults_recovered == before + 1, "boot core fault not seen");
        return skipped_fault_matches(0);
    }
    uint32_t before = percpu_areas[target].faults_recovered;
    /* The cross-call waits for the function to finish: what it wrote is seen. */
    smp_call_function_single(target, touch_guard_page, NULL, true);
    TEST_ASSERT(percpu_areas[target].faults_recovered == before + 1,
                "cpu%u: fault on its stack guard page was not taken", target);
    TEST_ASSERT(percpu_areas[target].fault_skip == 0, "cpu%u: fault_skip left armed", target);
    return skipped_fault_matches(target);
}

static void unexpected_fault(void *arg)
{
    (void)arg;
    volatile uint64_t *guard = (uint64_t *)(this_cpu()->stack_base - PAGE_SIZE); /* volatile: must load */
    (void)*guard;
}

/* The image names its own functions (lib/ksyms.c, the table from the
 * second link): what the exception report's "pc in" line relies on. */
IMAGE_TEST(exception, image_names_its_functions)
{
    TEST_ASSERT(ksym_count() > 100, "the image's function table holds %u entries", ksym_count());
    struct ksym k;
    uintptr_t fn = (uintptr_t)unexpected_fault;
    TEST_ASSERT(ksym_lookup(fn, &k) && strcmp(k.name, "unexpected_fault") == 0 && k.offset == 0,
                "%#lx is not named unexpected_fault+0", (unsigned long)fn);
    TEST_ASSERT(ksym_lookup(fn + 4, &k) && strcmp(k.name, "unexpected_fault") == 0 && k.offset == 4,
                "%#lx is not named unexpected_fault+0x4", (unsigned long)(fn + 4));
    TEST_ASSERT(ksym_lookup((uintptr_t)ksym_lookup, &k) && strcmp(k.name, "ksym_lookup") == 0,
                "ksym_lookup is not named by itself");
    TEST_ASSERT(!ksym_lookup((uintptr_t)guard_load_pc, &k), "data (guard_load_pc) named as code: %s", k.name);
    return true;
}

/* Ends the run: selected only by name (test=panic). */
IMAGE_TEST_EXPLICIT(panic, unexpected_fault_on_secondary)
{
    uint32_t target = cpus_possible > 1 ? 1 : 0;
    smp_call_function_single(target, unexpected_fault, NULL, false);
    for (;;)
        cpu_wfi(); /* the panic stops us; the runner checks the report */
    return false;
}

static void hold_console(void *arg)
{
    (void)arg;
    console_hold_lock_forever();
}

/* Ends the run (test=panic_console): cpu1 keeps the console lock for good
 * (interrupts masked: it cannot even be stopped), then cpu2 faults. The
 * report must still come out (the panic path takes the console over) and
 * test mode must power off. */
IMAGE_TEST_EXPLICIT(panic_console, fault_while_another_core_holds_the_console)
{
    if (cpus_possible < 3)
        TEST_SKIP("%u core(s): needs a holder and a faulting core besides this one", cpus_possible);
    smp_call_function_single(1, hold_console, NULL, false);
    timer_delay_us(100000); /* it has the lock by now */
    smp_call_function_single(2, unexpected_fault, NULL, false);
    for (;;)
        cpu_wfi(); /* the panic stops us; the runner checks the report */
    return false;
}

/* Ends the run (test=panic_twice): cpu1 and cpu2 fault at the same moment.
 * One panic stops the machine; the other must not deadlock it. */
static uint32_t fault_go;
static void fault_together(void *arg)
{
    (void)arg;
    while (!load_acquire(&fault_go)) /* acquire: both leave at the same store */
        cpu_relax();
    unexpected_fault(NULL);
}

IMAGE_TEST_EXPLICIT(panic_twice, two_cores_fault_at_once)
{
    if (cpus_possible < 3)
        TEST_SKIP("%u core(s): needs two faulting cores besides this one", cpus_possible);
    smp_call_function_single(1, fault_together, NULL, false);
    smp_call_function_single(2, fault_together, NULL, false);
    timer_delay_us(100000); /* both are waiting */
    store_release(&fault_go, 1);
    for (;;)
        cpu_wfi();
    return false;
}
