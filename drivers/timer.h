/* Timer events over the generic timer (arch/timer.h): per-core one-shot
 * deadlines, from the virtual timer's PPI. drivers/timer.c. */
#ifndef ARMADA_DRIVERS_TIMER_H
#define ARMADA_DRIVERS_TIMER_H

#include <arch/timer.h>
#include <drivers/timer_heap.h>
#include <stdbool.h>
#include <stdint.h>

struct platform;

int timer_init_global(const struct platform *p); /* boot core: frequency, interrupt */
void timer_init_cpu(void);                        /* each core: its PPI */
uint32_t timer_intid(void);
uint64_t timer_events_fired(uint32_t cpu);        /* events handled on core `cpu` */

/* Per-core timer events: fn(arg) runs on the core that added the event, from
 * its timer interrupt, at counter `deadline`. Each core keeps its own heap
 * (drivers/timer_heap.h; touched only by that core, with interrupts off);
 * the hardware is set to the earliest. An event is added once and may be
 * re-added after it fired or was removed. */
/* Queued? Asked on the core that queues ev (a core's own slice event): only
 * this core writes it then. A plain load: an atomic one costs the switch
 * path an address computation and a test that a load with offset spares. */
static inline bool timer_event_queued(const struct timer_event *ev) { return ev->owner != 0; }
void timer_event_add(struct timer_event *ev, uint64_t deadline, timer_callback_t fn, void *arg);
void timer_event_remove(struct timer_event *ev); /* no effect if not queued */
/* Remove ev if it is queued on this core; left alone if it is on another's
 * (a canceller's cross-call that reached a core which has since handed the
 * event on: sched/hotplug.c). */
void timer_event_remove_if_here(struct timer_event *ev);
/* Detach this core's whole queue (a core going offline hands it on). */
struct timer_event *timer_events_take_all(void);

/* One built-in event per core, for simple one-shot use. */
void timer_arm_deadline(uint64_t deadline, timer_callback_t fn, void *arg);
void timer_cancel(void);

#endif
