/* The layouts sched/context.S shares with C, defined once: the saved context
 * of a switched-out process (struct proc_ctx, sched/internal.h, which
 * _Static_asserts each offset) and the frame a preempted process's state is
 * pushed as. Plain #defines: assembly includes this. */
#ifndef ARMADA_SCHED_CONTEXT_H
#define ARMADA_SCHED_CONTEXT_H

#include <arch/exception_frame.h>

/* struct proc_ctx: a new process's function and argument (proc_first_entry
 * loads them), x29, pc (where it resumes: x30 of the switch), sp. */
#define CTX_FN 0
#define CTX_ARG (CTX_FN + 8)
#define CTX_X29 (CTX_ARG + 8)
#define CTX_PC (CTX_X29 + 8) /* stored with x29 as one pair */
#define CTX_SP (CTX_PC + 8)
#define CTX_SIZE (CTX_SP + 8)

/* A preempted process's stack top: the exception frame, then its FP state:
 * q0..q31, then FPSR and FPCR. */
#define FP_Q_BYTES (16 * 32)
#define FP_AREA_SIZE (FP_Q_BYTES + 16)
#define PREEMPT_FP_AREA FRAME_SIZE /* offset of the FP state in the frame */
#define PREEMPT_FRAME_SIZE (FRAME_SIZE + FP_AREA_SIZE)

#endif
