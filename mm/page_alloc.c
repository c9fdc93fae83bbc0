/* Bump allocation over the usable ranges. Callers serialise: boot runs on
 * one core, and later users take page_lock. */
#include <lib/dt/platform.h>
#include <mm/page_alloc.h>
#include <string.h>
#include <sync/spinlock.h>

struct arena {
    uint64_t next, end;
};

static struct arena arenas[PLATFORM_MAX_MEM];
static uint32_t arena_count;
static uint64_t total;
static DEFINE_SPINLOCK(page_lock, "pages");
static int lock_usable; /* set once per-CPU areas exist (spin_lock needs them) */

void page_alloc_init(const struct platform *p)
{
    arena_count = 0;
    total = 0;
    for (uint32_t i = 0; i < p->usable_count; i++) {
        uint64_t b = (p->usable[i].base + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
        uint64_t e = (p->usable[i].base + p->usable[i].size) & ~(PAGE_SIZE - 1);
        if (e <= b)
            continue;
        arenas[arena_count++] = (struct arena){b, e};
        total += e - b;
    }
}

void page_alloc_smp_ready(void) { lock_usable = 1; }

uint64_t page_alloc(uint64_t count)
{
    uint64_t bytes = count * PAGE_SIZE, got = 0;
    uint64_t flags = 0;
    if (lock_usable)
        flags = spin_lock_irqsave(&page_lock);
    for (uint32_t i = 0; i < arena_count && !got; i++) {
        if (arenas[i].end - arenas[i].next >= bytes) {
            got = arenas[i].next;
            arenas[i].next += bytes;
        }
    }
    if (lock_usable)
        spin_unlock_irqrestore(&page_lock, flags);
    if (got)
        memset((void *)got, 0, bytes);
    return got;
}

uint64_t page_alloc_free_bytes(void)
{
    uint64_t free = 0;
    for (uint32_t i = 0; i < arena_count; i++)
        free += arenas[i].end - arenas[i].next;
    return free;
}

uint64_t page_alloc_total_bytes(void) { return total; }

uint64_t page_alloc_zeroed_page(void) { return page_alloc(1); }
