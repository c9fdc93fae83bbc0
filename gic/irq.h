/*
 * Interrupts and inter-processor interrupts, whatever GIC the DT describes.
 * gic/irq.c picks the backend (gicv3.c, or gicv2.c for the GIC-400) from
 * `struct platform` at run time; nothing above this layer sees a GIC register.
 */
#ifndef ARMADA_GIC_IRQ_H
#define ARMADA_GIC_IRQ_H

#include <arch/cpu.h>
#include <stdbool.h>
#include <stdint.h>

/* INTIDs 1020..1023 are special (1023: no interrupt pending); every real one
 * is below, so this also sizes the handler table. */
#define INTID_SPURIOUS_MIN 1020

struct platform;
struct exception_frame;

typedef void (*irq_handler_t)(uint32_t intid, void *arg);

enum ipi_kind {
    IPI_RESCHEDULE = 0, /* wake the core (from WFI) to look at its run queue */
    IPI_CALL_FUNCTION,  /* run queued cross-calls (sync/xcall.c) */
    IPI_STOP,           /* stop: park with interrupts off (panic, poweroff) */
    IPI_KIND_COUNT,
};

struct irq_backend {
    const char *name;
    int (*init_global)(const struct platform *p); /* distributor, boot core */
    int (*init_cpu)(uint32_t cpu);                /* this core's interface */
    uint32_t (*ack)(uint32_t *raw);               /* INTID; *raw goes back to eoi */
    void (*eoi)(uint32_t raw);
    void (*enable)(uint32_t intid, uint32_t target_cpu);
    void (*disable)(uint32_t intid);
    void (*send_sgi)(uint32_t sgi, uint32_t cpu);
    void (*send_sgi_others)(uint32_t sgi);
    void (*set_pending)(uint32_t spi); /* software-raised SPI */
    void (*describe)(void);            /* one boot-log line */
    void (*diag)(void);                /* the diag screen's lines: mode, routing */
};

int irq_init_global(const struct platform *p); /* boot core, after the MMU is on */
int irq_init_cpu(uint32_t cpu);                /* every core, itself */
void irq_handler_set(uint32_t intid, irq_handler_t fn, void *arg);
void irq_enable(uint32_t intid); /* SPIs go to the calling core */
void irq_enable_on(uint32_t intid, uint32_t cpu);
void irq_disable(uint32_t intid);
bool irq_raise(uint32_t intid); /* make an SPI pending (tests); false if not an SPI */
const char *irq_backend_name(void);
void irq_describe(void);
void irq_diag(void);

void ipi_handler_set(enum ipi_kind kind, void (*fn)(void));
void ipi_send(uint32_t cpu, enum ipi_kind kind);
void ipi_broadcast(enum ipi_kind kind);   /* every online core but this one */
extern uint64_t ipi_sent[IPI_KIND_COUNT]; /* totals, for the boot log and tests */

/* Watching interrupts (the flight recorder, sched/flight_watch.c): when set,
 * ipi_sent is called for each IPI sent (cpu: IRQ_WATCH_ALL_OTHERS for a
 * broadcast) and taken for each interrupt taken, on the core that takes it
 * (an SGI's INTID is its ipi_kind). The layer above sets it while it records
 * and clears it after, so unwatched a site costs one load and one branch. */
#define IRQ_WATCH_ALL_OTHERS 0xffffffffu
struct irq_watch {
    void (*ipi_sent)(uint32_t cpu, enum ipi_kind kind);
    void (*taken)(uint32_t intid);
};
void irq_watch_set(const struct irq_watch *w); /* NULL: stop */

/* Each core's interrupt counts, written only by that core (its interrupt
 * handler); others read them racily (statistics, tests). */
struct irq_cpu_stats {
    uint64_t irqs;                          /* all interrupts taken */
    uint64_t ipis_received[IPI_KIND_COUNT]; /* per kind */
} __attribute__((aligned(CACHE_LINE)));
extern struct irq_cpu_stats irq_cpu_stats[MAX_CPUS];

/* Take and handle every pending interrupt (the exception layer's irq hook).
 * irq_dispatch_on: the same, for a caller that has this_cpu_id() at hand.
 * irq_dispatch_one_on: only the first (none if none is pending), for a
 * caller that unmasks next and so takes the rest the usual way (the idle
 * loop, woken from WFI by one interrupt: the second acknowledge would find
 * nothing almost always). */
void irq_dispatch(struct exception_frame *frame);
void irq_dispatch_on(uint32_t this_cpu);
void irq_dispatch_one_on(uint32_t this_cpu);

/* Backends. */
extern const struct irq_backend gicv3_backend;
extern const struct irq_backend gicv2_backend;

#endif
