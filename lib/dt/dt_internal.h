/* Shared by the lib/dt readers; not part of the platform interface.
 * Every helper here takes untrusted blob data: lengths are checked against the
 * cells read, strings against their property length. */
#ifndef ARMADA_DT_INTERNAL_H
#define ARMADA_DT_INTERNAL_H

#include <libfdt.h>

#include "platform.h"

/* Deeper than any real tree (Linux trees stay under 10); bounds every walk up
 * or down so a damaged blob cannot make us loop or recurse without end. */
#define DT_MAX_DEPTH 32

/* Granule the runtime maps and allocates in: usable RAM is trimmed to it. */
#define DT_PAGE_SIZE 4096u

struct dt_ctx {
    const void *fdt;
    size_t avail; /* bytes that may be read: min(totalsize, limit) */
    struct platform *p;
    int gic_node;                    /* interrupt controller offset, -1 if none */
    int cpu_node[PLATFORM_MAX_CPUS]; /* node offset of each p->cpus[i], for cpu-map */
};

/* dt_prop.c: bounds-checked property readers */
bool dt_read_cells(const void *val, int cells, uint64_t *out);
int dt_addr_cells(const void *fdt, int node);
int dt_size_cells(const void *fdt, int node);
bool dt_get_u32(const void *fdt, int node, const char *name, uint32_t *out);
const char *dt_get_string(const void *fdt, int node, const char *name);
const char *dt_get_string_namelen(const void *fdt, int node, const char *name, int namelen);
bool dt_is_okay(const void *fdt, int node);
bool dt_is_compatible(const void *fdt, int node, const char *compat);
int dt_find_compatible(const void *fdt, const char *const *compats);
bool dt_reg_raw(const void *fdt, int node, int index, uint64_t *addr, uint64_t *size);
bool dt_reg(const void *fdt, int node, int index, uint64_t *addr, uint64_t *size);
void dt_copy_string(char *dst, size_t dst_size, const char *src, size_t src_len);
void dt_node_path(const void *fdt, int node, char *buf, size_t size);

/* dt_msg.c: error sentences without stdio */
struct dt_msg {
    char text[sizeof(((struct platform *)0)->errors[0])];
    size_t len;
};
void dt_msg_begin(struct dt_msg *m);
void dt_msg_str(struct dt_msg *m, const char *s);
void dt_msg_strn(struct dt_msg *m, const char *s, size_t n);
void dt_msg_node(struct dt_msg *m, const void *fdt, int node);
void dt_msg_hex(struct dt_msg *m, uint64_t v);
void dt_msg_dec(struct dt_msg *m, uint64_t v);
void dt_msg_fdt_err(struct dt_msg *m, int err);
void dt_report(struct platform *p, const struct dt_msg *m);
void dt_error(struct platform *p, const char *sentence);

/* the readers, one per concern, called in this order by platform_from_dt */
void dt_read_chosen(struct dt_ctx *c);
void dt_read_memory(struct dt_ctx *c, struct phys_range image);
void dt_read_cpus(struct dt_ctx *c, uint64_t boot_mpidr);
void dt_read_cpu_map(struct dt_ctx *c);
void dt_read_psci(struct dt_ctx *c);
void dt_read_gic(struct dt_ctx *c);
void dt_read_timer(struct dt_ctx *c);
void dt_read_console(struct dt_ctx *c);
void dt_read_virtio(struct dt_ctx *c);
void dt_read_pm_watchdog(struct dt_ctx *c);

/* dt_gic.c: decode a node's `interrupts` entry against the GIC we found */
bool dt_gic_irq(const struct dt_ctx *c, int node, int index, struct platform_irq *out);

/* phys_ranges.c */
void phys_ranges_sort(struct phys_range *ranges, int count);
int phys_ranges_normalize(struct phys_range *ranges, int count);
int phys_ranges_page_align(struct phys_range *ranges, int count);

#endif
