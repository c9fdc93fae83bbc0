/* After bring-up: run what the boot arguments ask for (tests, benchmarks,
 * litmus tests), or the demo. Test-like runs power off at the end. */
#include <arch/cpu.h>
#include <arch/timer.h>
#include <boot/boot.h>
#include <drivers/console.h>
#include <gic/irq.h>
#include <psci/psci.h>
#include <sync/xcall.h>
#include <tests/image/harness.h>

#define DEMO_PERIOD_MS 500

struct ping {
    uint32_t round;
    uint32_t from;
};

static void demo_pong(void *arg)
{
    struct ping *p = arg;
    kprintf("ipi: cpu%u -> cpu%u  (round %u, call-function IPI, %lu IPIs received here)\n", p->from,
            this_cpu_id(), p->round, (unsigned long)this_cpu()->ipis_received[IPI_CALL_FUNCTION]);
}

/* The live IPI ping-pong of `make run`: a token goes round the cores. */
static void demo_run(void)
{
    kprintf("demo: passing a token between the cores by IPI every %u ms (quit QEMU: Ctrl-A then X)\n",
            DEMO_PERIOD_MS);
    struct ping p = {0, 0};
    uint32_t n = cpus_online_count();
    for (uint32_t i = 1;; i++) {
        timer_delay_us(DEMO_PERIOD_MS * 1000);
        uint32_t to = n > 1 ? i % n : 0;
        p.round = i;
        p.from = (i - 1) % (n ? n : 1);
        if (to == 0 && n > 1)
            to = 1 % n, p.from = 0;
        smp_call_function_single(to, demo_pong, &p, true);
        int c = console_getc();
        if (c >= 0)
            kprintf("console: received '%c' (interrupt-driven receive)\n", c >= 32 && c < 127 ? c : '?');
    }
}

void boot_run(void)
{
    if (bootargs.test) {
        int failed = image_tests_run(bootargs.test_list);
        (void)failed;
        system_off();
    }
    demo_run();
    system_off();
}
