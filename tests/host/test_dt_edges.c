/* platform_from_dt over small hand-made trees, one edge each (tests/host/dts/). */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static struct platform p;
static const struct phys_range no_image = {0, 0};

static bool translate(const void *blob, const char *path, uint64_t bus, uint64_t *out)
{
    int node = fdt_path_offset(blob, path);
    return node >= 0 && dt_translate_address(blob, node, bus, out);
}

static bool nested_ranges_translate_through_every_level(void)
{
    int rc;
    uint64_t out = 0;
    void *blob = test_parse("nested-ranges", &p, 0, no_image, &rc);
    CHECK(blob);
    bool ok = true;
    if (!translate(blob, "/outer/middle/inner/dev@1,200", 0x100000200ULL, &out) || out != 0x800000200ULL)
        ok = test_fail(__LINE__, "inner dev -> 0x%llx", (unsigned long long)out);
    else if (!translate(blob, "/outer/dev@20000400", 0x20000400, &out) || out != 0x40000400)
        ok = test_fail(__LINE__, "outer dev -> 0x%llx", (unsigned long long)out);
    else if (translate(blob, "/outer/closed/dev@100", 0x100, &out))
        ok = test_fail(__LINE__, "a bus without ranges translated");
    else if (translate(blob, "/outer/middle/inner/dev@1,200", 0x100800000ULL, &out))
        ok = test_fail(__LINE__, "an address past the middle range's size translated");
    else if (!translate(blob, "/dev@0,3000", 0x3000, &out) || out != 0x3000)
        ok = test_fail(__LINE__, "root-level dev -> 0x%llx", (unsigned long long)out);
    blob_free(blob);
    return ok;
}

static bool two_cell_cpu_reg_and_gicv3_regions(void)
{
    int rc;
    void *blob = test_parse("cpus-2cell", &p, 0x100000100ULL, no_image, &rc);
    CHECK(blob);
    blob_free(blob);
    CHECK_EQ(rc, PLATFORM_OK);
    CHECK_EQ(p.cpu_count, 3); /* cpu@200 is disabled */
    CHECK_EQ(p.cpus[0].mpidr, 0);
    CHECK_EQ(p.cpus[1].mpidr, 0x100000100ULL);
    CHECK_EQ(p.cpus[1].cluster, 0x10001); /* Aff1 1 | Aff3 1 << 16 */
    CHECK_EQ(p.cpus[2].mpidr, 0x10300);
    CHECK_EQ(p.cpus[2].cluster, 0x103);
    CHECK_EQ(p.cpus[2].method, CPU_ENABLE_SPIN_TABLE);
    CHECK_EQ(p.cpus[2].release_addr, 0x8000fff8);
    CHECK_EQ(p.boot_cpu_index, 1);
    CHECK_EQ(p.psci_conduit, PSCI_CONDUIT_SMC);
    CHECK_STR(p.psci_compatible, "arm,psci-0.2");
    CHECK_EQ(p.gic.version, GIC_V3);
    CHECK_EQ(p.gic.redist_count, 2);
    CHECK_EQ(p.gic.redist[0].base, 0x2f100000);
    CHECK_EQ(p.gic.redist[1].base, 0x2f400000);
    CHECK_EQ(p.gic.redist[1].size, 0x200000);
    CHECK_EQ(p.gic.redist_stride, 0x40000);
    CHECK_EQ(p.timer.dt_frequency, 100000000);
    return true;
}

static bool stdout_path_full_path_with_options(void)
{
    int rc;
    void *blob = test_parse("cpus-2cell", &p, 0, no_image, &rc);
    CHECK(blob);
    blob_free(blob);
    CHECK_EQ(p.console.kind, CONSOLE_PL011);
    CHECK_STR(p.console.path, "/uart@9000000");
    CHECK_EQ(p.console.base, 0x9000000);
    CHECK_EQ(p.console.irq.intid, 37);
    CHECK_EQ(p.console.clock_hz, 48000000);
    return true;
}

static bool unknown_enable_method_and_missing_psci(void)
{
    int rc;
    void *blob = test_parse("unknown-method", &p, 0, no_image, &rc);
    CHECK(blob);
    blob_free(blob);
    CHECK_EQ(rc, PLATFORM_EPARTIAL);
    CHECK_EQ(p.cpu_count, 4);
    CHECK_EQ(p.cpus[2].method, CPU_ENABLE_UNKNOWN);
    CHECK_STR(p.cpus[2].method_name, "foo");
    CHECK_EQ(p.cpus[3].method, CPU_ENABLE_NONE);
    CHECK_STR(p.cpus[3].method_name, "");
    CHECK(!p.psci_present);
    CHECK(has_error(&p, "device tree: cpu@2 has unknown enable-method \"foo\""));
    CHECK(has_error(&p, "device tree: no /psci node: secondary cores with enable-method psci cannot start"));
    CHECK_EQ(p.error_count, 2);
    CHECK_EQ(p.gic.version, GIC_V2); /* arm,cortex-a15-gic */
    CHECK_EQ(p.gic.cpuif_base, 0x3000);
    CHECK_EQ(p.timer.phys.intid, 30); /* arm,armv7-timer */
    CHECK_EQ(p.console.kind, CONSOLE_PL011);
    CHECK_EQ(p.console.irq.intid, 0); /* wired to a controller that is not the GIC */
    return true;
}

