/* The image's function names (tools/gen-ksyms.sh builds the table at link
 * time), so reports can name code: an exception's ELR, a process's entry. */
#ifndef ARMADA_LIB_KSYMS_H
#define ARMADA_LIB_KSYMS_H

#include <stdbool.h>
#include <stdint.h>

struct ksym {
    const char *name;
    uintptr_t offset; /* of the address into the function */
};

/* The function that holds `addr`, a run-time address; false outside every
 * function, or in a first link of the image, whose table is still empty. */
bool ksym_lookup(uintptr_t addr, struct ksym *out);

/* How many functions the table holds (0: no table in this image). */
uint32_t ksym_count(void);

#endif
