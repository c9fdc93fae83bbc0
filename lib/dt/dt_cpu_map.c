/* Cluster numbers from /cpus/cpu-map (socketN / clusterN [/ clusterN] / coreN
 * [/ threadN], leaves holding `cpu = <&phandle>`): each cluster that holds
 * cores gets the next number, in tree order. Cpus it does not name keep the
 * MPIDR-derived number. Walked iteratively with a depth bound. */
#include <string.h>

#include "dt_internal.h"

static bool is_cluster(const void *fdt, int node)
{
    int len;
    const char *name = fdt_get_name(fdt, node, &len);
    return name && len >= 7 && strncmp(name, "cluster", 7) == 0;
}

static int cpu_index_by_phandle(const struct dt_ctx *c, uint32_t phandle)
{
    if (phandle == 0 || phandle == 0xffffffffu)
        return -1;
    for (uint32_t i = 0; i < c->p->cpu_count; i++)
        if (fdt_get_phandle(c->fdt, c->cpu_node[i]) == phandle)
            return (int)i;
    return -1;
}

void dt_read_cpu_map(struct dt_ctx *c)
{
    const void *fdt = c->fdt;
    int map = fdt_path_offset(fdt, "/cpus/cpu-map");
    /* for the node currently open at each depth: is it a cluster, and its number (-1: none yet) */
    bool cluster[DT_MAX_DEPTH + 1];
    int number[DT_MAX_DEPTH + 1];
    int next_number = 0, depth = 0;

    if (map < 0)
        return;
    for (int node = fdt_next_node(fdt, map, &depth); node >= 0 && depth > 0;
         node = fdt_next_node(fdt, node, &depth)) {
        if (depth > DT_MAX_DEPTH)
            continue;
        cluster[depth] = is_cluster(fdt, node);
        number[depth] = -1;

        uint32_t phandle;
        int idx;
        if (!dt_get_u32(fdt, node, "cpu", &phandle) || (idx = cpu_index_by_phandle(c, phandle)) < 0)
            continue;
        int k = depth - 1;
        while (k > 0 && !cluster[k])
            k--;
        if (k == 0)
            continue; /* a core outside any cluster: keep the MPIDR guess */
        if (number[k] < 0)
            number[k] = next_number++;
        c->p->cpus[idx].cluster = (uint32_t)number[k];
    }
}