static bool missing_gic_and_dangling_stdout_alias(void)
{
    int rc;
    void *blob = test_parse("no-gic", &p, 0, no_image, &rc);
    CHECK(blob);
    blob_free(blob);
    CHECK_EQ(rc, PLATFORM_EPARTIAL);
    CHECK_EQ(p.gic.version, GIC_NONE);
    CHECK(has_error(&p, "device tree: no interrupt controller node (arm,gic-v3 / arm,gic-400)"));
    CHECK(has_error(&p, "device tree: /chosen/stdout-path \"serial9\" names no node"));
    /* The console falls back to the only UART there is, and says so. */
    CHECK(has_error(&p, "device tree: console: using /uart@1000, the first UART we drive"));
    CHECK_EQ(p.error_count, 3);
    CHECK_EQ(p.console.kind, CONSOLE_PL011);
    CHECK_EQ(p.console.base, 0x1000);
    CHECK(p.timer.present);
    CHECK_EQ(p.timer.virt.intid, 0);
    CHECK(p.psci_present);
    return true;
}

static bool cpu_map_clusters_win_over_aff1(void)
{
    static const uint32_t want[] = {0, 0, 1, 2, 2, 0x205};
    int rc;
    void *blob = test_parse("cpu-map", &p, 0, no_image, &rc);
    CHECK(blob);
    blob_free(blob);
    CHECK_EQ(p.cpu_count, 6);
    for (int i = 0; i < 6; i++)
        CHECK_EQ(p.cpus[i].cluster, want[i]);
    return true;
}

static bool seventy_cpus_keep_64_and_report(void)
{
    int rc;
    void *blob = test_parse("many-cpus", &p, 0x303, no_image, &rc);
    CHECK(blob);
    blob_free(blob);
    CHECK_EQ(rc, PLATFORM_EPARTIAL);
    CHECK_EQ(p.cpu_count, PLATFORM_MAX_CPUS);
    CHECK_EQ(p.cpus[63].mpidr, 0x30f);
    CHECK_EQ(p.boot_cpu_index, 51);
    CHECK(has_error(&p, "device tree: 70 cpus in /cpus; only the first 64 are used"));
    return true;
}

static bool zero_size_memory_node_gives_no_ram(void)
{
    int rc;
    void *blob = test_parse("zero-memory", &p, 0, no_image, &rc);
    CHECK(blob);
    blob_free(blob);
    CHECK_EQ(rc, PLATFORM_EPARTIAL);
    CHECK_EQ(p.mem_bank_count, 0);
    CHECK_EQ(p.usable_count, 0);
    CHECK(has_error(&p, "device tree: /memory has no non-empty reg entry (firmware did not fill it in?)"));
    CHECK_EQ(p.cpu_count, 1);
    return true;
}

static bool cpu_enable_method_names(void)
{
    CHECK_STR(cpu_enable_method_name(CPU_ENABLE_NONE), "none");
    CHECK_STR(cpu_enable_method_name(CPU_ENABLE_PSCI), "psci");
    CHECK_STR(cpu_enable_method_name(CPU_ENABLE_SPIN_TABLE), "spin-table");
    CHECK_STR(cpu_enable_method_name(CPU_ENABLE_UNKNOWN), "unknown");
    CHECK_STR(cpu_enable_method_name((enum cpu_enable_method)42), "invalid");
    return true;
}

int main(int argc, char **argv)
{
    if (argc > 1)
        test_dtb_dir = argv[1];
    RUN(nested_ranges_translate_through_every_level);
    RUN(two_cell_cpu_reg_and_gicv3_regions);
    RUN(stdout_path_full_path_with_options);
    RUN(unknown_enable_method_and_missing_psci);
    RUN(missing_gic_and_dangling_stdout_alias);
    RUN(cpu_map_clusters_win_over_aff1);
    RUN(seventy_cpus_keep_64_and_report);
    RUN(zero_size_memory_node_gives_no_ram);
    RUN(cpu_enable_method_names);
    return test_summary();
}
