/* The pool of long exit reasons (long_reason.h). */
#include <arch/page.h>
#include <mm/page_alloc.h>
#include <sched/internal.h>
#include <sched/long_reason.h>
#include <sync/spinlock.h>

_Static_assert(MSG_MAX <= PAGE_SIZE, "a long reason fits its page");

static DEFINE_SPINLOCK(long_reason_lock, "long-reasons");
static uint8_t *free_pages; /* each free page's first word links the next */
static uint32_t in_use, made;

uint8_t *long_reason_take(void)
{
    uint64_t flags = spin_lock_irqsave(&long_reason_lock);
    uint8_t *page = free_pages;
    bool make = !page && made < LONG_REASONS_MAX;
    if (page)
        free_pages = *(uint8_t **)page;
    made += make;
    in_use += page || make;
    spin_unlock_irqrestore(&long_reason_lock, flags);
    if (make && !(page = (uint8_t *)page_alloc(1))) {
        flags = spin_lock_irqsave(&long_reason_lock);
        made--, in_use--;
        spin_unlock_irqrestore(&long_reason_lock, flags);
    }
    return page;
}

void long_reason_give(uint8_t *page)
{
    uint64_t flags = spin_lock_irqsave(&long_reason_lock);
    *(uint8_t **)page = free_pages;
    free_pages = page;
    in_use--;
    spin_unlock_irqrestore(&long_reason_lock, flags);
}

uint32_t long_reasons_in_use(void)
{
    uint64_t flags = spin_lock_irqsave(&long_reason_lock);
    uint32_t n = in_use;
    spin_unlock_irqrestore(&long_reason_lock, flags);
    return n;
}
