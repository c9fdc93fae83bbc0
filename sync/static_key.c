/* Static keys over every core (sync/static_key.h). */
#include <arch/barrier.h>
#include <sync/spinlock.h>
#include <sync/static_key.h>
#include <sync/xcall.h>

/* One patcher at a time: the two passes of arch_static_branch_patch (and a
 * key's sites) must not interleave with another's. Held with interrupts
 * masked, never across the cross-call. */
static DEFINE_SPINLOCK(patch_lock, "static key patch");

static void resync_instruction_fetch(void *arg)
{
    (void)arg;
    isb(); /* this core discards what it fetched before the patch (the IPI's entry did too) */
}

uint32_t static_key_enable_all_cores(struct static_key *key)
{
    uint64_t flags = spin_lock_irqsave(&patch_lock);
    uint32_t n = arch_static_branch_patch(key, true);
    spin_unlock_irqrestore(&patch_lock, flags);
    /* Waits: every online core has run the isb, after the patch's dsb ish,
     * before we return. A core that comes online later starts fetching
     * after it. */
    smp_call_function_all(resync_instruction_fetch, NULL, true);
    isb(); /* and this core, if the caller moved since the patch */
    return n;
}

uint32_t static_key_disable_lazily(struct static_key *key)
{
    uint64_t flags = spin_lock_irqsave(&patch_lock);
    uint32_t n = arch_static_branch_patch(key, false);
    spin_unlock_irqrestore(&patch_lock, flags);
    return n;
}
