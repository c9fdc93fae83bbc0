/* Console receive is interrupt-driven: text typed at the UART arrives in the
 * ring through the UART's interrupt. Needs input, so it runs only when named
 * (tests/qemu/matrix.sh feeds "armada-rx" on the serial line). */
#include <arch/timer.h>
#include <drivers/console.h>
#include <string.h>
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
