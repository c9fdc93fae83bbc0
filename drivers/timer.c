/* Timer events: each core's sorted queue, programmed into its virtual timer
 * (arch/timer.h), run from the timer's PPI. */
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <arch/exception.h>
#include <drivers/timer.h>
#include <gic/irq.h>
#include <lib/dt/platform.h>
#include <lib/ksyms.h>
#include <lib/print.h>

#define PPI_FIRST 16 /* INTIDs 16..31 are private peripheral interrupts */
#define PPI_END 32

/* This core's pending events, earliest first, and its count of events handled. */
struct timer_cpu {
    struct timer_event *queue;
    uint64_t fired;
    struct timer_event oneshot; /* timer_arm_deadline's */
} __attribute__((aligned(CACHE_LINE)));

static struct timer_cpu timer_cpus[MAX_CPUS];
static uint32_t intid;

static inline struct timer_cpu *this_timer(void) { return &timer_cpus[this_cpu_id()]; }

uint32_t timer_intid(void) { return intid; }
uint64_t timer_events_fired(uint32_t cpu) { return READ_ONCE(timer_cpus[cpu].fired); }

/* Program the hardware for the earliest event, or mask it. IRQs are off. */
static void timer_program(struct timer_cpu *t)
{
    if (t->queue)
        arch_timer_set(t->queue->deadline);
    else
        arch_timer_mask();
}

/* An event is on one core's queue at a time, and only that core touches
 * it. Added or removed on another core, it would sit in two queues (whose
 * lists then merge into cycles: every core walking them spins masked) or
 * stay queued after its owner thought it gone: stop, naming it. */
static void check_owner(const struct timer_event *ev, const char *what)
{
    if (!ev->queued || ev->cpu == this_cpu_id())
        return;
    struct ksym k;
    const char *fn = ksym_lookup((uintptr_t)ev->fn, &k) ? k.name : "?";
    panic("timer: event %p (callback %s, arg %p) queued on cpu%u, %s on cpu%u", (const void *)ev, fn, ev->arg,
          ev->cpu, what, this_cpu_id());
}

/* Takes ev out of t's queue if it is there; says whether it was. */
static bool queue_remove(struct timer_cpu *t, struct timer_event *ev)
{
    for (struct timer_event **pp = &t->queue; *pp; pp = &(*pp)->next) {
        if (*pp == ev) {
            *pp = ev->next;
            ev->queued = 0;
            return true;
        }
    }
    return false;
}

void timer_event_add(struct timer_event *ev, uint64_t deadline, timer_callback_t fn, void *arg)
{
    uint64_t flags = irq_save();
    struct timer_cpu *t = this_timer();
    check_owner(ev, "added again");
    if (ev->queued)
        queue_remove(t, ev);
    ev->deadline = deadline;
    ev->fn = fn;
    ev->arg = arg;
    struct timer_event **pp = &t->queue;
    while (*pp && (*pp)->deadline <= deadline)
        pp = &(*pp)->next;
    ev->next = *pp;
    *pp = ev;
    ev->queued = 1;
    ev->cpu = (uint8_t)this_cpu_id();
    if (t->queue == ev)
        timer_program(t);
    irq_restore(flags);
}

void timer_event_remove(struct timer_event *ev)
{
    uint64_t flags = irq_save();
    struct timer_cpu *t = this_timer();
    check_owner(ev, "removed");
    if (ev->queued) {
        bool was_first = t->queue == ev;
        queue_remove(t, ev);
        if (was_first)
            timer_program(t);
    }
    irq_restore(flags);
}

void timer_event_remove_if_here(struct timer_event *ev)
{
    uint64_t flags = irq_save();
    struct timer_cpu *t = this_timer();
    /* Only our own queue is walked: ev's fields may be another core's to
     * write right now, so they are not read. */
    bool was_first = t->queue == ev;
    if (queue_remove(t, ev) && was_first)
        timer_program(t);
    irq_restore(flags);
}

struct timer_event *timer_events_take_all(void)
{
    uint64_t flags = irq_save();
    struct timer_cpu *t = this_timer();
    struct timer_event *list = t->queue;
    t->queue = NULL;
    for (struct timer_event *ev = list; ev; ev = ev->next)
        ev->queued = 0;
    timer_program(t);
    irq_restore(flags);
    return list;
}

static void timer_irq(uint32_t id, void *arg)
{
    (void)id, (void)arg;
    struct timer_cpu *t = this_timer();
    uint64_t now = timer_now();
    while (t->queue && t->queue->deadline <= now) {
        struct timer_event *ev = t->queue;
        t->queue = ev->next;
        ev->queued = 0;
        t->fired++;
        ev->fn(ev->arg); /* may add events, including this one again */
        now = timer_now();
    }
    timer_program(t);
}

int timer_init_global(const struct platform *p)
{
    if (arch_timer_init(p))
        return -1;
    intid = p->timer.virt.intid;
    if (!p->timer.present || intid < PPI_FIRST || intid >= PPI_END) {
        kprintf("timer: no usable virtual timer PPI in the device tree (got %u)\n", intid);
        return -1;
    }
    irq_handler_set(intid, timer_irq, NULL);
    return 0;
}

void timer_init_cpu(void)
{
    struct timer_cpu *t = this_timer();
    t->queue = NULL; /* also after a CPU_OFF/CPU_ON cycle */
    t->oneshot.queued = 0;
    arch_timer_mask();
    if (intid)
        irq_enable(intid);
}

void timer_arm_deadline(uint64_t deadline, timer_callback_t fn, void *arg)
{
    timer_event_add(&this_timer()->oneshot, deadline, fn, arg);
}

void timer_cancel(void) { timer_event_remove(&this_timer()->oneshot); }
