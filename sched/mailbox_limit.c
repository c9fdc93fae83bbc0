/* The mailbox limit's size and its counter: see mailbox_limit.h. */
#include <mm/page_alloc.h>
#include <sched/mailbox_limit.h>

uint64_t mailbox_limit_bytes = UINT64_MAX;

void mailbox_limit_init(void) { mailbox_limit_bytes = page_alloc_total_bytes() / MAILBOX_LIMIT_SHARE; }

uint64_t sched_mailbox_limit(void) { return mailbox_limit_bytes; }

uint64_t sched_mailbox_full_drops(void)
{
    uint64_t n = 0;
    for (uint32_t cpu = 0; cpu < MAX_CPUS; cpu++)
        n += READ_ONCE(sched_cores[cpu].count.mailbox_full);
    return n;
}
