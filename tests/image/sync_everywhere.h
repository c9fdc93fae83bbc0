/* For the sync tests and benches: run one function on every online core at
 * the same moment (a start barrier), and wait for all of them. */
#ifndef ARMADA_TESTS_IMAGE_SYNC_EVERYWHERE_H
#define ARMADA_TESTS_IMAGE_SYNC_EVERYWHERE_H

#include <stdbool.h>
#include <stdint.h>

/* fn(arg) on every online core, the caller included. Other cores run it from
 * a cross-call (interrupts masked). While waiting, the caller reports RCU
 * quiescent states, so fn may use synchronize_rcu. Returns false if some core
 * had not finished after timeout_ms (it is then still running). */
bool run_on_every_core(void (*fn)(void *arg), void *arg, uint32_t timeout_ms);

#endif
