/* Timer events: each core's heap (timer_heap.c), programmed into its virtual timer
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
    struct timer_heap heap;
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
    struct timer_event *first = timer_heap_first(&t->heap);
    if (first)
        arch_timer_set(first->deadline);
    else
        arch_timer_mask();
}

/* ev->owner is written only by the core it names (or, from 0, by the core
 * that queues it): one byte, so another core reads an old or a new value,
 * never a mix. A core that reads itself there reads its own last write,
 * which no other core can replace until this one clears it. */
static inline uint8_t owner_of(const struct timer_event *ev) { return __atomic_load_n(&ev->owner, __ATOMIC_RELAXED); }
static inline void set_owner(struct timer_event *ev, uint8_t owner) { __atomic_store_n(&ev->owner, owner, __ATOMIC_RELAXED); }
static inline uint8_t me_as_owner(void) { return (uint8_t)(this_cpu_id() + 1); }

/* An event is in one core's heap at a time, and only that core touches
 * it. Added or removed on another core, it would sit in two heaps (whose
 * links then tangle into cycles: every core walking them spins masked) or
 * stay queued after its owner thought it gone: stop, naming it. */
static void check_owner(const struct timer_event *ev, const char *what)
{
    uint8_t owner = owner_of(ev);
    if (!owner || owner == me_as_owner())
        return;
    struct ksym k;
    const char *fn = ksym_lookup((uintptr_t)ev->fn, &k) ? k.name : "?";
    panic("timer: event %p (callback %s, arg %p) queued on cpu%u, %s on cpu%u", (const void *)ev, fn, ev->arg,
          owner - 1u, what, this_cpu_id());
}

/* ev, queued here, out of the heap; the hardware follows if it was first. */
static void remove_here(struct timer_cpu *t, struct timer_event *ev)
{
    bool was_first = timer_heap_first(&t->heap) == ev;
    timer_heap_remove(&t->heap, ev);
    set_owner(ev, 0);
    if (was_first)
        timer_program(t);
}

void timer_event_add(struct timer_event *ev, uint64_t deadline, timer_callback_t fn, void *arg)
{
    uint64_t flags = irq_save();
    struct timer_cpu *t = this_timer();
    check_owner(ev, "added again");
    if (owner_of(ev))
        timer_heap_remove(&t->heap, ev); /* programmed below, for whichever is first then */
    ev->deadline = deadline;
    ev->fn = fn;
    ev->arg = arg;
    struct timer_event *first = timer_heap_first(&t->heap);
    timer_heap_insert(&t->heap, ev);
    set_owner(ev, me_as_owner());
    if (timer_heap_first(&t->heap) != first)
        timer_program(t);
    irq_restore(flags);
}

void timer_event_remove(struct timer_event *ev)
{
    uint64_t flags = irq_save();
    check_owner(ev, "removed");
    if (owner_of(ev))
        remove_here(this_timer(), ev);
    irq_restore(flags);
}

void timer_event_remove_if_here(struct timer_event *ev)
{
    uint64_t flags = irq_save();
    /* Only the owner byte is read: ev's other fields may be another core's
     * to write right now (it took ev over), and then the byte names that
     * core or none, not us (owner_of). */
    if (owner_of(ev) == me_as_owner())
        remove_here(this_timer(), ev);
    irq_restore(flags);
}

struct timer_event *timer_events_take_all(void)
{
    uint64_t flags = irq_save();
    struct timer_cpu *t = this_timer();
    struct timer_event *list = NULL, **tail = &list;
    for (struct timer_event *ev; (ev = timer_heap_pop(&t->heap));) { /* in firing order */
        set_owner(ev, 0);
        *tail = ev;
        tail = &ev->next;
    }
    *tail = NULL;
    timer_program(t);
    irq_restore(flags);
    return list;
}

static void timer_irq(uint32_t id, void *arg)
{
    (void)id, (void)arg;
    struct timer_cpu *t = this_timer();
    uint64_t now = timer_now();
    for (struct timer_event *ev; (ev = timer_heap_first(&t->heap)) && ev->deadline <= now;) {
        timer_heap_pop(&t->heap);
        set_owner(ev, 0);
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
    t->heap.root = NULL; /* also after a CPU_OFF/CPU_ON cycle */
    set_owner(&t->oneshot, 0);
    arch_timer_mask();
    if (intid)
        irq_enable(intid);
}

void timer_arm_deadline(uint64_t deadline, timer_callback_t fn, void *arg)
{
    timer_event_add(&this_timer()->oneshot, deadline, fn, arg);
}

void timer_cancel(void) { timer_event_remove(&this_timer()->oneshot); }
