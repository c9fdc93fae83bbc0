/* snprintf-style formatting, freestanding and host-testable (lib/fmt.c).
 * Conversions: %d %i %u %x %X %o %p %s %c %%, flags '-' '0' ' ' '+' '#',
 * width and precision (also '*'), length hh h l ll z t j. */
#ifndef ARMADA_FMT_H
#define ARMADA_FMT_H

#include <stdarg.h>
#include <stddef.h>

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
