/* Data cache maintenance by address, for memory other agents read with
 * caches off (a secondary core before its MMU is on, a DMA device). */
#ifndef ARMADA_ARCH_CACHE_H
#define ARMADA_ARCH_CACHE_H

#include <stddef.h>

void dcache_clean_poc(const void *start, size_t size);      /* dc cvac: write back */
void dcache_invalidate_poc(const void *start, size_t size); /* dc ivac: drop lines */
void dcache_clean_invalidate_poc(const void *start, size_t size);

#endif
