/* Console receive is interrupt-driven: text typed at the UART arrives in the
 * ring through the UART's interrupt. Needs input, so it runs only when named
 * (tests/qemu/matrix.sh feeds "armada-rx" on the serial line). */
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

static void print_lines(void *arg)
{
    (void)arg;
    for (int i = 0; i < WHOLE_LINES; i++)
        kprintf("whole-line: cpu%u xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx end\n", this_cpu_id());
}

IMAGE_TEST_EXPLICIT(console, lines_stay_whole)
{
    smp_call_function_all(print_lines, NULL, false);
    print_lines(NULL);
    timer_delay_us(200000); /* the others finish their lines */
    return true;
}
