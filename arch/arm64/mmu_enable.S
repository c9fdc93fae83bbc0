/* Turning the MMU on, for every core (boot/head.S calls it). */
#include <arch/asm.h>
#include <arch/sysreg_bits.h>

    .section .text.boot, "ax"
/* mmu_enable(mair, tcr, ttbr0): turn on the MMU and caches on this core.
 * Identity mapping, so the next instruction fetch is at the same address. */
FUNCTION(mmu_enable)
    msr mair_el1, x0
    msr tcr_el1, x1
    msr ttbr0_el1, x2
    isb                                 /* translation registers before the TLB flush */
    tlbi vmalle1                        /* no stale entries from before reset */
    dsb nsh                             /* the flush completes before the MMU turns on */
    mrs x0, sctlr_el1
    ldr x1, =SCTLR_EL1_MMU_ON_BITS
    orr x0, x0, x1
    msr sctlr_el1, x0
    isb                                 /* fetch from here on through the MMU */
    ic iallu                            /* drop instructions fetched with the MMU off */
    dsb nsh
    isb
    ret
END_FUNCTION(mmu_enable)
