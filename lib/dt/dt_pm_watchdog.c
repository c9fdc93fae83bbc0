/* The Pi's power-management block, whose watchdog resets the board and, with
 * the "halt" partition, powers it off (drivers/bcm2835_pm.c). Absent on most
 * boards: not finding it is no error. */
#include "dt_internal.h"

/* Linux's Pi 4 tree: "brcm,bcm2711-pm", "brcm,bcm2835-pm-wdt"; older Pi trees
 * have "brcm,bcm2835-pm" or the watchdog alone. */
static const char *const pm_compats[] = {"brcm,bcm2835-pm-wdt", "brcm,bcm2835-pm", "brcm,bcm2711-pm", NULL};

void dt_read_pm_watchdog(struct dt_ctx *c)
{
    const void *fdt = c->fdt;
    struct platform_pm_watchdog *w = &c->p->pm_watchdog;
    int node = dt_find_compatible(fdt, pm_compats);

    if (node < 0)
        return;
    dt_node_path(fdt, node, w->path, sizeof(w->path));
    /* Every binding lists the PM registers first ("pm", then "asb", ...). */
    if (!dt_reg(fdt, node, 0, &w->base, &w->size) || w->size == 0) {
        struct dt_msg m;
        dt_msg_begin(&m);
        dt_msg_str(&m, "power-management watchdog ");
        dt_msg_node(&m, fdt, node);
        dt_msg_str(&m, " has no translatable reg; cannot power off through it");
        dt_report(c->p, &m);
        w->base = w->size = 0;
        return;
    }
    w->present = true;
}
