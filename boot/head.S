/*
 * Entry from any loader, for the boot core and for every secondary.
 *
 * The one path every core takes (docs/boot.md):
 *   1. el_setup: at EL2, configure EL1 (AArch64, timer and counter access,
 *      GICv3 system registers, no FP traps) and eret to EL1; at EL1 nothing
 *      to do; at EL3, return with the EL noted (C says why it must stop).
 *   2. boot core only: apply the R_AARCH64_RELATIVE relocations for the
 *      address we were loaded at, zero .bss, run boot_main() on the boot
 *      stack with the MMU off (it reads the DT, builds the page tables).
 *   3. mmu_enable() with the tables the boot core built.
 *   4. SP_EL1 = the core's exception stack, SP_EL0 = its thread stack
 *      (SPSel=0: a thread-stack overflow faults onto a good stack),
 *      tpidr_el1 = its per-CPU area; then the entry function the layer
 *      above gave (BOOT_ENTRY in init/: boot/ names nothing above it).
 *
 * Linux arm64 boot protocol: x0 = physical address of the DTB, MMU off,
 * D-cache off, image cleaned to the point of coherency by the loader.
 */
#include <arch/asm.h>
#include <arch/page.h>
#include <arch/sysreg_bits.h>
#include <boot/boot_handoff.h>

    .section .head.text, "ax"
    .global _start
_start:
    b primary_entry                     /* code0 */
    .long 0                             /* code1 */
    .quad 0                             /* text_offset: any 2 MiB-aligned base */
    .quad __image_size                  /* image_size, .bss included */
    .quad 0xa                           /* flags: LE, 4K pages, place anywhere */
    .quad 0, 0, 0                       /* res2..res4 */
    .ascii "ARM\x64"                    /* magic */
    .long 0                             /* res5: no PE/COFF header */

    .section .text.boot, "ax"
/* x19 = DTB, x20 = load address, x21 = entry EL: preserved into boot_main. */
primary_entry:
    mov x19, x0
    adr_l x20, __image_start
    mrs x21, CurrentEL
    lsr x21, x21, #2
    bl el_setup
    bl relocate
    adr_l x0, __bss_start
    adr_l x1, __bss_end
1:  cmp x0, x1
    b.hs 2f
    stp xzr, xzr, [x0], #16
    b 1b
2:  adr_l x0, boot_stack_top
    mov sp, x0
    mov x0, x19
    mov x1, x20
    mov x2, x21
    bl boot_main                        /* returns with MMU on, handoff filled */
    mov x0, #0                          /* logical id of the boot core */
    b enter_c

/* Secondary cores, from PSCI CPU_ON or a spin-table release. x0 is ignored:
 * both methods find the logical id by MPIDR in the handoff. */
