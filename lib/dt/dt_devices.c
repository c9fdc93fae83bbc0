/* Small single-node facts: /model, /chosen/bootargs, /psci, the arch timer. */
#include <string.h>

#include "dt_internal.h"

static const char *const psci_compats[] = {"arm,psci-1.0", "arm,psci-0.2", "arm,psci", NULL};
static const char *const timer_compats[] = {"arm,armv8-timer", "arm,armv7-timer", NULL};

void dt_read_chosen(struct dt_ctx *c)
{
    const void *fdt = c->fdt;
    struct platform *p = c->p;
    const char *s = dt_get_string(fdt, 0, "model");

    if (s)
        dt_copy_string(p->model, sizeof(p->model), s, sizeof(p->model));
    int chosen = fdt_path_offset(fdt, "/chosen");
    s = chosen >= 0 ? dt_get_string(fdt, chosen, "bootargs") : NULL;
    if (s)
        dt_copy_string(p->bootargs, sizeof(p->bootargs), s, sizeof(p->bootargs));
}

void dt_read_psci(struct dt_ctx *c)
{
    const void *fdt = c->fdt;
    struct platform *p = c->p;
    int node = fdt_path_offset(fdt, "/psci");

    if (node < 0 || !dt_is_okay(fdt, node))
        node = dt_find_compatible(fdt, psci_compats);
    if (node < 0)
        return; /* fine unless a cpu asks for psci: platform_from_dt checks */
    p->psci_present = true;
    const char *compat = dt_get_string(fdt, node, "compatible");
    if (compat)
        dt_copy_string(p->psci_compatible, sizeof(p->psci_compatible), compat, sizeof(p->psci_compatible));

    const char *method = dt_get_string(fdt, node, "method");
    if (method && strcmp(method, "hvc") == 0) {
        p->psci_conduit = PSCI_CONDUIT_HVC;
    } else if (method && strcmp(method, "smc") == 0) {
        p->psci_conduit = PSCI_CONDUIT_SMC;
    } else {
        struct dt_msg m;
        dt_msg_begin(&m);
        dt_msg_str(&m, "/psci method is ");
        dt_msg_str(&m, method ? method : "missing");
        dt_msg_str(&m, ", not \"hvc\" or \"smc\"");
        dt_report(p, &m);
    }
}

void dt_read_timer(struct dt_ctx *c)
{
    struct platform_timer *t = &c->p->timer;
    int node = dt_find_compatible(c->fdt, timer_compats);

    if (node < 0) {
        dt_error(c->p, "no timer node (arm,armv8-timer)");
        return;
    }
    t->present = true;
    struct platform_irq *irqs[] = {&t->sec_phys, &t->phys, &t->virt, &t->hyp};
    bool ok = true;
    for (int i = 0; i < 4; i++)
        if (!dt_gic_irq(c, node, i, irqs[i]) && i < 3) /* hyp is absent on some trees */
            ok = false;
    if (!ok && c->gic_node >= 0)
        dt_error(c->p, "timer interrupts are missing or not GIC PPIs");
    dt_get_u32(c->fdt, node, "clock-frequency", &t->dt_frequency);
}
