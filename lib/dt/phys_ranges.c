/* Physical range lists: sorting, subtracting a cut, trimming to pages.
 * Ends are handled as inclusive "last" addresses so ranges touching 2^64
 * never overflow. */
#include "dt_internal.h"

static uint64_t range_last(struct phys_range r)
{
    return r.size - 1 > UINT64_MAX - r.base ? UINT64_MAX : r.base + r.size - 1;
}

static struct phys_range range_from(uint64_t first, uint64_t last)
{
    uint64_t size = last - first + 1;
    return (struct phys_range){first, size ? size : UINT64_MAX}; /* 0: the whole space */
}

/* Insertion sort by base: lists are at most a few dozen entries. */
void phys_ranges_sort(struct phys_range *ranges, int count)
{
    for (int i = 1; i < count; i++) {
        struct phys_range r = ranges[i];
        int j = i;
        for (; j > 0 && ranges[j - 1].base > r.base; j--)
            ranges[j] = ranges[j - 1];
        ranges[j] = r;
    }
}

/* Sort, then fold overlapping or touching ranges together: subtracting from a
 * disjoint sorted list keeps it disjoint and sorted. Returns the new count. */
int phys_ranges_normalize(struct phys_range *ranges, int count)
{
    int out = 0;

    phys_ranges_sort(ranges, count);
    for (int i = 0; i < count; i++) {
        if (ranges[i].size == 0)
            continue;
        if (out > 0) {
            struct phys_range *prev = &ranges[out - 1];
            uint64_t prev_last = range_last(*prev);
            if (prev_last == UINT64_MAX || ranges[i].base <= prev_last + 1) {
                uint64_t last = range_last(ranges[i]);
                if (last > prev_last)
                    *prev = range_from(prev->base, last);
                continue;
            }
        }
        ranges[out++] = ranges[i];
    }
    return out;
}

int phys_ranges_subtract(struct phys_range *ranges, int count, int max, struct phys_range cut)
{
    if (count < 0 || count > max)
        return -1;
    if (cut.size == 0)
        return count;
    uint64_t cf = cut.base, cl = range_last(cut);

    /* Count splits first so a list that would overflow is left untouched. */
    int splits = 0;
    for (int i = 0; i < count; i++) {
        if (ranges[i].size == 0)
            continue;
        uint64_t rf = ranges[i].base, rl = range_last(ranges[i]);
        if (rf < cf && cl < rl)
            splits++;
    }
    if (count + splits > max)
        return -1;

    for (int i = count - 1; i >= 0; i--) {
        if (ranges[i].size == 0)
            continue;
        uint64_t rf = ranges[i].base, rl = range_last(ranges[i]);
        if (cl < rf || cf > rl)
            continue; /* no overlap */
        bool left = rf < cf, right = cl < rl;
        if (left && right) {
            for (int k = count; k > i + 1; k--) /* open a slot after i */
                ranges[k] = ranges[k - 1];
            ranges[i] = range_from(rf, cf - 1);
            ranges[i + 1] = range_from(cl + 1, rl);
            count++;
        } else if (left) {
            ranges[i] = range_from(rf, cf - 1);
        } else if (right) {
            ranges[i] = range_from(cl + 1, rl);
        } else {
            for (int k = i; k + 1 < count; k++) /* close the gap at i */
                ranges[k] = ranges[k + 1];
            count--;
        }
    }
    return count;
}

/* Shrink each range inward to whole pages and drop those left empty. */
int phys_ranges_page_align(struct phys_range *ranges, int count)
{
    const uint64_t mask = DT_PAGE_SIZE - 1;
    int out = 0;

    for (int i = 0; i < count; i++) {
        uint64_t first = ranges[i].base, last = range_last(ranges[i]);
        if (ranges[i].size == 0 || first > UINT64_MAX - mask)
            continue;
        first = (first + mask) & ~mask;
        /* end is exclusive; at the top of the space it cannot be, so that page is given up */
        uint64_t end_excl_pages = (last == UINT64_MAX ? last : last + 1) & ~mask;
        if (end_excl_pages <= first)
            continue;
        ranges[out++] = (struct phys_range){first, end_excl_pages - first};
    }
    return out;
}
