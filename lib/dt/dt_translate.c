/* Bus address -> CPU physical address, through each parent's `ranges`.
 * An empty `ranges` is an identity map; a missing one means the bus is not
 * memory-mapped (only the root needs none). Iterative, at most DT_MAX_DEPTH
 * levels, so a damaged blob cannot make it run away. */
#include "dt_internal.h"

/* Map addr through one `ranges` property of `bus`; false if no entry covers it. */
static bool through_ranges(const void *fdt, int bus, int parent, uint64_t *addr)
{
    int len;
    const uint8_t *v = fdt_getprop(fdt, bus, "ranges", &len);
    if (!v)
        return false;
    if (len == 0)
        return true;

    int cac = dt_addr_cells(fdt, bus), pac = dt_addr_cells(fdt, parent);
    int sc = dt_size_cells(fdt, bus);
    if (cac < 0 || pac < 0 || sc < 0 || len < 0)
        return false;
    size_t entry = (size_t)(cac + pac + sc) * 4;

    for (size_t off = 0; off + entry <= (size_t)len; off += entry) {
        uint64_t child, up, size;
        if (!dt_read_cells(v + off, cac, &child) || !dt_read_cells(v + off + 4 * cac, pac, &up) ||
            !dt_read_cells(v + off + 4 * (cac + pac), sc, &size))
            continue; /* e.g. a PCI space entry: flags in the top cell */
        if (*addr >= child && *addr - child < size) {
            *addr = up + (*addr - child);
            return true;
        }
    }
    return false;
}

bool dt_translate_address(const void *fdt, int node, uint64_t bus_addr, uint64_t *out)
{
    uint64_t addr = bus_addr;
    int bus = fdt_parent_offset(fdt, node);

    for (int depth = 0; depth < DT_MAX_DEPTH; depth++) {
        if (bus < 0)
            return false;
        if (bus == 0) { /* the root: its address space is the CPU's */
            *out = addr;
            return true;
        }
        int parent = fdt_parent_offset(fdt, bus);
        if (parent < 0 || !through_ranges(fdt, bus, parent, &addr))
            return false;
        bus = parent;
    }
    return false;
}
