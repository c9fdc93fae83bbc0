/*
 * Cross-calls: run a function on other cores over the call-function IPI.
 * One slot per (caller, target) pair, as Linux's per-CPU csd: a caller reuses
 * its slot only after the target finished with it. A waiting caller keeps
 * running calls aimed at itself, so two cores cross-calling each other at the
 * same moment both make progress, interrupts on or off.
 */
#ifndef ARMADA_SYNC_XCALL_H
#define ARMADA_SYNC_XCALL_H

#include <stdbool.h>
#include <stdint.h>

typedef void (*xcall_fn)(void *arg);

void xcall_init(void); /* boot core, before secondaries start */
/* Returns 0, or -1 if `cpu` is not online (or, waiting, went offline before
 * running the call). */
int smp_call_function_single(uint32_t cpu, xcall_fn fn, void *arg, bool wait);
/* Every online core in `mask` (bit n = cpu n) except the caller. Returns the
 * cores it was sent to (with wait: that ran it; one that went offline before
 * taking the call is left out). */
uint64_t smp_call_function_many(uint64_t mask, xcall_fn fn, void *arg, bool wait);
void smp_call_function_all(xcall_fn fn, void *arg, bool wait); /* all others */
/* Run what is queued for this core (the IPI handler; also used while waiting). */
void xcall_run_pending(void);

#endif
