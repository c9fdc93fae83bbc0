/* The console: the print sink (kprintf lives in lib/print.h, included here
 * for the callers that print) over the UART the DT names, and
 * interrupt-driven receive into a ring. */
#ifndef ARMADA_DRIVERS_CONSOLE_H
#define ARMADA_DRIVERS_CONSOLE_H

#include <lib/print.h>
#include <stdbool.h>
#include <stdint.h>

struct platform_console;

/* false: no usable UART. Installs the print sink. */
bool console_init(const struct platform_console *c);
void console_smp_ready(void);  /* MMU on: from now on output takes the console lock */
void console_rx_start(void);   /* route the UART's receive interrupt to us */
int console_getc(void);        /* -1 if nothing received */
uint64_t console_rx_interrupts(void); /* receive interrupts taken so far */
/* Called from the receive interrupt after the characters are in the ring. */
void console_rx_listen(void (*fn)(void *arg), void *arg);
void console_write(const char *s, unsigned long n); /* one lock hold */
bool console_present(void);
void console_diag(const struct platform_console *c); /* the diag screen's UART line */
/* Tests of the panic path only: take the console lock and keep it, interrupts
 * masked, for good (a core that stopped mid-line). */
void console_hold_lock_forever(void) __attribute__((noreturn));
/* Without the lock (another core may hold it). */
void console_write_unlocked(const char *s, unsigned long n);

#endif
