/* Static keys over every core: arch/static_branch.h patches the sites,
 * this makes the change hold on all of them. Enabling waits until every
 * online core has passed an isb after the patch (a cross-call), so that
 * when it returns each one runs the branch. Disabling does not wait: a
 * core may take the old branch until its next exception or context switch,
 * so a slow path must still check a flag of its own (sched/flight.c does,
 * with interrupts masked). Patchers are serialised. */
#ifndef ARMADA_SYNC_STATIC_KEY_H
#define ARMADA_SYNC_STATIC_KEY_H

#include <arch/static_branch.h>

/* Process context, interrupts on (the cross-call). Returns the sites patched. */
uint32_t static_key_enable_all_cores(struct static_key *key);
uint32_t static_key_disable_lazily(struct static_key *key);

#endif
