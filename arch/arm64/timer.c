/* Generic timer: EL1 virtual timer, one-shot deadlines. */
#include <arch/barrier.h>
#include <arch/timer.h>
#include <drivers/console.h>
#include <gic/irq.h>
#include <lib/dt/platform.h>

#define CNTV_CTL_ENABLE 1
#define CNTV_CTL_IMASK 2

static uint64_t frequency;
static uint32_t intid;

uint64_t timer_now(void)
{
    isb(); /* the counter read is not hoisted above earlier instructions */
    return read_sysreg(cntvct_el0);
}

uint64_t timer_frequency(void) { return frequency; }
uint32_t timer_intid(void) { return intid; }
uint64_t timer_ns_to_ticks(uint64_t ns) { return ns / 1000 * frequency / 1000000 + ns % 1000 * frequency / 1000000000; }
uint64_t timer_ticks_to_ns(uint64_t ticks) { return ticks / frequency * 1000000000 + ticks % frequency * 1000000000 / frequency; }

static void timer_irq(uint32_t id, void *arg)
{
    (void)id, (void)arg;
    struct percpu *cpu = this_cpu();
    write_sysreg(cntv_ctl_el0, CNTV_CTL_IMASK); /* one-shot: disarm before the callback */
    isb();
    cpu->timer_fired++;
    timer_callback_t fn = cpu->timer_fn;
    cpu->timer_fn = NULL;
    if (fn)
        fn(cpu->timer_arg);
}

int timer_init_global(const struct platform *p)
{
    frequency = read_sysreg(cntfrq_el0);
    if (!frequency && p->timer.dt_frequency)
        frequency = p->timer.dt_frequency;
    if (!frequency) {
        kprintf("timer: CNTFRQ_EL0 is 0 and the DT gives no clock-frequency\n");
        return -1;
    }
    intid = p->timer.virt.intid;
    if (!p->timer.present || intid < 16 || intid >= 32) {
        kprintf("timer: no usable virtual timer PPI in the device tree (got %u)\n", intid);
        return -1;
    }
    irq_handler_set(intid, timer_irq, NULL);
    return 0;
}

void timer_init_cpu(void)
{
    write_sysreg(cntv_ctl_el0, CNTV_CTL_IMASK);
    isb();
    if (intid)
        irq_enable(intid);
}

void timer_arm_deadline(uint64_t deadline, timer_callback_t fn, void *arg)
{
    uint64_t flags = irq_save();
    struct percpu *cpu = this_cpu();
    cpu->timer_fn = fn;
    cpu->timer_arg = arg;
    write_sysreg(cntv_cval_el0, deadline);
    write_sysreg(cntv_ctl_el0, CNTV_CTL_ENABLE);
    isb(); /* armed before interrupts come back on */
    irq_restore(flags);
}

void timer_cancel(void)
{
    uint64_t flags = irq_save();
    write_sysreg(cntv_ctl_el0, CNTV_CTL_IMASK);
    isb();
    this_cpu()->timer_fn = NULL;
    irq_restore(flags);
}

void timer_delay_us(uint64_t us)
{
    uint64_t end = timer_now() + timer_ns_to_ticks(us * 1000);
    while (timer_now() < end)
        cpu_relax();
}
