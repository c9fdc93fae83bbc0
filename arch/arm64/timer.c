/* Generic timer: the counter, and the EL1 virtual timer's compare register. */
#include <arch/barrier.h>
#include <arch/sysreg.h>
#include <arch/timer.h>
#include <lib/dt/platform.h>
#include <lib/print.h>

static uint64_t frequency;

uint64_t timer_now(void)
{
    isb(); /* the counter read is not hoisted above earlier instructions */
    return read_sysreg(cntvct_el0);
}

uint64_t timer_frequency(void) { return frequency; }
uint64_t timer_ns_to_ticks(uint64_t ns) { return ns / 1000 * frequency / 1000000 + ns % 1000 * frequency / 1000000000; }
uint64_t timer_ticks_to_ns(uint64_t ticks) { return ticks / frequency * 1000000000 + ticks % frequency * 1000000000 / frequency; }

int arch_timer_init(const struct platform *p)
{
    frequency = read_sysreg(cntfrq_el0);
    if (!frequency && p->timer.dt_frequency)
        frequency = p->timer.dt_frequency;
    if (!frequency) {
        kprintf("timer: CNTFRQ_EL0 is 0 and the DT gives no clock-frequency\n");
        return -1;
    }
    return 0;
}

void timer_delay_us(uint64_t us)
{
    uint64_t end = timer_now() + timer_ns_to_ticks(us * 1000);
    while (timer_now() < end)
        cpu_relax();
}
