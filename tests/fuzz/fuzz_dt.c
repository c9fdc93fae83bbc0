/* libFuzzer target: any bytes as a device tree. platform_from_dt must return
 * a sane status without reading outside the input (ASan for our code; a
 * PROT_NONE page right after the input for the uninstrumented libfdt), and
 * dt_translate_address must survive whatever tree it was accepted with. */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "platform.h"

#define FUZZ_MAX_GUARDED (1u << 20) /* inputs above this get a plain aligned copy */

static uint8_t *guarded_area;
static size_t guarded_len;

/* An 8-aligned copy (libfdt requires it) ending as close to the guard as 8-alignment allows. */
static uint8_t *place(const uint8_t *data, size_t size, void **to_free)
{
    *to_free = NULL;
    if (!guarded_area) {
        size_t page = (size_t)sysconf(_SC_PAGESIZE);
        guarded_len = FUZZ_MAX_GUARDED;
        guarded_area =
            mmap(NULL, guarded_len + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (guarded_area == MAP_FAILED)
            abort();
        mprotect(guarded_area + guarded_len, page, PROT_NONE);
    }
    if (size <= guarded_len - 8) {
        uint8_t *blob = (uint8_t *)((uintptr_t)(guarded_area + guarded_len - size) & ~(uintptr_t)7);
        memcpy(blob, data, size);
        return blob;
    }
    uint8_t *blob = aligned_alloc(8, (size + 7) & ~(size_t)7);
    if (!blob)
        abort();
    memcpy(blob, data, size);
    *to_free = blob;
    return blob;
}

static struct platform plat; /* 10 KiB: keep it off the fuzzer's stack */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    void *to_free;
    uint8_t *blob = place(data, size, &to_free);
    struct phys_range image = {0x40200000, 0x200000};

    int rc = platform_from_dt(&plat, blob, size, 0x80000000u, image);
    if (rc != PLATFORM_OK && rc != PLATFORM_EPARTIAL && rc != PLATFORM_EBADDTB)
        abort();
    if ((rc == PLATFORM_OK) != (plat.error_count == 0) || plat.error_count > PLATFORM_MAX_ERRORS ||
        plat.cpu_count > PLATFORM_MAX_CPUS || plat.usable_count > PLATFORM_MAX_MEM ||
        plat.gic.redist_count > PLATFORM_MAX_GICR)
        abort();

    if (rc != PLATFORM_EBADDTB) { /* accepted: libfdt's reads stay inside the input */
        int depth = 0, seen = 0;
        for (int node = 0; node >= 0 && seen < 32; node = fdt_next_node(blob, node, &depth), seen++) {
            int len;
            const fdt32_t *reg = fdt_getprop(blob, node, "reg", &len);
            uint64_t out;
            dt_translate_address(blob, node, reg && len >= 4 ? fdt32_ld(reg) : 0, &out);
        }
    }
    free(to_free);
    return 0;
}
