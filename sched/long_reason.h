/* Exit reasons too long for the control block (REASON_BYTES_MAX): a remote
 * term such as a BEAM crash's {Reason, Stacktrace}, up to one message's data
 * (MSG_MAX). Each is a page from a pool that keeps what comes back (the page
 * allocator never frees), at most LONG_REASONS_MAX in use at once. */
#ifndef ARMADA_SCHED_LONG_REASON_H
#define ARMADA_SCHED_LONG_REASON_H
#include <stdint.h>

#define LONG_REASONS_MAX 64

uint8_t *long_reason_take(void); /* NULL: all in use, or no memory */
void long_reason_give(uint8_t *page);
uint32_t long_reasons_in_use(void);

#endif
