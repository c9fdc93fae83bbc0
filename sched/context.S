/*
 * Switching processes. Threads run at EL1 on SP_EL0 (SPSel = 0).
 *
 * A switched-out process is always resumable the same way: load its
 * struct proc_ctx and `ret` to ctx.pc. What ctx.pc is depends on how it left:
 *   - the inline switch (yield, receive, exit; sched/core.c, ctx_switch):
 *     back into the scheduler's C code (fp, sp and pc only);
 *   - preempted from an interrupt: proc_resume_preempted, with ctx.sp at a
 *     full register frame (x0-x30, SP, ELR, SPSR, q0-q31, FPSR, FPCR) that the
 *     interrupt path pushed onto the process's own stack;
 *   - never run: proc_first_entry, which loads its function and argument
 *     from its own context (ctx.fn, ctx.arg).
 * The interrupt path resumes the next process by eret-ing to ctx_resume.
 * All of these run with interrupts masked until the process's own state
 * (or the scheduler's caller) turns them back on.
 */
#include <arch/asm.h>
#include <sched/context.h>

    .text
/* ctx_resume: x0 = context to load, x1 and x2 = what it gets in x0 and x1
 * (its core, and the process to finish switching from, or 0).
 * The interrupt path erets here (switch_from_interrupt); the switch itself
 * is inline (core.c, ctx_switch) and loads the same fields. */
FUNCTION(ctx_resume)
    ldp x29, x30, [x0, #CTX_X29]
    ldr x9, [x0, #CTX_SP]
    mov sp, x9
    mov x0, x1
    mov x1, x2
    ret
END_FUNCTION(ctx_resume)

/* A new process: finish the switch (x0 = its core, x1 = the process before
 * it), load fn and arg from our own context (TPIDRRO_EL0: the running
 * process, set by the switch; still masked, so still ours), unmask
 * interrupts, run fn(arg), exit. */
FUNCTION(proc_first_entry)
    bl sched_finish_switch
    mrs x9, tpidrro_el0
    ldp x19, x20, [x9, #CTX_FN]
    msr daifclr, #2                     /* processes run with interrupts on */
    mov x0, x20
    blr x19
    bl exit_normal
END_FUNCTION(proc_first_entry)

/* fp_save_all(area): q0-q31, FPSR, FPCR of the interrupted process (the
 * kernel's own code never touches FP registers: -mgeneral-regs-only). */
FUNCTION(fp_save_all)
    stp q0, q1, [x0, #0]
    stp q2, q3, [x0, #32]
    stp q4, q5, [x0, #64]
    stp q6, q7, [x0, #96]
    stp q8, q9, [x0, #128]
    stp q10, q11, [x0, #160]
    stp q12, q13, [x0, #192]
    stp q14, q15, [x0, #224]
    stp q16, q17, [x0, #256]
    stp q18, q19, [x0, #288]
    stp q20, q21, [x0, #320]
    stp q22, q23, [x0, #352]
    stp q24, q25, [x0, #384]
    stp q26, q27, [x0, #416]
    stp q28, q29, [x0, #448]
    stp q30, q31, [x0, #480]
    mrs x1, fpsr
    mrs x2, fpcr
    add x0, x0, #FP_Q_BYTES
    stp x1, x2, [x0]
    ret
END_FUNCTION(fp_save_all)

/* sp = the frame the interrupt path pushed, x0 = its core, x1 = the process
 * before it (or 0).
 * Finish the switch, restore everything and eret to where the process was
 * interrupted, with its own PSTATE. */
FUNCTION(proc_resume_preempted)
    bl sched_finish_switch
    add x0, sp, #PREEMPT_FP_AREA
    ldp q0, q1, [x0, #0]
    ldp q2, q3, [x0, #32]
    ldp q4, q5, [x0, #64]
    ldp q6, q7, [x0, #96]
    ldp q8, q9, [x0, #128]
    ldp q10, q11, [x0, #160]
    ldp q12, q13, [x0, #192]
    ldp q14, q15, [x0, #224]
    ldp q16, q17, [x0, #256]
    ldp q18, q19, [x0, #288]
    ldp q20, q21, [x0, #320]
    ldp q22, q23, [x0, #352]
    ldp q24, q25, [x0, #384]
    ldp q26, q27, [x0, #416]
    ldp q28, q29, [x0, #448]
    ldp q30, q31, [x0, #480]
    add x0, x0, #FP_Q_BYTES
    ldp x1, x2, [x0]
    msr fpsr, x1
    msr fpcr, x2
    ldp x0, x1, [sp, #FRAME_ELR]
    msr elr_el1, x0                     /* interrupts are masked: nothing clobbers these */
    msr spsr_el1, x1
    frame_load_x2_x29
    ldr x30, [sp, #FRAME_X30]
    ldp x0, x1, [sp, #16 * 0]
    add sp, sp, #PREEMPT_FRAME_SIZE     /* back to the SP it was interrupted with */
    eret
END_FUNCTION(proc_resume_preempted)
