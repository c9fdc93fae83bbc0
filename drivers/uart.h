/* A console UART driver: the console layer drives whichever the DT names. */
#ifndef ARMADA_DRIVERS_UART_H
#define ARMADA_DRIVERS_UART_H

#include <stdbool.h>
#include <stdint.h>

struct uart_driver {
    const char *name;
    void (*init)(uintptr_t base, uint32_t clock_hz);
    void (*putc)(uintptr_t base, char c);
    int (*getc)(uintptr_t base);              /* -1 if nothing waiting */
    void (*rx_irq_enable)(uintptr_t base, bool on);
    void (*diag)(uintptr_t base, uint32_t clock_hz); /* the diag screen: clock, divisor, baud */
};

extern const struct uart_driver pl011_driver;
extern const struct uart_driver bcm2835_aux_driver;

#endif
