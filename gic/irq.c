/* Backend choice, the handler table and IPI dispatch. */
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <gic/irq.h>
#include <lib/dt/platform.h>
#include <lib/print.h>

struct irq_slot {
    irq_handler_t fn;
    void *arg;
};

static const struct irq_backend *backend;
/* Written at init by the boot core before other cores start (their start is
 * ordered after by the PSCI call / spin-table release, which follows a dsb). */
static struct irq_slot handlers[INTID_SPURIOUS_MIN];
static void (*ipi_handlers[IPI_KIND_COUNT])(void);
uint64_t ipi_sent[IPI_KIND_COUNT];
static const struct irq_watch *watch; /* NULL: nobody watches (irq_watch_set) */
struct irq_cpu_stats irq_cpu_stats[MAX_CPUS];

int irq_init_global(const struct platform *p)
{
    switch (p->gic.version) {
    case GIC_V3:
        backend = &gicv3_backend;
        break;
    case GIC_V2:
        backend = &gicv2_backend;
        break;
    default:
        kprintf("irq: no supported interrupt controller in the device tree (GIC version %d)\n",
                p->gic.version);
        return -1;
    }
    return backend->init_global(p);
}

int irq_init_cpu(uint32_t cpu)
{
    return backend ? backend->init_cpu(cpu) : -1;
}
const char *irq_backend_name(void)
{
    return backend ? backend->name : "none";
}
void irq_describe(void)
{
    if (backend)
        backend->describe();
}

void irq_diag(void)
{
    if (backend)
        backend->diag();
    else
        kprintf("diag: gic: none set up\n");
}

void irq_handler_set(uint32_t intid, irq_handler_t fn, void *arg)
{
    if (intid >= INTID_SPURIOUS_MIN)
        return;
    handlers[intid].arg = arg;
    WRITE_ONCE(handlers[intid].fn, fn);
}

void irq_enable(uint32_t intid)
{
    irq_enable_on(intid, this_cpu_id());
}
void irq_enable_on(uint32_t intid, uint32_t cpu)
{
    if (backend)
        backend->enable(intid, cpu);
}
bool irq_raise(uint32_t intid)
{
    if (!backend || intid < 32 || intid >= INTID_SPURIOUS_MIN)
        return false;
    backend->set_pending(intid);
    return true;
}
void irq_disable(uint32_t intid)
{
    if (backend)
        backend->disable(intid);
}

void ipi_handler_set(enum ipi_kind kind, void (*fn)(void))
{
    ipi_handlers[kind] = fn;
}

void irq_watch_set(const struct irq_watch *w)
{
    /* Release: what the watcher set up for its callbacks (its rings) is
     * visible to a core that sees the pointer (watcher()'s acquire). */
    __atomic_store_n(&watch, w, __ATOMIC_RELEASE);
}

static inline const struct irq_watch *watcher(void)
{
    /* Acquire: pairs with irq_watch_set's release. */
    return __atomic_load_n(&watch, __ATOMIC_ACQUIRE);
}

/* Out of line, so that unwatched ipi_send stays a tail call with no frame.
 * The watcher is told first: its record precedes the target's. */
static void __attribute__((noinline, cold))
ipi_send_watched(const struct irq_watch *w, uint32_t cpu, enum ipi_kind kind)
{
    w->ipi_sent(cpu, kind);
    if (cpu == IRQ_WATCH_ALL_OTHERS)
        backend->send_sgi_others(kind);
    else
        backend->send_sgi(kind, cpu);
}

void ipi_send(uint32_t cpu, enum ipi_kind kind)
{
    __atomic_fetch_add(&ipi_sent[kind], 1, __ATOMIC_RELAXED); /* statistics only */
    const struct irq_watch *w = watcher();
    if (__builtin_expect(w != NULL, 0))
        ipi_send_watched(w, cpu, kind);
    else
        backend->send_sgi(kind, cpu);
}

void ipi_broadcast(enum ipi_kind kind)
{
    __atomic_fetch_add(&ipi_sent[kind], 1, __ATOMIC_RELAXED); /* statistics only */
    const struct irq_watch *w = watcher();
    if (__builtin_expect(w != NULL, 0))
        ipi_send_watched(w, IRQ_WATCH_ALL_OTHERS, kind);
    else
        backend->send_sgi_others(kind);
}

void irq_dispatch(struct exception_frame *frame)
{
    (void)frame;
    irq_dispatch_on(this_cpu_id());
}

/* Take and handle one pending interrupt; false if none was (spurious). */
static inline __attribute__((always_inline)) bool dispatch_one(uint32_t me)
{
    uint32_t raw;
    uint32_t intid = backend->ack(&raw);
    if (intid >= INTID_SPURIOUS_MIN)
        return false;
    struct irq_cpu_stats *st = &irq_cpu_stats[me];
    st->irqs++;
    const struct irq_watch *w = watcher();
    if (__builtin_expect(w != NULL, 0))
        w->taken(intid);
    if (intid < IPI_KIND_COUNT) {
        st->ipis_received[intid]++;
        backend->eoi(raw); /* SGIs: EOI first so a new one can be raised meanwhile */
        if (ipi_handlers[intid])
            ipi_handlers[intid]();
        return true;
    }
    irq_handler_t fn = READ_ONCE(handlers[intid].fn);
    if (fn)
        fn(intid, handlers[intid].arg);
    else
        kprintf("irq: cpu%u: unexpected interrupt %u (no handler)\n", me, intid);
    backend->eoi(raw);
    return true;
}

void irq_dispatch_on(uint32_t me)
{
    while (dispatch_one(me))
        ;
}

void irq_dispatch_one_on(uint32_t me)
{
    dispatch_one(me);
}
