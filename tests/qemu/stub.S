/* A stand-in boot loader for tests that hand the image a blob QEMU's own
 * loader would refuse (tests/qemu/qemu-run.sh --loader-dtb): x0 = DTB, jump.
 * Addresses match qemu-run.sh. */
    .text
    .global _start
_start:
    ldr x0, =0x48000000
    mov x1, xzr
    mov x2, xzr
    mov x3, xzr
    ldr x4, =0x40200000
    br x4
