/* Exception reporting and the panic path. */
#ifndef ARMADA_ARCH_EXCEPTION_H
#define ARMADA_ARCH_EXCEPTION_H

#include <stdbool.h>
#include <stdint.h>

struct exception_frame;

const char *esr_class_name(uint32_t ec);
void exception_report(const struct exception_frame *f, const char *what);
/* Stop every other core (IPI_STOP), then power off in test mode or park. */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* Set by the boot code: power off instead of parking after a panic. */
extern int panic_poweroff;
/* Cores that took IPI_STOP and are parked. */
extern uint32_t cpus_stopped;
void cpu_stop_self(void) __attribute__((noreturn));

/* Set by the layer that runs processes (sched/): called at the end of every
 * interrupt, and for a synchronous exception in thread context (true: it was
 * a process's, and the frame now resumes something else). */
extern void (*irq_exit_hook)(struct exception_frame *f);
extern bool (*process_fault_hook)(struct exception_frame *f);

#endif
