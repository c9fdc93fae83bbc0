/* platform_from_dt over tests/host/dts/pi4-like.dts: bus addresses behind
 * /soc and /scb ranges, spin-table cpus, the mini UART through an alias, and
 * RAM carved by /memreserve/, /reserved-memory, the image and the DTB. */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static struct platform p;
static const struct phys_range pi_image = {0x80000, 0x200000}; /* the firmware's kernel address */

static bool pi4_spin_table_cpus(void)
{
    static const uint64_t release[] = {0xd8, 0xe0, 0xe8, 0xf0};
    int rc;
    void *blob = test_parse("pi4-like", &p, 0x80000000, pi_image, &rc);
    CHECK(blob);
    blob_free(blob);
    CHECK_EQ(rc, PLATFORM_OK);
    CHECK_EQ(p.cpu_count, 4);
    for (uint32_t i = 0; i < 4; i++) {
        CHECK_EQ(p.cpus[i].mpidr, i);
        CHECK_EQ(p.cpus[i].method, CPU_ENABLE_SPIN_TABLE);
        CHECK_STR(p.cpus[i].method_name, "spin-table");
        CHECK_EQ(p.cpus[i].release_addr, release[i]);
        CHECK_EQ(p.cpus[i].cluster, 0);
    }
    CHECK(!p.psci_present);
    CHECK_EQ(p.psci_conduit, PSCI_CONDUIT_NONE);
    return true;
}

static bool pi4_gic400_behind_soc_ranges(void)
{
    int rc;
    void *blob = test_parse("pi4-like", &p, 0, pi_image, &rc);
    CHECK(blob);
    blob_free(blob);
    CHECK_EQ(p.gic.version, GIC_V2);
    CHECK_EQ(p.gic.dist_base, 0xff841000);
    CHECK_EQ(p.gic.dist_size, 0x1000);
    CHECK_EQ(p.gic.cpuif_base, 0xff842000);
    CHECK_EQ(p.gic.cpuif_size, 0x2000);
    CHECK_EQ(p.timer.phys.intid, 30);
    CHECK_EQ(p.timer.virt.intid, 27);
    CHECK_EQ(p.timer.virt.flags, 0xf08);
    return true;
}

static bool pi4_console_is_mini_uart_via_alias(void)
{
    int rc;
    void *blob = test_parse("pi4-like", &p, 0, pi_image, &rc);
    CHECK(blob);
    blob_free(blob);
    CHECK_EQ(p.console.kind, CONSOLE_BCM2835_AUX);
    CHECK_EQ(p.console.base, 0xfe215040);
    CHECK_EQ(p.console.size, 0x40);
    CHECK_EQ(p.console.irq.intid, 32 + 93);
    CHECK_EQ(p.console.clock_hz, 0); /* clocks = <&aux 1>: not a fixed clock */
    CHECK_STR(p.console.path, "/soc/serial@7e215040");
    CHECK_STR(p.model, "Armada Pi4-like test tree");
    CHECK_STR(p.bootargs, "console=ttyS0,115200 armada.test=1");
    return true;
}

/* Linux's binding: three reg entries, the PM registers first, behind /soc ranges. */
static bool pi4_pm_watchdog_for_power_off(void)
{
    int rc;
    void *blob = test_parse("pi4-like", &p, 0, pi_image, &rc);
    CHECK(blob);
    blob_free(blob);
    CHECK_EQ(rc, PLATFORM_OK);
    CHECK(p.pm_watchdog.present);
    CHECK_EQ(p.pm_watchdog.base, 0xfe100000);
    CHECK_EQ(p.pm_watchdog.size, 0x114);
    CHECK_STR(p.pm_watchdog.path, "/soc/watchdog@7e100000");
    return true;
}

/* DTB placed at 0x2000000; its 0x1000.. bytes round out to whole pages. */
static bool pi4_usable_memory_carved_exactly(void)
{
    size_t len;
    void *data = test_load_dtb("pi4-like", &len);
    CHECK(data);
    CHECK(len < 0x1000);
    void *blob = blob_at(0x2000000, data, len);
    free(data);
    if (!blob)
        return test_fail(__LINE__, "host address 0x2000000 is taken; cannot place the DTB");
    int rc = platform_from_dt(&p, blob, len, 0, pi_image);
    blob_free(blob);
    CHECK(platform_sane(&p, rc));
    CHECK_EQ(rc, PLATFORM_OK);
    CHECK_EQ(p.mem_bank_count, 2);
    CHECK_EQ(p.mem_banks[0].base, 0);
    CHECK_EQ(p.mem_banks[0].size, 0x3b400000);
    CHECK_EQ(p.mem_banks[1].base, 0x40000000);
    CHECK_EQ(p.mem_banks[1].size, 0xbc000000);
    CHECK_EQ(p.reserved_count, 4); /* memreserve, nvram (cma has no reg), image, DTB */
    CHECK_EQ(p.reserved[0].base, 0);
    CHECK_EQ(p.reserved[0].size, 0x1000);
    CHECK_EQ(p.reserved[1].base, 0x3b000000);
    CHECK_EQ(p.reserved[1].size, 0x10000);
    static const struct phys_range want[] = {
        {0x1000, 0x7f000},      {0x280000, 0x1d80000},    {0x2001000, 0x38fff000},
        {0x3b010000, 0x3f0000}, {0x40000000, 0xbc000000},
    };
    CHECK_EQ(p.usable_count, 5);
    for (int i = 0; i < 5; i++) {
        CHECK_EQ(p.usable[i].base, want[i].base);
        CHECK_EQ(p.usable[i].size, want[i].size);
    }
    return true;
}

static int node_by_path(const void *blob, const char *path)
{
    return fdt_path_offset(blob, path);
}

static bool pi4_translate_nested_buses(void)
{
    int rc;
    uint64_t out = 0;
    void *blob = test_parse("pi4-like", &p, 0, pi_image, &rc);
    CHECK(blob);
    bool ok = true;
    int aux = node_by_path(blob, "/soc/aux@7e215000");
    int mmc = node_by_path(blob, "/scb/emmc2bus/mmc@7e340000");
    if (aux < 0 || mmc < 0)
        ok = test_fail(__LINE__, "test tree lacks its nodes");
    else if (!dt_translate_address(blob, aux, 0x7e215000, &out) || out != 0xfe215000)
        ok = test_fail(__LINE__, "aux -> 0x%llx", (unsigned long long)out);
    else if (!dt_translate_address(blob, mmc, 0x7e340000, &out) || out != 0xfe340000)
        ok = test_fail(__LINE__, "emmc2 -> 0x%llx", (unsigned long long)out);
    else if (dt_translate_address(blob, aux, 0x10000000, &out))
        ok = test_fail(__LINE__, "an address outside /soc ranges translated");
    else if (!dt_translate_address(blob, aux, 0x40041000, &out) || out != 0xff841000)
        ok = test_fail(__LINE__, "third /soc range -> 0x%llx", (unsigned long long)out);
    blob_free(blob);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc > 1)
        test_dtb_dir = argv[1];
    RUN(pi4_spin_table_cpus);
    RUN(pi4_gic400_behind_soc_ranges);
    RUN(pi4_console_is_mini_uart_via_alias);
    RUN(pi4_pm_watchdog_for_power_off);
    RUN(pi4_usable_memory_carved_exactly);
    RUN(pi4_translate_nested_buses);
    return test_summary();
}
