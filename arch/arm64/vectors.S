/*
 * Exception vectors. Threads run on SP_EL0 (SPSel=0), so every expected
 * exception arrives in the "current EL, SP0" group and is handled on the
 * core's SP_EL1 exception stack: a thread-stack overflow into its guard page
 * still gets a good stack to report from. The "current EL, SPx" group means an
 * exception inside a handler: reported as fatal.
 */
#include <arch/asm.h>
#include <arch/exception_frame.h>

/* x0, x1 are saved by the vector slot; the rest here. */
.macro save_frame_rest
    stp x2, x3, [sp, #16 * 1]
    stp x4, x5, [sp, #16 * 2]
    stp x6, x7, [sp, #16 * 3]
    stp x8, x9, [sp, #16 * 4]
    stp x10, x11, [sp, #16 * 5]
    stp x12, x13, [sp, #16 * 6]
    stp x14, x15, [sp, #16 * 7]
    stp x16, x17, [sp, #16 * 8]
    stp x18, x19, [sp, #16 * 9]
    stp x20, x21, [sp, #16 * 10]
    stp x22, x23, [sp, #16 * 11]
    stp x24, x25, [sp, #16 * 12]
    stp x26, x27, [sp, #16 * 13]
    stp x28, x29, [sp, #16 * 14]
    mov x19, x1                         /* the kind; x19 is saved, and callee-saved */
    mrs x0, sp_el0
    stp x30, x0, [sp, #FRAME_X30]
    mrs x0, elr_el1
    mrs x1, spsr_el1
    stp x0, x1, [sp, #FRAME_ELR]
    mrs x0, esr_el1
    mrs x1, far_el1
    stp x0, x1, [sp, #FRAME_ESR]
.endm

.macro restore_frame_eret
    ldp x0, x1, [sp, #FRAME_ELR]
    msr elr_el1, x0
    msr spsr_el1, x1
    ldp x30, x0, [sp, #FRAME_X30]
    msr sp_el0, x0
    ldp x0, x1, [sp, #16 * 0]
    frame_load_x2_x29
    add sp, sp, #FRAME_SIZE
    eret
.endm

/* Each slot is 32 instructions at most: save x0/x1, note the kind, branch. */
.macro vector kind
    .balign 0x80
    sub sp, sp, #FRAME_SIZE
    stp x0, x1, [sp, #16 * 0]
    mov x1, #\kind
    b exception_common
.endm

    .text
    .balign 2048
FUNCTION(exception_vectors)
    vector EXC_SYNC_SP0
    vector EXC_IRQ_SP0
    vector EXC_FIQ_SP0
    vector EXC_SERROR_SP0
    vector EXC_SYNC_SPX
    vector EXC_IRQ_SPX
    vector EXC_FIQ_SPX
    vector EXC_SERROR_SPX
    vector EXC_SYNC_LOWER64
    vector EXC_IRQ_LOWER64
    vector EXC_FIQ_LOWER64
    vector EXC_SERROR_LOWER64
    vector EXC_SYNC_LOWER32
    vector EXC_IRQ_LOWER32
    vector EXC_FIQ_LOWER32
    vector EXC_SERROR_LOWER32
END_FUNCTION(exception_vectors)

/* x1 = kind. Save the rest of the frame, dispatch in C, restore, return. */
exception_common:
    save_frame_rest
    mov x0, sp
    mov x1, x19
    bl exception_entry
    restore_frame_eret
