/* Exception reporting and the panic path. */
#ifndef ARMADA_ARCH_EXCEPTION_H
#define ARMADA_ARCH_EXCEPTION_H

#include <arch/sysreg_bits.h>
#include <stdbool.h>
#include <stdint.h>

struct exception_frame;

const char *esr_class_name(uint32_t ec);
void exception_report(const struct exception_frame *f, const char *what);
/* fn(arg) on this core's exception stack, from thread context with
 * interrupts masked and no exception in progress (arch/arm64/exc_stack.S). */
void exc_stack_call(void (*fn)(void *), void *arg);
/* Stop every other core (IPI_STOP), then power off in test mode or park. */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* Set by the boot code: power off instead of parking after a panic. */
extern int panic_poweroff;
/* Cores that took IPI_STOP and are parked. */
extern uint32_t cpus_stopped;
void cpu_stop_self(void) __attribute__((noreturn));

/* ESR_ELx's fields: the exception class and its syndrome. */
static inline uint32_t esr_class(uint64_t esr) { return (uint32_t)(esr >> ESR_EC_SHIFT & ESR_EC_MASK); }

/* What the exception layer asks of the layers above it: all set once by
 * init/ (init/main.c), before any core unmasks interrupts or is started (so
 * plain loads see them); NULL until then. */
struct exception_hooks {
    /* An interrupt from thread context: dispatch it (gic), then maybe switch
     * processes (sched_irq_entry). One indirect call per interrupt. */
    void (*irq)(struct exception_frame *f);
    /* A synchronous exception in thread context: true if it was a process's
     * and the frame now resumes something else (sched_process_fault). */
    bool (*process_fault)(struct exception_frame *f);
    /* Panic: ask every other online core to stop (an IPI; init/ wires it). */
    void (*stop_others)(void);
    /* Panic in test mode: power the machine off (psci/, wired by init/). */
    void (*halt)(void);
};
extern struct exception_hooks exception_hooks;

#endif
