/* RAM as the device tree gives it: /memory banks, then everything that must
 * not be handed out (/memreserve/, /reserved-memory, the image, the DTB), and
 * the difference of the two, sorted and trimmed to whole pages. */
#include <string.h>

#include "dt_internal.h"

/* The /memreserve/ table has no count, only a (0, 0) terminator: a damaged one
 * could run on, so it is also bounded by this and by the readable bytes. */
#define DT_MAX_MEMRESERVE 64

static void add_reserved(struct dt_ctx *c, uint64_t base, uint64_t size, const char *what)
{
    struct platform *p = c->p;

    if (size == 0)
        return;
    if (p->reserved_count >= PLATFORM_MAX_RESERVED) {
        struct dt_msg m;
        dt_msg_begin(&m);
        dt_msg_str(&m, "more than ");
        dt_msg_dec(&m, PLATFORM_MAX_RESERVED);
        dt_msg_str(&m, " reserved ranges; ignoring ");
        dt_msg_str(&m, what);
        dt_msg_str(&m, " at ");
        dt_msg_hex(&m, base);
        dt_report(p, &m);
        return;
    }
    p->reserved[p->reserved_count++] = (struct phys_range){base, size};
}

static void read_banks(struct dt_ctx *c)
{
    const void *fdt = c->fdt;
    struct platform *p = c->p;
    bool saw_node = false;

    for (int node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory", 7); node >= 0;
         node = fdt_node_offset_by_prop_value(fdt, node, "device_type", "memory", 7)) {
        if (!dt_is_okay(fdt, node))
            continue;
        saw_node = true;
        uint64_t base, size;
        for (int i = 0; dt_reg(fdt, node, i, &base, &size); i++) {
            if (size == 0)
                continue; /* the Pi firmware fills this in; unfilled, it is no RAM */
            if (p->mem_bank_count >= PLATFORM_MAX_MEM) {
                dt_error(p, "more memory banks than PLATFORM_MAX_MEM; ignoring the rest");
                return;
            }
            p->mem_banks[p->mem_bank_count++] = (struct phys_range){base, size};
        }
    }
    if (!saw_node)
        dt_error(p, "no /memory node (device_type \"memory\")");
    else if (p->mem_bank_count == 0)
        dt_error(p, "/memory has no non-empty reg entry (firmware did not fill it in?)");
}

/* The header's table of (address, size) pairs, read only inside c->avail. */
static void read_memreserve(struct dt_ctx *c)
{
    const uint8_t *blob = c->fdt;
    size_t off = fdt_off_mem_rsvmap(c->fdt);

    for (int i = 0; i < DT_MAX_MEMRESERVE; i++, off += 16) {
        if (off > c->avail || c->avail - off < 16) {
            dt_error(c->p, "/memreserve/ table runs past the end of the blob");
            return;
        }
        uint64_t base = fdt64_ld((const fdt64_t *)(blob + off));
        uint64_t size = fdt64_ld((const fdt64_t *)(blob + off + 8));
        if (base == 0 && size == 0)
            return;
        add_reserved(c, base, size, "a /memreserve/ entry");
    }
    dt_error(c->p, "/memreserve/ table has no terminator within 64 entries");
}

/* Both no-map and reusable regions stay out of our allocator. Nodes with only
 * `size` (placed by the OS) reserve nothing yet. */
static void read_reserved_memory(struct dt_ctx *c)
{
    const void *fdt = c->fdt;
    int rm = fdt_path_offset(fdt, "/reserved-memory");
    int child;

    if (rm < 0)
        return;
    fdt_for_each_subnode(child, fdt, rm)
    {
        if (!dt_is_okay(fdt, child))
            continue;
        uint64_t base, size;
        int i = 0;
        /* the binding requires an identity `ranges` here; read reg as is so a
         * tree that forgets it still keeps its reservations */
        for (; dt_reg_raw(fdt, child, i, &base, &size); i++)
            add_reserved(c, base, size, "a /reserved-memory region");
        if (i == 0 && fdt_getprop(fdt, child, "reg", NULL)) {
            struct dt_msg m;
            dt_msg_begin(&m);
            dt_msg_str(&m, "/reserved-memory/");
            dt_msg_node(&m, fdt, child);
            dt_msg_str(&m, " has an unreadable reg");
            dt_report(c->p, &m);
        }
    }
}

static void compute_usable(struct dt_ctx *c)
{
    struct platform *p = c->p;
    int n = (int)p->mem_bank_count;

    memcpy(p->usable, p->mem_banks, sizeof(p->usable[0]) * (size_t)n);
    n = phys_ranges_normalize(p->usable, n); /* banks may overlap in a bad tree */
    for (uint32_t i = 0; i < p->reserved_count; i++) {
        int r;
        /* Out of slots: give up the highest range rather than hand out reserved RAM. */
        while ((r = phys_ranges_subtract(p->usable, n, PLATFORM_MAX_MEM, p->reserved[i])) < 0 && n > 0) {
            n--;
            dt_error(p, "too many usable memory ranges; dropping the highest one");
        }
        n = r < 0 ? 0 : r;
    }
    p->usable_count = (uint32_t)phys_ranges_page_align(p->usable, n);
}

/* A tree whose RAM leaves out the very image that is running describes some
 * other machine: nothing it calls RAM can be trusted. */
static void check_image_inside(struct dt_ctx *c, struct phys_range image)
{
    struct platform *p = c->p;
    if (p->mem_bank_count == 0 || image.size == 0)
        return;
    for (uint32_t i = 0; i < p->mem_bank_count; i++) {
        const struct phys_range *b = &p->mem_banks[i];
        if (image.base >= b->base && image.base - b->base <= b->size && image.size <= b->size - (image.base - b->base))
            return;
    }
    p->image_outside_ram = true;
    struct dt_msg m;
    dt_msg_begin(&m);
    dt_msg_str(&m, "the image at ");
    dt_msg_hex(&m, image.base);
    dt_msg_str(&m, " is not inside any /memory bank");
    dt_report(p, &m);
}

void dt_read_memory(struct dt_ctx *c, struct phys_range image)
{
    read_banks(c);
    check_image_inside(c, image);
    read_memreserve(c);
    read_reserved_memory(c);
    add_reserved(c, image.base, image.size, "the image");
    add_reserved(c, c->p->dtb_base, c->p->dtb_size, "the DTB");
    compute_usable(c);
}
