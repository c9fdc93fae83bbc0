/* Freestanding image: only what libfdt's headers may ask for. */
#ifndef ARMADA_STDLIB_H
#define ARMADA_STDLIB_H
#include <stddef.h>
unsigned long strtoul(const char *s, char **end, int base);
#endif
