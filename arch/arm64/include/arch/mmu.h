/* Identity page tables (VA == PA), 4 KiB granule, 48-bit VA, TTBR0 only. */
#ifndef ARMADA_ARCH_MMU_H
#define ARMADA_ARCH_MMU_H

#include <arch/page.h>
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

/* Physical page 0 is never identity-mapped, so a NULL dereference faults
 * everywhere (on a Pi 4 it is RAM). What must be reached there (the Pi's
 * spin-table release slots at 0xd8..0xf0) goes through this alias. */
#define MMU_PAGE0_ALIAS 0x00007e0000000000UL
static inline void *mmu_phys_to_virt(uint64_t pa) { return (void *)(pa < PAGE_SIZE ? MMU_PAGE0_ALIAS + pa : pa); }

/* arch/arm64/mmu_enable.S: load the translation registers and turn MMU + caches on. */
void mmu_enable(uint64_t mair, uint64_t tcr, uint64_t ttbr0);

#endif
