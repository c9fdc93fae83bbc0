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
/* SPSR_ELx: M[3:0] is the mode an exception came from; D, A, I, F the masks. */
#define SPSR_MODE_MASK 0xf
#define SPSR_MODE_EL1T 0x4 /* EL1 on SP_EL0: thread context */
#define SPSR_MODE_EL1H 0x5 /* EL1 on SP_EL1: a handler */
#define SPSR_DAIF_MASKED 0x3c0
#define SPSR_EL1H_DAIF_MASKED (SPSR_DAIF_MASKED | SPSR_MODE_EL1H)
#define SPSR_EL1T_DAIF_MASKED (SPSR_DAIF_MASKED | SPSR_MODE_EL1T)
/* ESR_ELx: exception class EC [31:26], instruction syndrome ISS [24:0]. */
#define ESR_EC_SHIFT 26
#define ESR_EC_MASK 0x3f
#define ESR_ISS_MASK 0x1ffffff
#define ESR_ISS_FSC_MASK 0x3f       /* aborts: the fault status code */
#define ESR_ISS_WNR (1 << 6)        /* data aborts: caused by a write */
/* SCTLR_EL1 RES1 bits (11, 20, 22, 23, 28, 29) + nTWI, nTWE: MMU, caches off. */
#define SCTLR_EL1_MMU_OFF 0x30d50800
/* M (MMU), A (alignment check: every image file is built -mstrict-align, so a
 * misaligned access is a bug and faults, killing just the process that made
 * it), C (data cache), SA (SP alignment check), I (instruction cache). */
#define SCTLR_M (1 << 0)
#define SCTLR_A (1 << 1)
#define SCTLR_C (1 << 2)
#define SCTLR_SA (1 << 3)
#define SCTLR_I (1 << 12)
#define SCTLR_EL1_MMU_ON_BITS (SCTLR_M | SCTLR_A | SCTLR_C | SCTLR_SA | SCTLR_I)
#define R_AARCH64_RELATIVE 1027

#endif
