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

#ifdef __ASSEMBLER__
/* x2..x29 from the frame at sp (x0, x1, x30 and SP are the caller's to do). */
.macro frame_load_x2_x29
    ldp x2, x3, [sp, #16 * 1]
    ldp x4, x5, [sp, #16 * 2]
    ldp x6, x7, [sp, #16 * 3]
    ldp x8, x9, [sp, #16 * 4]
    ldp x10, x11, [sp, #16 * 5]
    ldp x12, x13, [sp, #16 * 6]
    ldp x14, x15, [sp, #16 * 7]
    ldp x16, x17, [sp, #16 * 8]
    ldp x18, x19, [sp, #16 * 9]
    ldp x20, x21, [sp, #16 * 10]
    ldp x22, x23, [sp, #16 * 11]
    ldp x24, x25, [sp, #16 * 12]
    ldp x26, x27, [sp, #16 * 13]
    ldp x28, x29, [sp, #16 * 14]
.endm
#else
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
