/* Assembly helpers shared by the .S files. */
#ifndef ARMADA_ARCH_ASM_H
#define ARMADA_ARCH_ASM_H

#define FUNCTION(name) \
    .global name;      \
    .type name, %function; \
    name:
#define END_FUNCTION(name) .size name, .- name

/* x = address of sym, PC-relative (valid before and after relocation). */
.macro adr_l reg, sym
    adrp \reg, \sym
    add \reg, \reg, :lo12:\sym
.endm

#endif
