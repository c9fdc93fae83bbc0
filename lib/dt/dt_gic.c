/* The interrupt controller (GICv3 or GICv2/GIC-400) and the decoding of
 * `interrupts` entries that point at it. */
#include <string.h>

#include "dt_internal.h"

static const char *const gic_v3_compats[] = {"arm,gic-v3", NULL};
static const char *const gic_v2_compats[] = {"arm,gic-400", "arm,cortex-a15-gic", "arm,cortex-a9-gic",
                                             "arm,gic-v2", NULL};

static void gic_problem(struct dt_ctx *c, const char *what)
{
    struct dt_msg m;
    dt_msg_begin(&m);
    dt_msg_node(&m, c->fdt, c->gic_node);
    dt_msg_str(&m, what);
    dt_report(c->p, &m);
}

static void read_v3(struct dt_ctx *c)
{
    struct platform_gic *g = &c->p->gic;
    uint32_t regions = 1;

    if (!dt_reg(c->fdt, c->gic_node, 0, &g->dist_base, &g->dist_size)) {
        gic_problem(c, ": GICD reg is missing or not translatable");
        return;
    }
    dt_get_u32(c->fdt, c->gic_node, "#redistributor-regions", &regions);
    if (regions > PLATFORM_MAX_GICR) {
        gic_problem(c, ": more redistributor regions than PLATFORM_MAX_GICR; using the first ones");
        regions = PLATFORM_MAX_GICR;
    }
    for (uint32_t i = 0; i < regions; i++) {
        struct phys_range *r = &g->redist[g->redist_count];
        if (!dt_reg(c->fdt, c->gic_node, (int)i + 1, &r->base, &r->size)) {
            gic_problem(c, ": a redistributor reg entry is missing or not translatable");
            break;
        }
        g->redist_count++;
    }
    /* the binding makes it a 64-bit value; accept one cell too */
    int len;
    const void *v = fdt_getprop(c->fdt, c->gic_node, "redistributor-stride", &len);
    if (v && (len == 4 || len == 8))
        dt_read_cells(v, len / 4, &g->redist_stride);
    g->version = GIC_V3;
}

static void read_v2(struct dt_ctx *c)
{
    struct platform_gic *g = &c->p->gic;

    if (!dt_reg(c->fdt, c->gic_node, 0, &g->dist_base, &g->dist_size) ||
        !dt_reg(c->fdt, c->gic_node, 1, &g->cpuif_base, &g->cpuif_size)) {
        gic_problem(c, ": GICD/GICC reg is missing or not translatable");
        return;
    }
    g->version = GIC_V2;
}

void dt_read_gic(struct dt_ctx *c)
{
    c->gic_node = dt_find_compatible(c->fdt, gic_v3_compats);
    if (c->gic_node >= 0) {
        read_v3(c);
        return;
    }
    c->gic_node = dt_find_compatible(c->fdt, gic_v2_compats);
    if (c->gic_node >= 0) {
        read_v2(c);
        return;
    }
    dt_error(c->p, "no interrupt controller node (arm,gic-v3 / arm,gic-400)");
}

/* The node's interrupt parent: its own or the nearest ancestor's `interrupt-parent`. */
static int interrupt_parent(const void *fdt, int node)
{
    for (int depth = 0; depth < DT_MAX_DEPTH && node >= 0; depth++) {
        uint32_t phandle;
        if (dt_get_u32(fdt, node, "interrupt-parent", &phandle))
            return fdt_node_offset_by_phandle(fdt, phandle);
        if (node == 0)
            break;
        node = fdt_parent_offset(fdt, node);
    }
    return -1;
}

/* Entry `index` of `interrupts` as a GIC INTID. False (and *out untouched) when
 * the node's interrupts go to something other than our GIC, or are unreadable. */
bool dt_gic_irq(const struct dt_ctx *c, int node, int index, struct platform_irq *out)
{
    uint32_t cells;
    int len;

    if (c->gic_node < 0 || index < 0 || interrupt_parent(c->fdt, node) != c->gic_node)
        return false;
    if (!dt_get_u32(c->fdt, c->gic_node, "#interrupt-cells", &cells) || cells < 3 || cells > 4)
        return false; /* GIC bindings: type, number, flags (+ PPI partition on v3) */
    const uint8_t *v = fdt_getprop(c->fdt, node, "interrupts", &len);
    size_t entry = (size_t)cells * 4;
    if (!v || len < 0 || (size_t)index >= (size_t)len / entry)
        return false;
    v += entry * (size_t)index;

    uint32_t type = fdt32_ld((const fdt32_t *)v), num = fdt32_ld((const fdt32_t *)(v + 4));
    if (type == 0 && num < 988) /* SPI: INTIDs 32..1019 */
        out->intid = 32 + num;
    else if (type == 1 && num < 16) /* PPI: INTIDs 16..31 */
        out->intid = 16 + num;
    else
        return false;
    out->flags = fdt32_ld((const fdt32_t *)(v + 8));
    return true;
}
