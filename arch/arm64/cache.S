/* Data cache maintenance by VA over [x0, x0 + x1), to the point of coherency.
 * Line size from CTR_EL0.DminLine. Each ends with dsb sy: maintenance complete
 * before anything that depends on it (releasing a core, starting DMA). */
#include <arch/asm.h>

.macro dcache_range op
    cbz x1, 2f
    mrs x3, ctr_el0
    ubfx x3, x3, #16, #4
    mov x2, #4
    lsl x2, x2, x3                      /* line size in bytes */
    add x1, x0, x1
    sub x3, x2, #1
    bic x0, x0, x3
1:  dc \op, x0
    add x0, x0, x2
    cmp x0, x1
    b.lo 1b
2:  dsb sy
    ret
.endm

FUNCTION(dcache_clean_poc)
    dcache_range cvac
END_FUNCTION(dcache_clean_poc)
FUNCTION(dcache_invalidate_poc)
    dcache_range ivac
END_FUNCTION(dcache_invalidate_poc)
FUNCTION(dcache_clean_invalidate_poc)
    dcache_range civac
END_FUNCTION(dcache_clean_invalidate_poc)
