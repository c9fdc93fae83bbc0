/* Exceptions: a fault on a secondary is reported in full and, where a test
 * allows it, survived; test=panic shows the fatal path (stop all, power off). */
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <boot/boot.h>
#include <mm/page_alloc.h>
#include <sync/xcall.h>
#include <tests/image/harness.h>

static void touch_guard_page(void *arg)
{
    (void)arg;
    struct percpu *cpu = this_cpu();
    volatile uint64_t *guard = (uint64_t *)(cpu->stack_base - PAGE_SIZE); /* volatile: the load must happen */
    cpu->fault_skip = 1;
    barrier(); /* the flag is set before the faulting load, in program order */
    (void)*guard;
}

IMAGE_TEST(exception, secondary_fault_reported_and_survived)
{
    uint32_t target = cpus_possible - 1;
    while (target && !cpu_is_online(target))
        target--;
    if (target == 0) {
        touch_guard_page(NULL);
        TEST_ASSERT(this_cpu()->faults_recovered == 1, "boot core fault not seen");
        this_cpu()->faults_recovered = 0;
        return true;
    }
    uint32_t before = percpu_areas[target].faults_recovered;
    smp_call_function_single(target, touch_guard_page, NULL, true);
    TEST_ASSERT(percpu_areas[target].faults_recovered == before + 1,
                "cpu%u: fault on its stack guard page was not taken", target);
    TEST_ASSERT(percpu_areas[target].fault_skip == 0, "cpu%u: fault_skip left armed", target);
    return true;
}

static void unexpected_fault(void *arg)
{
    (void)arg;
    volatile uint64_t *guard = (uint64_t *)(this_cpu()->stack_base - PAGE_SIZE); /* volatile: must load */
    (void)*guard;
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
