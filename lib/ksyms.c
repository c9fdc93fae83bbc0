/* Lookups in the .ksyms table (format: tools/gen-ksyms.sh). */
#include <lib/ksyms.h>

struct ksym_record {
    uint32_t offset, size, name; /* from __image_start; 0: up to the next; into the strings */
};

extern const char __image_start[], __ksyms_start[], __ksyms_end[];

uint32_t ksym_count(void)
{
    if (__ksyms_end - __ksyms_start < (long)sizeof(uint32_t))
        return 0;
    return *(const uint32_t *)__ksyms_start;
}

static const struct ksym_record *records(void) { return (const struct ksym_record *)(__ksyms_start + 4); }

bool ksym_lookup(uintptr_t addr, struct ksym *out)
{
    uint32_t n = ksym_count();
    if (!n || addr < (uintptr_t)__image_start)
        return false;
    uintptr_t at = addr - (uintptr_t)__image_start;
    const struct ksym_record *r = records();
    /* The last record that starts at or before `at` (sorted by offset). */
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (r[mid].offset <= at)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return false;
    const struct ksym_record *f = &r[lo - 1];
    uintptr_t end = f->size ? (uintptr_t)f->offset + f->size : lo < n ? r[lo].offset : f->offset;
    if (at >= end)
        return false;
    out->name = (const char *)&r[n] + f->name;
    out->offset = at - f->offset;
    return true;
}
