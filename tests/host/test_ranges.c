/* phys_ranges_subtract: the list arithmetic usable memory is built from. */
#include <stdio.h>
#include <string.h>

#include "dt_internal.h"
#include "support.h"

#define R(b, s) ((struct phys_range){(b), (s)})

static bool same(const struct phys_range *got, int n, const struct phys_range *want, int m)
{
    if (n != m)
        return test_fail(__LINE__, "count %d, expected %d", n, m);
    for (int i = 0; i < n; i++)
        if (got[i].base != want[i].base || got[i].size != want[i].size)
            return test_fail(__LINE__, "[%d] = {0x%llx, 0x%llx}, expected {0x%llx, 0x%llx}", i,
                             (unsigned long long)got[i].base, (unsigned long long)got[i].size,
                             (unsigned long long)want[i].base, (unsigned long long)want[i].size);
    return true;
}

static bool subtract_outside_changes_nothing(void)
{
    struct phys_range r[4] = {R(0x1000, 0x1000), R(0x4000, 0x1000)};
    int n = phys_ranges_subtract(r, 2, 4, R(0x2000, 0x2000));
    const struct phys_range want[] = {R(0x1000, 0x1000), R(0x4000, 0x1000)};
    return same(r, n, want, 2);
}

static bool subtract_covering_removes(void)
{
    struct phys_range r[4] = {R(0x1000, 0x1000), R(0x4000, 0x1000), R(0x8000, 0x1000)};
    int n = phys_ranges_subtract(r, 3, 4, R(0x800, 0x5000));
    const struct phys_range want[] = {R(0x8000, 0x1000)};
    return same(r, n, want, 1);
}

static bool subtract_trims_both_edges(void)
{
    struct phys_range r[4] = {R(0x1000, 0x2000), R(0x4000, 0x2000)};
    int n = phys_ranges_subtract(r, 2, 4, R(0x2000, 0x2800));
    const struct phys_range want[] = {R(0x1000, 0x1000), R(0x4800, 0x1800)};
    return same(r, n, want, 2);
}

static bool subtract_splits_in_the_middle(void)
{
    struct phys_range r[4] = {R(0x0, 0x10000), R(0x20000, 0x1000)};
    int n = phys_ranges_subtract(r, 2, 4, R(0x4000, 0x1000));
    const struct phys_range want[] = {R(0x0, 0x4000), R(0x5000, 0xb000), R(0x20000, 0x1000)};
    return same(r, n, want, 3);
}

static bool subtract_split_past_max_leaves_list_alone(void)
{
    struct phys_range r[2] = {R(0x0, 0x10000), R(0x20000, 0x1000)};
    int n = phys_ranges_subtract(r, 2, 2, R(0x4000, 0x1000));
    CHECK_EQ((uint64_t)(int64_t)n, (uint64_t)(int64_t)-1);
    const struct phys_range want[] = {R(0x0, 0x10000), R(0x20000, 0x1000)};
    return same(r, 2, want, 2);
}

static bool subtract_at_top_of_address_space(void)
{
    struct phys_range r[4] = {R(0xfffffffffff00000ULL, 0x100000)};
    int n = phys_ranges_subtract(r, 1, 4, R(0xfffffffffffff000ULL, 0x1000));
    const struct phys_range want[] = {R(0xfffffffffff00000ULL, 0xff000)};
    if (!same(r, n, want, 1))
        return false;
    /* a cut whose end would wrap past 2^64 still cuts to the top */
    n = phys_ranges_subtract(r, 1, 4, R(0xfffffffffff80000ULL, UINT64_MAX));
    const struct phys_range want2[] = {R(0xfffffffffff00000ULL, 0x80000)};
    return same(r, n, want2, 1);
}

static bool subtract_empty_cut_is_noop(void)
{
    struct phys_range r[2] = {R(0x1000, 0x1000)};
    int n = phys_ranges_subtract(r, 1, 2, R(0x1000, 0));
    const struct phys_range want[] = {R(0x1000, 0x1000)};
    return same(r, n, want, 1);
}

static bool normalize_merges_overlaps_and_sorts(void)
{
    struct phys_range r[5] = {R(0x8000, 0x1000), R(0x0, 0x10000), R(0x1000, 0x1000), R(0x20000, 0),
                              R(0x10000, 0x1000)};
    int n = phys_ranges_normalize(r, 5);
    const struct phys_range want[] = {R(0x0, 0x11000)};
    return same(r, n, want, 1);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    RUN(subtract_outside_changes_nothing);
    RUN(subtract_covering_removes);
    RUN(subtract_trims_both_edges);
    RUN(subtract_splits_in_the_middle);
    RUN(subtract_split_past_max_leaves_list_alone);
    RUN(subtract_at_top_of_address_space);
    RUN(subtract_empty_cut_is_noop);
    RUN(normalize_merges_overlaps_and_sorts);
    return test_summary();
}
