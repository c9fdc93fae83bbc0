/* Console receive is interrupt-driven: text typed at the UART arrives in the
 * ring through the UART's interrupt. Needs input, so it runs only when named
 * (tests/qemu/matrix.sh feeds "armada-rx" on the serial line). */
#include <arch/cpu.h>
#include <arch/timer.h>
#include <drivers/console.h>
#include <string.h>
#include <sync/xcall.h>
#include <tests/image/harness.h>

#define EXPECTED "armada-rx"
#define WAIT_MS 10000

IMAGE_TEST_EXPLICIT(console, receive_by_interrupt)
{
    char got[sizeof EXPECTED] = "";
    unsigned n = 0;
    kprintf("console: waiting for \"%s\" on the serial line\n", EXPECTED);
    uint64_t end = timer_now() + timer_ns_to_ticks(WAIT_MS * 1000000ULL);
    while (n < sizeof EXPECTED - 1 && timer_now() < end) {
        int c = console_getc();
        if (c >= 0)
            got[n++] = (char)c;
        else
            __asm__ volatile("wfi"); /* the receive interrupt wakes us */
    }
    got[n] = 0;
    TEST_ASSERT(!strcmp(got, EXPECTED), "received \"%s\", expected \"%s\"", got, EXPECTED);
    TEST_ASSERT(console_rx_interrupts() > 0, "characters arrived without a receive interrupt");
    return true;
}

/* Every core prints at once; each line must reach the UART whole. The runner
 * counts the well-formed lines (tests/qemu/matrix.sh): a broken one is lost. */
#define WHOLE_LINES 25

static uint32_t cores_done;

static void print_lines(void *arg)
{
    (void)arg;
    for (int i = 0; i < WHOLE_LINES; i++)
        kprintf("whole-line: cpu%u xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx end\n", this_cpu_id());
    /* Release: our lines are written before the test sees us done. */
    __atomic_fetch_add(&cores_done, 1, __ATOMIC_RELEASE);
}

IMAGE_TEST_EXPLICIT(console, lines_stay_whole)
{
    __atomic_store_n(&cores_done, 0, __ATOMIC_RELAXED);
    smp_call_function_all(print_lines, NULL, false);
    print_lines(NULL);
    /* Until every core has printed (a loaded host ran them late: a fixed
     * 200 ms once left 24 lines unwritten at power-off). */
    uint64_t end = timer_now() + timer_ns_to_ticks(WAIT_MS * 1000000ULL);
    /* Acquire: pairs with print_lines' release. */
    while (__atomic_load_n(&cores_done, __ATOMIC_ACQUIRE) < cpus_online_count() && timer_now() < end)
        cpu_relax();
    TEST_ASSERT(__atomic_load_n(&cores_done, __ATOMIC_ACQUIRE) == cpus_online_count(), "%u of %u cores printed their lines",
                cores_done, cpus_online_count());
    return true;
}
