/* The generic timer: a free-running counter and a one-shot deadline per core.
 * We use the EL1 virtual timer (CNTV_*): usable at EL1 whether or not we came
 * through EL2, where we set CNTVOFF_EL2 = 0 so virtual == physical time. */
#ifndef ARMADA_ARCH_TIMER_H
#define ARMADA_ARCH_TIMER_H

#include <stdint.h>

#include <arch/cpu.h>

struct platform;

int timer_init_global(const struct platform *p); /* boot core: frequency, interrupt */
void timer_init_cpu(void);                        /* each core: its PPI */
uint64_t timer_frequency(void);
uint32_t timer_intid(void);
uint64_t timer_now(void);                         /* counter ticks */
uint64_t timer_ns_to_ticks(uint64_t ns);
uint64_t timer_ticks_to_ns(uint64_t ticks);
/* Per-core timer events: fn(arg) runs on the core that added the event, from
 * its timer interrupt, at counter `deadline`. Each core keeps its own sorted
 * list (touched only by that core, with interrupts off); the hardware is set
 * to the earliest. An event is added once and may be re-added after it fired
 * or was removed. */
struct timer_event {
    uint64_t deadline;
    timer_callback_t fn;
    void *arg;
    struct timer_event *next;
    uint8_t queued;
};
void timer_event_add(struct timer_event *ev, uint64_t deadline, timer_callback_t fn, void *arg);
void timer_event_remove(struct timer_event *ev); /* no effect if not queued */
/* Detach this core's whole queue (a core going offline hands it on). */
struct timer_event *timer_events_take_all(void);

/* One built-in event per core, for simple one-shot use. */
void timer_arm_deadline(uint64_t deadline, timer_callback_t fn, void *arg);
void timer_cancel(void);
void timer_delay_us(uint64_t us);

#endif
