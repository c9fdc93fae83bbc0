/* The register frame every exception saves; offsets shared with vectors.S. */
#ifndef ARMADA_ARCH_EXCEPTION_FRAME_H
#define ARMADA_ARCH_EXCEPTION_FRAME_H

#define FRAME_X30 (8 * 30)
#define FRAME_SP (8 * 31)
#define FRAME_ELR (8 * 32)
#define FRAME_SPSR (8 * 33)
#define FRAME_ESR (8 * 34)
#define FRAME_FAR (8 * 35)
#define FRAME_SIZE (8 * 36)

#define EXC_SYNC_SP0 0
#define EXC_IRQ_SP0 1
#define EXC_FIQ_SP0 2
#define EXC_SERROR_SP0 3
#define EXC_SYNC_SPX 4
#define EXC_IRQ_SPX 5
#define EXC_FIQ_SPX 6
#define EXC_SERROR_SPX 7
#define EXC_SYNC_LOWER64 8
#define EXC_IRQ_LOWER64 9
#define EXC_FIQ_LOWER64 10
#define EXC_SERROR_LOWER64 11
#define EXC_SYNC_LOWER32 12
#define EXC_IRQ_LOWER32 13
#define EXC_FIQ_LOWER32 14
#define EXC_SERROR_LOWER32 15

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>
struct exception_frame {
    uint64_t x[31];
    uint64_t sp;                /* SP_EL0: the interrupted thread's stack */
    uint64_t elr, spsr, esr, far;
};
_Static_assert(offsetof(struct exception_frame, sp) == FRAME_SP, "vectors.S frame layout");
_Static_assert(offsetof(struct exception_frame, far) == FRAME_FAR, "vectors.S frame layout");
_Static_assert(sizeof(struct exception_frame) == FRAME_SIZE, "vectors.S frame layout");
_Static_assert(FRAME_SIZE % 16 == 0, "SP stays 16-byte aligned");
#endif
#endif
