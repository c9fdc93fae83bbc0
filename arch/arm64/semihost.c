/* ARM semihosting calls: x0 = the operation, x1 = its parameter block, HLT
 * #0xF000 (AArch64), the answer in x0. See arch/semihost.h for when a call is
 * made at all. */
#include <arch/semihost.h>
#include <stdint.h>
#include <string.h>

#define SYS_OPEN 0x01
#define SYS_CLOSE 0x02
#define SYS_WRITE 0x05
#define OPEN_MODE_WB 5 /* fopen's "wb": the spec's mode numbers 0..11 follow r, rb, r+, r+b, w, wb, ... */

static bool enabled;

void semihost_enable(void)
{
    /* Set once by the boot core before the secondaries start; they see it
     * through the release/acquire of their start-up hand-off. */
    enabled = true;
}

bool semihost_available(void)
{
    return enabled;
}

static long semihost_call(uint64_t op, const uint64_t *params)
{
    register uint64_t x0 __asm__("x0") = op;
    register const uint64_t *x1 __asm__("x1") = params;
    /* "memory": the host reads the block (and the buffers it points to) and
     * may write guest memory; nothing may be cached in registers across it. */
    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    return (long)x0;
}

long semihost_open_write(const char *path)
{
    if (!enabled)
        return -1;
    uint64_t params[3] = {(uint64_t)(uintptr_t)path, OPEN_MODE_WB, strlen(path)};
    return semihost_call(SYS_OPEN, params);
}

long semihost_write(long handle, const void *buf, size_t len)
{
    if (!enabled || handle < 0)
        return -1;
    uint64_t params[3] = {(uint64_t)handle, (uint64_t)(uintptr_t)buf, len};
    return semihost_call(SYS_WRITE, params);
}

long semihost_close(long handle)
{
    if (!enabled || handle < 0)
        return -1;
    uint64_t params[1] = {(uint64_t)handle};
    return semihost_call(SYS_CLOSE, params);
}
