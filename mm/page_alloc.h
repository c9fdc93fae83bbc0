/* Physical pages from the DT's usable RAM. Boot-time bump allocation per
 * range; the runtime's per-core free lists (sched/) sit on top. */
#ifndef ARMADA_MM_PAGE_ALLOC_H
#define ARMADA_MM_PAGE_ALLOC_H

#include <arch/page.h>
#include <stdint.h>

struct platform;

void page_alloc_init(const struct platform *p);
/* `count` contiguous pages, zeroed; 0 when memory is gone. */
uint64_t page_alloc(uint64_t count);
uint64_t page_alloc_zeroed_page(void); /* page_alloc(1), as a callback */
uint64_t page_alloc_free_bytes(void);
uint64_t page_alloc_total_bytes(void);
void page_alloc_smp_ready(void); /* from now on allocations take a lock */

#endif
