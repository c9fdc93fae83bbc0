/* System register bit values used by assembly and C. */
#ifndef ARMADA_ARCH_SYSREG_BITS_H
#define ARMADA_ARCH_SYSREG_BITS_H

#include <lib/dt/mpidr.h> /* MPIDR_AFF_MASK */

#define CPACR_FPEN_NO_TRAP (3 << 20)
#define HCR_EL2_RW (1 << 31)
#define CNTHCTL_EL1PCTEN_EL1PCEN 3
#define CPTR_EL2_NO_TRAP 0x33ff
#define ICC_SRE_SRE 1
#define ICC_SRE_ENABLE 8
/* EL1h, D, A, I, F masked. */
#define SPSR_EL1H_DAIF_MASKED 0x3c5
/* SCTLR_EL1 RES1 bits (11, 20, 22, 23, 28, 29) + nTWI, nTWE: MMU, caches off. */
#define SCTLR_EL1_MMU_OFF 0x30d50800
/* M (MMU), A (alignment check: every image file is built -mstrict-align, so a
 * misaligned access is a bug and faults, killing just the process that made
 * it), C (data cache), SA (SP alignment check), I (instruction cache). */
#define SCTLR_EL1_MMU_ON_BITS ((1 << 0) | (1 << 1) | (1 << 2) | (1 << 3) | (1 << 12))
#define R_AARCH64_RELATIVE 1027

#endif
