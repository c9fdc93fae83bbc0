/* MPIDR_EL1's affinity fields, as the DT's /cpus `reg` holds them. Plain
 * #defines: assembly includes this too (through arch/sysreg_bits.h). */
#ifndef ARMADA_LIB_DT_MPIDR_H
#define ARMADA_LIB_DT_MPIDR_H

/* Aff3 [39:32] | Aff2 [23:16] | Aff1 [15:8] | Aff0 [7:0]: the MT and U bits
 * (24, 30) and RES1 bit 31 masked off. */
#define MPIDR_AFF_MASK 0xff00ffffffULL
#define MPIDR_AFF0_2_MASK 0xffffffULL /* Aff2..Aff0 */
#define MPIDR_AFF3_SHIFT 32
#define MPIDR_AFF_FIELD_MASK 0xffULL  /* one affinity field */

#endif
