/*
 * Running a function on this core's exception stack (SP_EL1) from thread
 * context (SP_EL0), interrupts masked: how an idle core handles what woke it
 * without taking it as an exception, while a fault in the handler is still
 * reported as one in handler context, on the stack handlers have.
 */
#include <arch/asm.h>

    .text
/* exc_stack_call(fn, arg): fn(arg) on SP_EL1. No exception may be in
 * progress on this core (SP_EL1 is then its stack's top), and interrupts
 * stay masked throughout (an exception taken meanwhile would use the same
 * stack). The frame record stays on the thread stack, so a backtrace from
 * fn goes on into the caller. */
FUNCTION(exc_stack_call)
    stp x29, x30, [sp, #-16]!
    mov x29, sp
    msr spsel, #1                       /* sp is SP_EL1 from here */
    mov x2, x0
    mov x0, x1
    blr x2
    msr spsel, #0                       /* back on the thread stack (x29 points into it) */
    ldp x29, x30, [sp], #16
    ret
END_FUNCTION(exc_stack_call)
