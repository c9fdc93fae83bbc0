/* The console UART named by /chosen/stdout-path: an alias ("serial1:115200n8")
 * or a full path ("/pl011@9000000:115200"), options after ':' ignored. A tree
 * whose stdout-path is missing or names nothing still gets a console: the first
 * enabled UART we drive, said in the boot log, so a damaged /chosen is reported
 * instead of leaving the machine silent. */
#include <string.h>

#include "dt_internal.h"

static void console_problem(struct dt_ctx *c, const char *pre, const char *s, size_t n, const char *post)
{
    struct dt_msg m;
    dt_msg_begin(&m);
    dt_msg_str(&m, pre);
    dt_msg_strn(&m, s, n);
    dt_msg_str(&m, post);
    dt_report(c->p, &m);
}

/* libfdt would resolve aliases itself, but then runs strlen() on the alias
 * value, which need not end inside the blob: resolve it here, checked. */
static int resolve_stdout_path(const void *fdt, const char *path, size_t n)
{
    if (n > 0 && path[0] == '/')
        return fdt_path_offset_namelen(fdt, path, (int)n);
    int aliases = fdt_path_offset(fdt, "/aliases");
    if (aliases < 0 || n == 0)
        return -1;
    const char *full = dt_get_string_namelen(fdt, aliases, path, (int)n);
    if (!full || full[0] != '/')
        return -1;
    return fdt_path_offset(fdt, full); /* NUL inside the property: checked above */
}

/* `clocks` first entry when it is a plain fixed-clock; else the node's own
 * clock-frequency; else unknown (0). */
static uint32_t uart_clock(const void *fdt, int node)
{
    uint32_t phandle, hz = 0, clock_cells;

    if (dt_get_u32(fdt, node, "clocks", &phandle)) {
        int clk = fdt_node_offset_by_phandle(fdt, phandle);
        if (clk >= 0 && dt_is_compatible(fdt, clk, "fixed-clock") &&
            dt_get_u32(fdt, clk, "#clock-cells", &clock_cells) && clock_cells == 0 &&
            dt_get_u32(fdt, clk, "clock-frequency", &hz))
            return hz;
        return 0;
    }
    dt_get_u32(fdt, node, "clock-frequency", &hz);
    return hz;
}

static const char *const driven_uarts[] = {"arm,pl011", "brcm,bcm2835-aux-uart"};

/* The first enabled UART we have a driver for, or -1. */
static int first_driven_uart(const void *fdt)
{
    for (size_t i = 0; i < sizeof driven_uarts / sizeof driven_uarts[0]; i++)
        for (int node = fdt_node_offset_by_compatible(fdt, -1, driven_uarts[i]); node >= 0;
             node = fdt_node_offset_by_compatible(fdt, node, driven_uarts[i]))
            if (dt_is_okay(fdt, node))
                return node;
    return -1;
}

/* stdout-path's node, or -1 after saying why there is none. */
static int stdout_node(struct dt_ctx *c)
{
    const void *fdt = c->fdt;
    int chosen = fdt_path_offset(fdt, "/chosen");
    const char *path = chosen >= 0 ? dt_get_string(fdt, chosen, "stdout-path") : NULL;

    if (!path && chosen >= 0)
        path = dt_get_string(fdt, chosen, "linux,stdout-path");
    if (!path) {
        dt_error(c->p, chosen < 0 ? "no /chosen node: no stdout-path" : "no /chosen/stdout-path");
        return -1;
    }
    const char *colon = strchr(path, ':');
    size_t n = colon ? (size_t)(colon - path) : strlen(path);
    int node = resolve_stdout_path(fdt, path, n);
    if (node < 0)
        console_problem(c, "/chosen/stdout-path \"", path, n, "\" names no node");
    return node;
}

void dt_read_console(struct dt_ctx *c)
{
    const void *fdt = c->fdt;
    struct platform_console *con = &c->p->console;
    int node = stdout_node(c);
    bool fallback = node < 0;

    if (fallback) {
        node = first_driven_uart(fdt);
        if (node < 0) {
            dt_error(c->p, "no UART we drive (arm,pl011 / brcm,bcm2835-aux-uart): no console");
            return;
        }
    }
    dt_node_path(fdt, node, con->path, sizeof(con->path));
    if (fallback)
        console_problem(c, "console: using ", con->path, sizeof(con->path), ", the first UART we drive");
    if (dt_is_compatible(fdt, node, "arm,pl011")) {
        con->kind = CONSOLE_PL011;
    } else if (dt_is_compatible(fdt, node, "brcm,bcm2835-aux-uart")) {
        con->kind = CONSOLE_BCM2835_AUX;
    } else {
        console_problem(c, "console ", con->path, sizeof(con->path),
                        " is not a known UART (arm,pl011 / brcm,bcm2835-aux-uart)");
        return;
    }
    if (!dt_reg(fdt, node, 0, &con->base, &con->size)) {
        console_problem(c, "console ", con->path, sizeof(con->path), " has no translatable reg");
        con->kind = CONSOLE_NONE;
        return;
    }
    dt_gic_irq(c, node, 0, &con->irq); /* intid stays 0 when not wired to the GIC */
    con->clock_hz = uart_clock(fdt, node);
}
