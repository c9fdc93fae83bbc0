/* A stand-in boot loader: jump to the image at IMAGE_ADDR with the DTB in x0.
 * Two builds (Makefile):
 *  - build/tests/stub.bin, raw, started by QEMU's generic loader (qemu-run.sh
 *    --loader-dtb): DTB_ADDR is where qemu-run.sh put a blob QEMU's own loader
 *    would refuse; x0 = DTB_ADDR.
 *  - build/tests/stub-at-ADDR.bin, an arm64 Image QEMU boots with -kernel
 *    (qemu-run.sh --load-at ADDR), for raspi4b: QEMU sets up the board as it
 *    does for a kernel (EL2, the spin-table stubs at 0xd8.., the DTB with
 *    -append in x0), this stub lies at STUB_TEXT_OFFSET, the image at ADDR
 *    (put there by the generic loader): x0 passes through unchanged. So the
 *    image is placed where the Pi firmware would (0x80000) or QEMU would not.
 * Register use: x0 DTB, x1-x3 zero (the boot protocol's reserved), x4 target. */
#ifndef IMAGE_ADDR
#define IMAGE_ADDR 0x40200000
#endif
#ifndef STUB_TEXT_OFFSET
#define STUB_TEXT_OFFSET 0x1000000 /* 16 MiB: above an image at 0x80000 or 0x200000, .bss included */
#endif
    .text
    .global _start
_start:
    b code                        /* code0 (a raw start lands here too) */
    .long 0                       /* code1 */
    .quad STUB_TEXT_OFFSET        /* text_offset: QEMU honours it (image_size != 0) */
    .quad stub_end - _start       /* image_size */
    .quad 0x2                     /* flags: LE, 4K pages, base + text_offset only */
    .quad 0, 0, 0                 /* res2..res4 */
    .ascii "ARM\x64"              /* magic */
    .long 0                       /* res5 */
code:
#ifdef DTB_ADDR
    ldr x0, =DTB_ADDR
#endif
    mov x1, xzr
    mov x2, xzr
    mov x3, xzr
    ldr x4, =IMAGE_ADDR
    br x4
    .ltorg
stub_end:
