/* Identity page tables (VA == PA), 4 KiB granule, 48-bit VA, TTBR0 only. */
#ifndef ARMADA_ARCH_MMU_H
#define ARMADA_ARCH_MMU_H

#include <stdint.h>

enum mmu_attr { MMU_NORMAL, MMU_DEVICE };

/* Build-time (MMU off) and live use. Live changes follow break-before-make
 * and use broadcast TLB invalidation (TLBI ...IS), so no IPI is needed. */
int mmu_map(uint64_t pa, uint64_t size, enum mmu_attr attr);        /* identity */
int mmu_map_va(uint64_t va, uint64_t pa, uint64_t size, enum mmu_attr attr);
/* Where table pages come from once the boot pool is used up (after boot). */
void mmu_set_table_allocator(uint64_t (*alloc_zeroed_page)(void));
int mmu_unmap_page(uint64_t pa);
void mmu_tables_publish(uint64_t *mair, uint64_t *tcr, uint64_t *ttbr0);
unsigned mmu_tables_used(void);

/* In boot/head.S: load the translation registers and turn MMU + caches on. */
void mmu_enable(uint64_t mair, uint64_t tcr, uint64_t ttbr0);

#endif
