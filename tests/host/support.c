/* Runner, blob loading and placement for the host tests (see support.h). */
#define _GNU_SOURCE
#include "support.h"

#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

char test_why[256];
const char *test_dtb_dir = "build/host/dtb";
static int passed, failed;

bool test_fail(int line, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(test_why, sizeof(test_why), "line %d: ", line);
    va_start(ap, fmt);
    vsnprintf(test_why + n, sizeof(test_why) - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

void test_run(const char *name, bool (*fn)(void))
{
    test_why[0] = '\0';
    if (fn()) {
        printf("PASS %s\n", name);
        passed++;
    } else {
        printf("FAIL %s: %s\n", name, test_why[0] ? test_why : "no reason given");
        failed++;
    }
    fflush(stdout);
}

int test_summary(void)
{
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

void *test_load_dtb(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s.dtb", test_dtb_dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        test_fail(0, "cannot open %s", path);
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *buf = malloc(n > 0 ? (size_t)n : 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        free(buf);
        test_fail(0, "cannot read %s", path);
        return NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* Blobs remember their mapping in a small header table keyed by address. */
struct mapping {
    void *blob, *map;
    size_t map_len;
};
static struct mapping maps[64];

static void remember(void *blob, void *map, size_t map_len)
{
    for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
        if (!maps[i].blob) {
            maps[i] = (struct mapping){blob, map, map_len};
            return;
        }
    abort(); /* a test leaks blobs: fix the test */
}

void *blob_guarded(const void *data, size_t len)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t body = (len + 7 + page - 1) / page * page;
    uint8_t *map = mmap(NULL, body + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED)
        abort();
    mprotect(map + body, page, PROT_NONE);
    uint8_t *blob = (uint8_t *)(((uintptr_t)(map + body - len)) & ~(uintptr_t)7);
    memcpy(blob, data, len);
    remember(blob, map, body + page);
    return blob;
}

void *blob_at(uintptr_t addr, const void *data, size_t len)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t body = (len + page - 1) / page * page;
    void *map = mmap((void *)addr, body + page, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (map == MAP_FAILED || map != (void *)addr) {
        if (map != MAP_FAILED)
            munmap(map, body + page);
        return NULL;
    }
    mprotect((uint8_t *)map + body, page, PROT_NONE);
    memcpy(map, data, len);
    remember(map, map, body + page);
    return map;
}

void blob_free(void *blob)
{
    for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
        if (maps[i].blob == blob && blob) {
            munmap(maps[i].map, maps[i].map_len);
            maps[i].blob = NULL;
            return;
        }
}

static bool terminated(const char *s, size_t n)
{
    return memchr(s, '\0', n) != NULL;
}

bool platform_sane(const struct platform *p, int status)
{
    if (status != PLATFORM_OK && status != PLATFORM_EPARTIAL && status != PLATFORM_EBADDTB)
        return test_fail(__LINE__, "status %d", status);
    if ((status == PLATFORM_OK) != (p->error_count == 0))
        return test_fail(__LINE__, "status %d with %u errors", status, p->error_count);
    if (p->error_count > PLATFORM_MAX_ERRORS || p->mem_bank_count > PLATFORM_MAX_MEM ||
        p->reserved_count > PLATFORM_MAX_RESERVED || p->usable_count > PLATFORM_MAX_MEM ||
        p->cpu_count > PLATFORM_MAX_CPUS || p->gic.redist_count > PLATFORM_MAX_GICR)
        return test_fail(__LINE__, "a count exceeds its array");
    if (p->cpu_count && p->boot_cpu_index >= p->cpu_count)
        return test_fail(__LINE__, "boot_cpu_index %u of %u", p->boot_cpu_index, p->cpu_count);
    if (!terminated(p->model, sizeof(p->model)) || !terminated(p->bootargs, sizeof(p->bootargs)) ||
        !terminated(p->psci_compatible, sizeof(p->psci_compatible)) ||
        !terminated(p->console.path, sizeof(p->console.path)))
        return test_fail(__LINE__, "unterminated string");
    for (uint32_t i = 0; i < p->cpu_count; i++)
        if (!terminated(p->cpus[i].method_name, sizeof(p->cpus[i].method_name)))
            return test_fail(__LINE__, "unterminated method_name");
    for (uint32_t i = 0; i < p->error_count; i++)
        if (!terminated(p->errors[i], sizeof(p->errors[i])) || strncmp(p->errors[i], "device tree: ", 13))
            return test_fail(__LINE__, "bad error line %u", i);
    for (uint32_t i = 0; i < p->usable_count; i++) {
        const struct phys_range *u = &p->usable[i];
        if (u->size == 0 || (u->base | u->size) & 0xfff)
            return test_fail(__LINE__, "usable[%u] not page aligned or empty", i);
        if (i && u->base < p->usable[i - 1].base)
            return test_fail(__LINE__, "usable[] not sorted");
        for (uint32_t r = 0; r < p->reserved_count; r++) {
            const struct phys_range *x = &p->reserved[r];
            uint64_t xl = x->size - 1 > UINT64_MAX - x->base ? UINT64_MAX : x->base + x->size - 1;
            if (x->size && x->base <= u->base + u->size - 1 && xl >= u->base)
                return test_fail(__LINE__, "usable[%u] overlaps reserved[%u]", i, r);
        }
    }
    return true;
}

bool has_error(const struct platform *p, const char *sentence)
{
    for (uint32_t i = 0; i < p->error_count && i < PLATFORM_MAX_ERRORS; i++)
        if (strcmp(p->errors[i], sentence) == 0)
            return true;
    return false;
}

void *test_parse(const char *name, struct platform *p, uint64_t boot_mpidr, struct phys_range image, int *rc)
{
    size_t len;
    void *data = test_load_dtb(name, &len);
    if (!data)
        return NULL;
    void *blob = blob_guarded(data, len);
    free(data);
    *rc = platform_from_dt(p, blob, len, boot_mpidr, image);
    if (!platform_sane(p, *rc)) {
        blob_free(blob);
        return NULL;
    }
    return blob;
}
