/*
 * Identity page tables. Levels: L0 (512 GiB per entry) -> L1 (1 GiB blocks)
 * -> L2 (2 MiB blocks) -> L3 (4 KiB pages). mmu_map() uses the largest block
 * that fits; mmu_unmap_page() splits a block into a table where it must.
 * Tables come from a static pool: boot needs a handful (RAM, devices, guards).
 */
#include <arch/barrier.h>
#include <arch/mmu.h>
#include <arch/sysreg.h>
#include <stdbool.h>
#include <string.h>

#define ENTRIES 512
#define POOL_TABLES 128

#define DESC_VALID (1UL << 0)
#define DESC_TABLE (1UL << 1) /* at L0-L2: next-level table; at L3: page */
#define DESC_ATTR(idx) ((uint64_t)(idx) << 2)
#define DESC_SH_INNER (3UL << 8)
#define DESC_AF (1UL << 10)
#define DESC_PXN (1UL << 53)
#define DESC_UXN (1UL << 54)
#define DESC_ADDR_MASK 0x0000fffffffff000UL

/* MAIR slots: 0 device-nGnRE, 1 normal write-back RA/WA, 2 normal non-cacheable. */
#define MAIR_VALUE (0x04UL | (0xffUL << 8) | (0x44UL << 16))
#define ATTR_DEVICE 0
#define ATTR_NORMAL 1

static uint64_t table_pool[POOL_TABLES][ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static unsigned tables_used;
static uint64_t *root;
static bool live; /* MMU is on with these tables: changes need break-before-make */

static uint64_t (*more_tables)(void); /* after boot: zeroed pages from mm/ */
static unsigned tables_extra;

static uint64_t *table_alloc(void)
{
    if (tables_used == POOL_TABLES) {
        uint64_t page = more_tables ? more_tables() : 0;
        tables_extra += page != 0;
        return (uint64_t *)page; /* zeroed by the allocator, caches on */
    }
    uint64_t *t = table_pool[tables_used++];
    memset(t, 0, PAGE_SIZE);
    return t;
}

void mmu_set_table_allocator(uint64_t (*alloc_zeroed_page)(void)) { more_tables = alloc_zeroed_page; }

static unsigned level_shift(int level) { return 39 - 9 * level; }

static uint64_t leaf_bits(enum mmu_attr attr, int level)
{
    uint64_t type = level == 3 ? (DESC_VALID | DESC_TABLE) : DESC_VALID;
    if (attr == MMU_DEVICE)
        return type | DESC_ATTR(ATTR_DEVICE) | DESC_AF | DESC_PXN | DESC_UXN;
    return type | DESC_ATTR(ATTR_NORMAL) | DESC_SH_INNER | DESC_AF | DESC_UXN;
}

/* Publish a descriptor. Live: the old entry must already be invalid (or a
 * like-for-like change); the dsb makes the walker see it before later use. */
static void set_desc(uint64_t *slot, uint64_t desc)
{
    WRITE_ONCE(*slot, desc);
    if (live)
        dsb(ishst); /* descriptor store visible to table walkers before we go on */
}

static void tlb_flush_page(uint64_t va)
{
    if (!live)
        return;
    dsb(ishst);                                                 /* cleared entry before TLBI */
    __asm__ volatile("tlbi vaae1is, %0" ::"r"(va >> 12) : "memory"); /* all cores (IS) */
    dsb(ish);                                                   /* TLBI done everywhere */
    isb();                                                      /* this core's later fetches */
}

/* Return the table at `level` covering va, creating or splitting as needed. */
static uint64_t *next_table(uint64_t *table, int level, uint64_t va)
{
    uint64_t *slot = &table[(va >> level_shift(level)) & (ENTRIES - 1)];
    uint64_t desc = *slot;
    if ((desc & (DESC_VALID | DESC_TABLE)) == (DESC_VALID | DESC_TABLE))
        return (uint64_t *)(desc & DESC_ADDR_MASK);
    uint64_t *next = table_alloc();
    if (!next)
        return NULL;
    if (desc & DESC_VALID) { /* a block: split it into the same mapping, finer */
        uint64_t step = 1UL << level_shift(level + 1);
        uint64_t attrs = desc & ~DESC_ADDR_MASK & ~(DESC_TABLE);
        if (level + 1 == 3)
            attrs |= DESC_TABLE;
        for (int i = 0; i < ENTRIES; i++)
            next[i] = ((desc & DESC_ADDR_MASK) + i * step) | attrs;
        set_desc(slot, 0); /* break ... */
        tlb_flush_page(va & ~((1UL << level_shift(level)) - 1));
    }
    if (live)
        dsb(ishst); /* new table's contents visible before it is linked in */
    set_desc(slot, (uint64_t)next | DESC_VALID | DESC_TABLE); /* ... before make */
    return next;
}

int mmu_map_va(uint64_t va, uint64_t pa, uint64_t size, enum mmu_attr attr)
{
    if (!root && !(root = table_alloc()))
        return -1;
    uint64_t end = (va + size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    va &= ~(PAGE_SIZE - 1);
    pa &= ~(PAGE_SIZE - 1);
    while (va < end) {
        uint64_t *table = root;
        int level = 0;
        for (;;) {
            uint64_t block = 1UL << level_shift(level);
            bool fits = level >= 1 && ((va | pa) & (block - 1)) == 0 && end - va >= block;
            uint64_t *slot = &table[(va >> level_shift(level)) & (ENTRIES - 1)];
            if (fits && !((*slot & DESC_VALID) && (*slot & DESC_TABLE) && level < 3)) {
                /* Invalid -> valid needs no TLB maintenance; a live change of a
                 * valid entry would need break-before-make (mmu_unmap_page). */
                set_desc(slot, pa | leaf_bits(attr, level));
                va += block;
                pa += block;
                break;
            }
            if (!(table = next_table(table, level, va)))
                return -1;
            level++;
        }
    }
    if (live)
        isb(); /* later instructions on this core see the new mapping */
    return 0;
}

int mmu_map(uint64_t pa, uint64_t size, enum mmu_attr attr) { return mmu_map_va(pa, pa, size, attr); }

int mmu_unmap_page(uint64_t pa)
{
    uint64_t *table = root;
    for (int level = 0; level < 3; level++) {
        uint64_t desc = table[(pa >> level_shift(level)) & (ENTRIES - 1)];
        if (!(desc & DESC_VALID))
            return 0; /* not mapped at all */
        if (!(table = next_table(table, level, pa)))
            return -1;
    }
    set_desc(&table[(pa >> 12) & (ENTRIES - 1)], 0);
    tlb_flush_page(pa);
    return 0;
}

void mmu_tables_publish(uint64_t *mair, uint64_t *tcr, uint64_t *ttbr0)
{
    uint64_t parange = read_sysreg(id_aa64mmfr0_el1) & 0xf;
    if (parange > 5)
        parange = 5; /* 48-bit output addresses is all 4K/48-bit VA tables need */
    *mair = MAIR_VALUE;
    /* T0SZ=16 (48-bit VA), walks inner/outer WB WA inner-shareable, 4K
     * granule, TTBR1 walks disabled (EPD1), IPS = the core's PA range. */
    *tcr = 16 | (1UL << 8) | (1UL << 10) | (3UL << 12) | (1UL << 23) | (parange << 32);
    *ttbr0 = (uint64_t)root;
    live = true;
}

unsigned mmu_tables_used(void) { return tables_used + tables_extra; }
