/* Patching static branch sites (arch/static_branch.h). */
#include <arch/barrier.h>
#include <arch/static_branch.h>

#define A64_NOP 0xd503201fu
#define A64_B 0x14000000u      /* b imm26: PC + imm26 * 4 */
#define A64_B_RANGE (1l << 27) /* +-128 MiB: every site's block is in its own function */

extern const struct static_branch_site __static_branches_start[], __static_branches_end[];

static uintptr_t at(const int32_t *field)
{
    return (uintptr_t)field + (intptr_t)*field;
}

static uint32_t branch_insn(uintptr_t from, uintptr_t to)
{
    intptr_t delta = (intptr_t)(to - from);
    if (delta <= -A64_B_RANGE || delta >= A64_B_RANGE)
        __builtin_trap(); /* a block 128 MiB from its site: the table is corrupt */
    return A64_B | ((uint32_t)(delta >> 2) & 0x03ffffffu);
}

static uint32_t site_insn(const struct static_branch_site *s, bool on)
{
    return on ? branch_insn(at(&s->nop), at(&s->target)) : A64_NOP;
}

/* CTR_EL0's smallest line sizes, log2 of words: DminLine [19:16], IminLine [3:0]. */
static uint32_t line_bytes(unsigned shift)
{
    uint64_t ctr;
    __asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
    return 4u << ((ctr >> shift) & 0xf);
}

uint32_t arch_static_branch_patch(struct static_key *key, bool on)
{
    uint32_t patched = 0, dline = line_bytes(16), iline = line_bytes(0);
    const struct static_branch_site *s;
    for (s = __static_branches_start; s < __static_branches_end; s++) {
        if (at(&s->key) != (uintptr_t)key)
            continue;
        uint32_t *insn = (uint32_t *)at(&s->nop);
        /* One aligned 32-bit store: a core fetching it sees all of the old
         * or all of the new instruction. */
        __atomic_store_n(insn, site_insn(s, on), __ATOMIC_RELAXED);
        /* Clean to the point of unification, where instruction fetch looks. */
        __asm__ volatile("dc cvau, %0" : : "r"((uintptr_t)insn & ~(uintptr_t)(dline - 1)) : "memory");
        patched++;
    }
    dsb(ish); /* the cleans complete before the invalidations below */
    for (s = __static_branches_start; s < __static_branches_end; s++)
        if (at(&s->key) == (uintptr_t)key)
            __asm__ volatile("ic ivau, %0" : : "r"(at(&s->nop) & ~(uintptr_t)(iline - 1)) : "memory");
    dsb(ish); /* the invalidations (broadcast to the inner shareable domain) complete */
    isb();    /* this core fetches anew: its next pass over a site runs the new instruction */
    __atomic_store_n(&key->enabled, on, __ATOMIC_RELAXED); /* the patcher's lock orders it */
    return patched;
}

uint32_t arch_static_branch_sites(const struct static_key *key, uint32_t *branching)
{
    uint32_t n = 0, b = 0;
    for (const struct static_branch_site *s = __static_branches_start; s < __static_branches_end; s++) {
        if (at(&s->key) != (uintptr_t)key)
            continue;
        n++;
        b += __atomic_load_n((const uint32_t *)at(&s->nop), __ATOMIC_RELAXED) == site_insn(s, true);
    }
    *branching = b;
    return n;
}
