/* What lwIP asks of the platform under NO_SYS=1: a millisecond clock, random
 * numbers, diagnostics and assertions (net/include/arch/cc.h). */
#include <arch/exception.h>
#include <arch/timer.h>
#include <drivers/console.h>
#include <lib/fmt.h>
#include <lwip/sys.h>
#include <stdarg.h>

u32_t sys_now(void)
{
    return (u32_t)(timer_ticks_to_ns(timer_now()) / 1000000);
}

/* xorshift32 seeded from the counter: TCP's initial sequence numbers and
 * DHCP's transaction ids need to differ between boots, not to be secret. */
uint32_t armada_lwip_rand(void)
{
    static uint32_t state;
    if (!state)
        state = (uint32_t)timer_now() | 1;
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
}

void armada_lwip_diag(const char *fmt, ...)
{
    char buf[160];
    va_list ap;
    va_start(ap, fmt);
    fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    kprintf("lwip: %s", buf);
}

void armada_lwip_assert(const char *msg, const char *file, int line)
{
    panic("lwip assertion \"%s\" failed at %s:%d", msg, file, line);
}
