/* The console: printf to the UART the DT names, whole lines at a time, and
 * interrupt-driven receive into a ring. */
#ifndef ARMADA_DRIVERS_CONSOLE_H
#define ARMADA_DRIVERS_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>

struct platform_console;

bool console_init(const struct platform_console *c); /* false: no usable UART */
void console_smp_ready(void);  /* MMU on: from now on output takes the console lock */
void console_rx_start(void);   /* route the UART's receive interrupt to us */
int console_getc(void);        /* -1 if nothing received */
uint64_t console_rx_interrupts(void); /* receive interrupts taken so far */
/* Called from the receive interrupt after the characters are in the ring. */
void console_rx_listen(void (*fn)(void *arg), void *arg);
void console_write(const char *s, unsigned long n);
bool console_present(void);

/* printf: each call's output reaches the UART unbroken (one lock hold). */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* For panic paths: write without taking the lock (another core may hold it). */
void console_write_unlocked(const char *s, unsigned long n);
int kprintf_unlocked(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
