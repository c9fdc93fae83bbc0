/* Printing, as a library: kprintf formats into a buffer on the caller's stack
 * and hands the whole call to the sink the console driver installed, so each
 * call's output reaches the UART unbroken. Before a sink exists (or on a
 * machine without a console) output is dropped. */
#ifndef ARMADA_LIB_PRINT_H
#define ARMADA_LIB_PRINT_H

#include <stdbool.h>
#include <stdint.h>

#define PRINT_LINE_MAX 320 /* one kprintf call; longer output is cut */

struct print_sink {
    /* Writes s[0..n) in one piece with respect to other callers (may lock). */
    void (*write)(const char *s, unsigned long n);
    /* Writes without the lock: for paths where its holder may never let go
     * (panic, lock debugging, a core that must not take a lock). */
    void (*write_unlocked)(const char *s, unsigned long n);
    /* Panic time: take the output over. Waits a bounded time for a line in
     * progress to finish, then writes without the lock, never taking it. */
    void (*write_takeover)(const char *s, unsigned long n);
};

void print_sink_set(const struct print_sink *sink); /* the console driver, at init */

/* From now on every print takes the output over (panic: another core may
 * hold the console lock and be stopped with it). Never undone. */
void print_panic_mode(void);

void print_write(const char *s, unsigned long n);
void print_write_unlocked(const char *s, unsigned long n);
/* printf: each call's output reaches the sink unbroken (one write). */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Lock-free, for panic and lock-debugging paths. */
int kprintf_unlocked(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
