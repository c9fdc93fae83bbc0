/* /cpus: one entry per enabled cpu node, its MPIDR from `reg`, how to start it
 * (enable-method, cpu-release-addr), and a cluster number. */
#include <string.h>

#include "dt_internal.h"

/* MPIDR affinity fields; bits 31 (RES1), 30 (U) and 24 (MT) are not affinity. */
#include "mpidr.h"

const char *cpu_enable_method_name(enum cpu_enable_method m)
{
    switch (m) {
    case CPU_ENABLE_NONE:
        return "none";
    case CPU_ENABLE_PSCI:
        return "psci";
    case CPU_ENABLE_SPIN_TABLE:
        return "spin-table";
    case CPU_ENABLE_UNKNOWN:
        return "unknown";
    }
    return "invalid";
}

static void cpu_problem(struct dt_ctx *c, int node, const char *what, const char *quoted)
{
    struct dt_msg m;
    dt_msg_begin(&m);
    dt_msg_node(&m, c->fdt, node);
    dt_msg_str(&m, what);
    if (quoted) {
        dt_msg_str(&m, " \"");
        dt_msg_str(&m, quoted);
        dt_msg_str(&m, "\"");
    }
    dt_report(c->p, &m);
}

static void read_enable_method(struct dt_ctx *c, int node, struct platform_cpu *cpu)
{
    int len;
    const char *s = fdt_getprop(c->fdt, node, "enable-method", &len);

    if (!s)
        return; /* CPU_ENABLE_NONE: fine for the boot cpu, fatal only to start it */
    dt_copy_string(cpu->method_name, sizeof(cpu->method_name), s, len > 0 ? (size_t)len : 0);
    if (strcmp(cpu->method_name, "psci") == 0) {
        cpu->method = CPU_ENABLE_PSCI;
    } else if (strcmp(cpu->method_name, "spin-table") == 0) {
        cpu->method = CPU_ENABLE_SPIN_TABLE;
    } else {
        cpu->method = CPU_ENABLE_UNKNOWN;
        cpu_problem(c, node, " has unknown enable-method", cpu->method_name);
    }
}

/* Linux reads it as 64 bits; older trees give one cell. */
static void read_release_addr(struct dt_ctx *c, int node, struct platform_cpu *cpu)
{
    int len;
    const void *v = fdt_getprop(c->fdt, node, "cpu-release-addr", &len);

    if (!v)
        return;
    if (len == 4)
        cpu->release_addr = fdt32_ld(v);
    else if (len == 8)
        cpu->release_addr = fdt64_ld(v);
    else
        cpu_problem(c, node, " has a cpu-release-addr that is neither 1 nor 2 cells", NULL);
    if (cpu->method == CPU_ENABLE_SPIN_TABLE && cpu->release_addr == 0)
        cpu_problem(c, node, " uses spin-table without a cpu-release-addr", NULL);
}

static uint32_t cluster_from_mpidr(uint64_t mpidr)
{
    return (uint32_t)(((mpidr >> 8) & 0xff) | ((mpidr >> 16) & 0xff) << 8 | ((mpidr >> 32) & 0xff) << 16);
}

static bool is_cpu_node(const void *fdt, int node)
{
    const char *t = dt_get_string(fdt, node, "device_type");
    return t && strcmp(t, "cpu") == 0;
}

void dt_read_cpus(struct dt_ctx *c, uint64_t boot_mpidr)
{
    const void *fdt = c->fdt;
    struct platform *p = c->p;
    int cpus = fdt_path_offset(fdt, "/cpus");
    uint32_t seen = 0;
    int node;

    if (cpus < 0) {
        dt_error(p, "no /cpus node");
        return;
    }
    int ac = dt_addr_cells(fdt, cpus);
    if (ac != 1 && ac != 2) {
        dt_error(p, "/cpus has #address-cells other than 1 or 2");
        return;
    }
    fdt_for_each_subnode(node, fdt, cpus)
    {
        if (!is_cpu_node(fdt, node) || !dt_is_okay(fdt, node))
            continue;
        int len;
        const void *reg = fdt_getprop(fdt, node, "reg", &len);
        if (!reg || len < 4 * ac) {
            cpu_problem(c, node, " has no readable reg (MPIDR); skipped", NULL);
            continue;
        }
        if (seen++ >= PLATFORM_MAX_CPUS)
            continue;
        struct platform_cpu *cpu = &p->cpus[p->cpu_count];
        c->cpu_node[p->cpu_count++] = node;
        dt_read_cells(reg, ac, &cpu->mpidr);
        cpu->cluster = cluster_from_mpidr(cpu->mpidr);
        read_enable_method(c, node, cpu);
        read_release_addr(c, node, cpu);
    }
    if (seen > PLATFORM_MAX_CPUS) {
        struct dt_msg m;
        dt_msg_begin(&m);
        dt_msg_dec(&m, seen);
        dt_msg_str(&m, " cpus in /cpus; only the first ");
        dt_msg_dec(&m, PLATFORM_MAX_CPUS);
        dt_msg_str(&m, " are used");
        dt_report(p, &m);
    }
    if (p->cpu_count == 0) {
        dt_error(p, "no usable cpu node in /cpus");
        return;
    }

    dt_read_cpu_map(c);

    for (uint32_t i = 0; i < p->cpu_count; i++)
        if ((p->cpus[i].mpidr & MPIDR_AFF_MASK) == (boot_mpidr & MPIDR_AFF_MASK)) {
            p->boot_cpu_index = i;
            return;
        }
    struct dt_msg m;
    dt_msg_begin(&m);
    dt_msg_str(&m, "boot cpu MPIDR ");
    dt_msg_hex(&m, boot_mpidr & MPIDR_AFF_MASK);
    dt_msg_str(&m, " is not in /cpus; assuming cpus[0]");
    dt_report(p, &m);
}
