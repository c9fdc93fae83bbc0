/* Exception reporting and the panic path. */
#ifndef ARMADA_ARCH_EXCEPTION_H
#define ARMADA_ARCH_EXCEPTION_H

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

#endif
