/* An image built with LSE atomics (make ATOMICS=lse) refuses, with a clear
 * message, to run on a core without FEAT_LSE, where its first LDADD/CAS/SWP
 * would be an undefined-instruction exception. */
#ifndef ARMADA_ARCH_ATOMICS_CHECK_H
#define ARMADA_ARCH_ATOMICS_CHECK_H

#include <stdbool.h>
#include <stdint.h>

/* Does this core implement FEAT_LSE? (ID_AA64ISAR0_EL1.Atomic, bits 23:20) */
bool cpu_has_lse(void);
/* Call first thing on every core, before any atomic or lock: in an LSE image
 * on a core without LSE it prints why and parks the core for good. */
void atomics_check_cpu(uint32_t cpu);

#endif
