/* Property readers that never trust the blob: every length is checked against
 * what is read, every string must end inside its property. Cells are read
 * byte-wise (fdt32_ld/fdt64_ld) because property values are only 4-aligned. */
#include <string.h>

#include "dt_internal.h"

/* A value of 0..4 cells. More than 2 cells fits only if the upper ones are 0
 * (PCI's 3-cell addresses carry flags there: we do not translate through PCI). */
bool dt_read_cells(const void *val, int cells, uint64_t *out)
{
    const uint8_t *b = val;

    if (cells < 0 || cells > 4)
        return false;
    for (int i = 0; i + 2 < cells; i++)
        if (fdt32_ld((const fdt32_t *)(b + 4 * i)) != 0)
            return false;
    if (cells == 0)
        *out = 0;
    else if (cells == 1)
        *out = fdt32_ld((const fdt32_t *)b);
    else
        *out = fdt64_ld((const fdt64_t *)(b + 4 * (cells - 2)));
    return true;
}

static int cells_prop(const void *fdt, int node, const char *name, int dflt)
{
    int len;
    const void *v = fdt_getprop(fdt, node, name, &len);

    if (!v)
        return dflt;
    if (len != 4)
        return -1;
    uint32_t n = fdt32_ld(v);
    return n <= 4 ? (int)n : -1;
}

/* Defaults 2 and 1 as the DT specification gives them; -1 if malformed. */
int dt_addr_cells(const void *fdt, int node)
{
    int n = cells_prop(fdt, node, "#address-cells", 2);
    return n == 0 ? -1 : n;
}

int dt_size_cells(const void *fdt, int node)
{
    return cells_prop(fdt, node, "#size-cells", 1);
}

bool dt_get_u32(const void *fdt, int node, const char *name, uint32_t *out)
{
    int len;
    const void *v = fdt_getprop(fdt, node, name, &len);

    if (!v || len < 4)
        return false;
    *out = fdt32_ld(v);
    return true;
}

const char *dt_get_string_namelen(const void *fdt, int node, const char *name, int namelen)
{
    int len;
    const char *s = fdt_getprop_namelen(fdt, node, name, namelen, &len);

    if (!s || len <= 0 || strnlen(s, (size_t)len) == (size_t)len)
        return NULL; /* empty, or no NUL inside the property: not a string */
    return s;
}

const char *dt_get_string(const void *fdt, int node, const char *name)
{
    return dt_get_string_namelen(fdt, node, name, (int)strlen(name));
}

bool dt_is_okay(const void *fdt, int node)
{
    const char *s = dt_get_string(fdt, node, "status");
    return !s || strcmp(s, "okay") == 0 || strcmp(s, "ok") == 0;
}

bool dt_is_compatible(const void *fdt, int node, const char *compat)
{
    return fdt_node_check_compatible(fdt, node, compat) == 0;
}

/* First enabled node matching the earliest entry of a NULL-ended preference list. */
int dt_find_compatible(const void *fdt, const char *const *compats)
{
    for (; *compats; compats++) {
        int node = fdt_node_offset_by_compatible(fdt, -1, *compats);
        while (node >= 0 && !dt_is_okay(fdt, node))
            node = fdt_node_offset_by_compatible(fdt, node, *compats);
        if (node >= 0)
            return node;
    }
    return -1;
}

/* Entry `index` of `reg`, in the parent bus's address space. */
bool dt_reg_raw(const void *fdt, int node, int index, uint64_t *addr, uint64_t *size)
{
    int parent = fdt_parent_offset(fdt, node);
    if (parent < 0 || index < 0)
        return false;
    int ac = dt_addr_cells(fdt, parent), sc = dt_size_cells(fdt, parent);
    if (ac < 0 || sc < 0)
        return false;

    int len;
    const uint8_t *v = fdt_getprop(fdt, node, "reg", &len);
    size_t entry = (size_t)(ac + sc) * 4;
    if (!v || len < 0 || entry == 0 || (size_t)index >= (size_t)len / entry)
        return false;
    v += entry * (size_t)index;
    return dt_read_cells(v, ac, addr) && dt_read_cells(v + 4 * ac, sc, size);
}

/* Entry `index` of `reg`, as a CPU physical address. */
bool dt_reg(const void *fdt, int node, int index, uint64_t *addr, uint64_t *size)
{
    uint64_t bus;
    return dt_reg_raw(fdt, node, index, &bus, size) && dt_translate_address(fdt, node, bus, addr);
}

/* Copy at most src_len bytes of src (stopping at its NUL), always terminated. */
void dt_copy_string(char *dst, size_t dst_size, const char *src, size_t src_len)
{
    if (dst_size == 0)
        return;
    size_t n = src ? strnlen(src, src_len) : 0;
    if (n >= dst_size)
        n = dst_size - 1;
    if (n)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

/* The node's full path ("/soc/serial@7e201000"), cut to fit `size`. Built
 * from checked names instead of fdt_get_path, which on a damaged blob can
 * step back before the start of its buffer and write there (libfdt 1.6.1,
 * found by the byte-flip tests). */
void dt_node_path(const void *fdt, int node, char *buf, size_t size)
{
    int chain[DT_MAX_DEPTH], n = 0;

    if (size == 0)
        return;
    for (int at = node; at > 0 && n < DT_MAX_DEPTH; at = fdt_parent_offset(fdt, at))
        chain[n++] = at;
    size_t len = 0;
    buf[0] = '\0';
    for (int i = n - 1; i >= 0; i--) {
        int name_len;
        const char *name = fdt_get_name(fdt, chain[i], &name_len);
        if (!name || name_len < 0) {
            name = "?";
            name_len = 1;
        }
        if (len + 1 < size)
            buf[len++] = '/';
        for (int k = 0; k < name_len && name[k] && len + 1 < size; k++)
            buf[len++] = name[k];
        buf[len] = '\0';
    }
    if (n == 0 && size > 1)
        buf[0] = '/', buf[1] = '\0';
}
