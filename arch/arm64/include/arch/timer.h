/* The generic timer's counter and this core's compare register. We use the
 * EL1 virtual timer (CNTV_*): usable at EL1 whether or not we came through
 * EL2, where we set CNTVOFF_EL2 = 0 so virtual == physical time. The event
 * queues and the interrupt wiring are a driver's (drivers/timer.h). */
#ifndef ARMADA_ARCH_TIMER_H
#define ARMADA_ARCH_TIMER_H

#include <stdint.h>

#include <arch/barrier.h>
#include <arch/cpu.h> /* this_cpu_id(), for the many callers that time per core */
#include <arch/sysreg.h>

struct platform;

/* Boot core: the counter frequency (CNTFRQ_EL0, else the DT's); -1 if none. */
int arch_timer_init(const struct platform *p);
uint64_t timer_frequency(void);
uint64_t timer_now(void);                         /* counter ticks */
uint64_t timer_ns_to_ticks(uint64_t ns);
uint64_t timer_ticks_to_ns(uint64_t ticks);
void timer_delay_us(uint64_t us);

/* This core's virtual timer: fire at counter `deadline`, or stay quiet.
 * Inline: the timer-event driver programs it on every queue change. */
#define CNTV_CTL_ENABLE 1
#define CNTV_CTL_IMASK 2
static inline void arch_timer_set(uint64_t deadline)
{
    write_sysreg(cntv_cval_el0, deadline);
    write_sysreg(cntv_ctl_el0, CNTV_CTL_ENABLE);
    isb(); /* the new compare value/control take effect before we go on */
}
static inline void arch_timer_mask(void)
{
    write_sysreg(cntv_ctl_el0, CNTV_CTL_IMASK);
    isb(); /* masked before we go on */
}

#endif
