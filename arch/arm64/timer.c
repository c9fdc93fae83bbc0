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

static struct timer_event oneshot_events[MAX_CPUS];

/* Program the hardware for the earliest event, or mask it. IRQs are off. */
static void timer_program(struct percpu *cpu)
{
    if (cpu->timer_queue) {
        write_sysreg(cntv_cval_el0, cpu->timer_queue->deadline);
        write_sysreg(cntv_ctl_el0, CNTV_CTL_ENABLE);
    } else {
        write_sysreg(cntv_ctl_el0, CNTV_CTL_IMASK);
    }
    isb(); /* the new compare value/control take effect before we go on */
}

static void queue_remove(struct percpu *cpu, struct timer_event *ev)
{
    for (struct timer_event **pp = &cpu->timer_queue; *pp; pp = &(*pp)->next) {
        if (*pp == ev) {
            *pp = ev->next;
            ev->queued = 0;
            return;
        }
    }
}

void timer_event_add(struct timer_event *ev, uint64_t deadline, timer_callback_t fn, void *arg)
{
    uint64_t flags = irq_save();
    struct percpu *cpu = this_cpu();
    if (ev->queued)
        queue_remove(cpu, ev);
    ev->deadline = deadline;
    ev->fn = fn;
    ev->arg = arg;
    struct timer_event **pp = &cpu->timer_queue;
    while (*pp && (*pp)->deadline <= deadline)
        pp = &(*pp)->next;
    ev->next = *pp;
    *pp = ev;
    ev->queued = 1;
    if (cpu->timer_queue == ev)
        timer_program(cpu);
    irq_restore(flags);
}

void timer_event_remove(struct timer_event *ev)
{
    uint64_t flags = irq_save();
    struct percpu *cpu = this_cpu();
    if (ev->queued) {
        bool was_first = cpu->timer_queue == ev;
        queue_remove(cpu, ev);
        if (was_first)
            timer_program(cpu);
    }
    irq_restore(flags);
}

struct timer_event *timer_events_take_all(void)
{
    uint64_t flags = irq_save();
    struct percpu *cpu = this_cpu();
    struct timer_event *list = cpu->timer_queue;
    cpu->timer_queue = NULL;
    for (struct timer_event *ev = list; ev; ev = ev->next)
        ev->queued = 0;
    timer_program(cpu);
    irq_restore(flags);
    return list;
}

static void timer_irq(uint32_t id, void *arg)
{
    (void)id, (void)arg;
    struct percpu *cpu = this_cpu();
    uint64_t now = timer_now();
    while (cpu->timer_queue && cpu->timer_queue->deadline <= now) {
        struct timer_event *ev = cpu->timer_queue;
        cpu->timer_queue = ev->next;
        ev->queued = 0;
        cpu->timer_fired++;
        ev->fn(ev->arg); /* may add events, including this one again */
        now = timer_now();
    }
    timer_program(cpu);
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
    this_cpu()->timer_queue = NULL; /* also after a CPU_OFF/CPU_ON cycle */
    oneshot_events[this_cpu_id()].queued = 0;
    write_sysreg(cntv_ctl_el0, CNTV_CTL_IMASK);
    isb();
    if (intid)
        irq_enable(intid);
}

void timer_arm_deadline(uint64_t deadline, timer_callback_t fn, void *arg)
{
    timer_event_add(&oneshot_events[this_cpu_id()], deadline, fn, arg);
}

void timer_cancel(void) { timer_event_remove(&oneshot_events[this_cpu_id()]); }

void timer_delay_us(uint64_t us)
{
    uint64_t end = timer_now() + timer_ns_to_ticks(us * 1000);
    while (timer_now() < end)
        cpu_relax();
}
