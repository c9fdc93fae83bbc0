/* platform_from_dt: check the blob, then let each reader fill its part of
 * struct platform. Damage is reported in errors[] and reading goes on with
 * whatever libfdt's bounds-checked accessors can still reach. */
#include <string.h>

#include "dt_internal.h"

static void header_problem(struct platform *p, const char *what, int err, const char *tail)
{
    struct dt_msg m;
    dt_msg_begin(&m);
    dt_msg_str(&m, what);
    dt_msg_str(&m, " (");
    dt_msg_fdt_err(&m, err);
    dt_msg_str(&m, ")");
    dt_msg_str(&m, tail);
    dt_report(p, &m);
}

static bool block_fits(uint32_t off, uint32_t size, size_t avail)
{
    return off <= avail && size <= avail - off;
}

/* How many bytes libfdt may touch, or 0 if the blob cannot be read at all.
 * libfdt bounds its reads by the header's block sizes (within totalsize), so
 * with a blob cut short the blocks themselves must end inside what we have. */
static size_t usable_bytes(struct platform *p, const void *fdt, size_t limit)
{
    size_t total = fdt_totalsize(fdt);

    if (total <= limit)
        return total;
    struct dt_msg m;
    dt_msg_begin(&m);
    dt_msg_str(&m, "blob is truncated: totalsize ");
    dt_msg_dec(&m, total);
    dt_msg_str(&m, " but only ");
    dt_msg_dec(&m, limit);
    dt_msg_str(&m, " bytes are there");
    dt_report(p, &m);
    if (fdt_version(fdt) < 17 || !block_fits(fdt_off_dt_struct(fdt), fdt_size_dt_struct(fdt), limit) ||
        !block_fits(fdt_off_dt_strings(fdt), fdt_size_dt_strings(fdt), limit)) {
        dt_error(p, "structure or strings block is cut off; nothing is readable");
        return 0;
    }
    return limit;
}

/* libfdt 1.6.1's fdt_next_tag gives a property of length -12 itself as the
 * next tag, and every walk through it then spins forever. Walk the tag chain
 * once, bounded by the bytes there are, and refuse a blob where it stalls. */
static bool tag_chain_advances(const void *fdt, size_t avail)
{
    int offset = 0, next;

    for (size_t steps = 0; steps <= avail / 4 + 1; steps++) { /* each tag is >= 4 bytes */
        if (fdt_next_tag(fdt, offset, &next) == FDT_END)
            return true; /* the end, or damage libfdt itself stops at */
        if (next <= offset)
            return false;
        offset = next;
    }
    return false;
}

int platform_from_dt(struct platform *p, const void *fdt, size_t blob_limit, uint64_t boot_mpidr,
                     struct phys_range image)
{
    struct dt_ctx c = {.fdt = fdt, .p = p, .gic_node = -1};

    memset(p, 0, sizeof(*p));
    if (!fdt || blob_limit < sizeof(struct fdt_header)) {
        dt_error(p, "blob is missing or shorter than a header");
        return PLATFORM_EBADDTB;
    }
    if ((uintptr_t)fdt & 7) {
        dt_error(p, "blob is not 8-byte aligned; libfdt refuses it");
        return PLATFORM_EBADDTB;
    }
    int err = fdt_check_header(fdt);
    if (err < 0) {
        header_problem(p, "header check failed", err, "; not a device tree");
        return PLATFORM_EBADDTB;
    }
    /* Before 16 node names were full paths and libfdt 1.6.1's checks crash on
     * some such blobs; no firmware or dtc of this century writes them. */
    if (fdt_version(fdt) < 16) {
        struct dt_msg m;
        dt_msg_begin(&m);
        dt_msg_str(&m, "version ");
        dt_msg_dec(&m, fdt_version(fdt));
        dt_msg_str(&m, " is older than 16; not supported");
        dt_report(p, &m);
        return PLATFORM_EBADDTB;
    }
    c.avail = usable_bytes(p, fdt, blob_limit);
    if (c.avail == 0)
        return PLATFORM_EBADDTB;
    if (!tag_chain_advances(fdt, c.avail)) {
        dt_error(p, "structure block loops on itself (bad property length); nothing is readable");
        return PLATFORM_EBADDTB;
    }
    if (c.avail == fdt_totalsize(fdt) && (err = fdt_check_full(fdt, c.avail)) < 0)
        header_problem(p, "structure block is damaged", err, "; reading what is readable");
    p->dtb_base = (uintptr_t)fdt;
    p->dtb_size = c.avail;

    dt_read_chosen(&c);
    dt_read_memory(&c, image);
    dt_read_cpus(&c, boot_mpidr);
    dt_read_psci(&c);
    dt_read_gic(&c);
    dt_read_timer(&c);
    dt_read_console(&c);
    dt_read_virtio(&c);
    dt_read_pm_watchdog(&c);

    for (uint32_t i = 0; i < p->cpu_count; i++)
        if (p->cpus[i].method == CPU_ENABLE_PSCI && !p->psci_present) {
            dt_error(p, "no /psci node: secondary cores with enable-method psci cannot start");
            break;
        }
    return p->error_count ? PLATFORM_EPARTIAL : PLATFORM_OK;
}
