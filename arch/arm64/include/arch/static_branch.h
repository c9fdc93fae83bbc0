/* Static branches (Linux's jump labels): a site is one `nop` in the fast
 * path; arch_static_branch_patch() rewrites every site of a key into a `b`
 * to its out-of-line block and back. Each site is a row of .static_branches
 * (boot/armada.lds): three offsets, each from its own field, so the table
 * needs no relocation in the position-independent image. Patching is safe
 * while other cores run the sites: B and NOP are instructions another core
 * may execute while they change (Arm ARM B2.2.5), seeing the old or the new.
 * sync/static_key.h brings every core up to date and serialises patchers. */
#ifndef ARMADA_ARCH_STATIC_BRANCH_H
#define ARMADA_ARCH_STATIC_BRANCH_H

#include <stdbool.h>
#include <stdint.h>

struct static_key {
    uint32_t enabled; /* what the sites say; written by the patcher only */
};

struct static_branch_site {
    int32_t nop;    /* the site's instruction - &nop */
    int32_t target; /* its out-of-line block - &target */
    int32_t key;    /* its struct static_key - &key */
};

/* The fast path: one nop, false; patched, a branch to the `true` block.
 * "S": the key's symbolic address, which -fpie allows where "i" does not. */
static inline __attribute__((always_inline)) bool arch_static_branch(struct static_key *key)
{
    __asm__ goto("1: nop\n\t"
                 ".pushsection .static_branches, \"a\"\n\t"
                 ".balign 4\n\t"
                 ".long 1b - ., %l[on] - ., %c0 - .\n\t"
                 ".popsection"
                 :
                 : "S"(key)
                 :
                 : on);
    return false;
on:
    return true;
}
#define static_branch_unlikely(key) __builtin_expect(arch_static_branch(key), 0)

/* Every site of `key` made a branch (on) or a nop, with the cache
 * maintenance that makes this core's instruction fetch see it; other cores
 * see it at their next context synchronisation (sync/static_key.h). Returns
 * the sites patched. The caller serialises patchers. */
uint32_t arch_static_branch_patch(struct static_key *key, bool on);
/* Sites of `key`, and how many of them read as a branch to their block now. */
uint32_t arch_static_branch_sites(const struct static_key *key, uint32_t *branching);

#endif