FUNCTION(secondary_entry)
    bl el_setup
    adr_l x1, boot_handoff
    mrs x2, mpidr_el1
    ldr x3, =MPIDR_AFF_MASK
    and x2, x2, x3
    ldr x4, [x1, #HANDOFF_CPU_COUNT]
    mov x0, #0
1:  cmp x0, x4
    b.hs .Lunknown_core
    add x5, x1, #HANDOFF_MPIDR
    ldr x5, [x5, x0, lsl #3]
    cmp x5, x2
    b.eq 2f
    add x0, x0, #1
    b 1b
2:  mov x22, x0
    ldr x0, [x1, #HANDOFF_MAIR]
    ldr x2, [x1, #HANDOFF_TTBR0]
    ldr x1, [x1, #HANDOFF_TCR]
    bl mmu_enable
    mov x0, x22
    b enter_c
.Lunknown_core:                          /* not ours: park, touching nothing */
    wfe
    b .Lunknown_core
END_FUNCTION(secondary_entry)

/* x0 = logical id. Switch to the core's stacks and per-CPU area, then C. */
enter_c:
    adr_l x1, boot_handoff
    add x2, x1, #HANDOFF_EXC_STACK_TOP
    ldr x2, [x2, x0, lsl #3]
    mov sp, x2                          /* SPSel is 1 here: this is SP_EL1 */
    add x2, x1, #HANDOFF_STACK_TOP
    ldr x2, [x2, x0, lsl #3]
    msr sp_el0, x2
    add x2, x1, #HANDOFF_PERCPU
    ldr x2, [x2, x0, lsl #3]
    msr tpidr_el1, x2
    msr tpidrro_el0, xzr                /* no running thread yet (arch/cpu.h) */
    msr tpidr_el0, xzr                  /* the scheduler's per-core pointer: set on its first use */
    msr spsel, #0                       /* run on SP_EL0 from now on */
    isb
    adr_l x1, __boot_entry              /* the layer above's (BOOT_ENTRY, boot/boot.h) */
    cbz x0, 1f
    ldr x1, [x1, #BOOT_ENTRY_SECONDARY]
    blr x1                              /* x0 = logical id */
    b .
1:  ldr x1, [x1, #BOOT_ENTRY_BOOT_CORE]
    blr x1
    b .

/* Bring the core to EL1h with interrupts masked. Clobbers x0, x1 only. */
el_setup:
    mrs x0, CurrentEL
    lsr x0, x0, #2
    cmp x0, #2
    b.eq .Lfrom_el2
    b.hi .Lel3                           /* EL3: leave as is; boot_main reports */
.Lel1:
    mov x0, #CPACR_FPEN_NO_TRAP
    msr cpacr_el1, x0                   /* FP/SIMD usable at EL1 */
    adr_l x0, exception_vectors
    msr vbar_el1, x0
    isb
.Lel3:
    ret
.Lfrom_el2:
    mov x0, #HCR_EL2_RW
    msr hcr_el2, x0                     /* EL1 is AArch64; no traps, no stage 2 */
    mrs x0, cnthctl_el2
    orr x0, x0, #CNTHCTL_EL1PCTEN_EL1PCEN
    msr cnthctl_el2, x0                 /* EL1 may use the physical counter/timer */
    msr cntvoff_el2, xzr                /* virtual counter == physical counter */
    mov x0, #CPTR_EL2_NO_TRAP
    msr cptr_el2, x0
    msr hstr_el2, xzr
    msr vttbr_el2, xzr
    mrs x0, midr_el1
    msr vpidr_el2, x0
    mrs x0, mpidr_el1
    msr vmpidr_el2, x0                  /* EL1 reads the real MPIDR */
    mrs x0, id_aa64pfr0_el1
    ubfx x0, x0, #24, #4                /* GIC field: system register interface? */
    cbz x0, 1f
    mrs x0, ICC_SRE_EL2
    orr x0, x0, #ICC_SRE_SRE
    orr x0, x0, #ICC_SRE_ENABLE
    msr ICC_SRE_EL2, x0                 /* let EL1 use the ICC_* registers */
    isb
1:  ldr x0, =SCTLR_EL1_MMU_OFF
    msr sctlr_el1, x0
    mov x0, #SPSR_EL1H_DAIF_MASKED
    msr spsr_el2, x0
    adr x0, .Lel1
    msr elr_el2, x0                     /* continue at EL1 with the EL1 setup */
    eret

/* Apply R_AARCH64_RELATIVE relocations: *(base + offset) = base + addend.
 * x20 = base. Runs once, on the boot core, MMU off. */
relocate:
    adr_l x0, __rela_start
    adr_l x1, __rela_end
1:  cmp x0, x1
    b.hs 3f
    ldp x2, x3, [x0], #16               /* r_offset, r_info */
    ldr x4, [x0], #8                    /* r_addend */
    cmp w3, #R_AARCH64_RELATIVE
    b.ne 1b                             /* a static PIE has no other kind */
    add x4, x4, x20
    str x4, [x2, x20]
    b 1b
3:  ret

    .section .bss
    .balign PAGE_SIZE
    .global boot_stack_guard, boot_stack_top
boot_stack_guard:
    .space PAGE_SIZE                    /* unmapped: a boot-stack overflow faults */
    .space 16384
boot_stack_top:
