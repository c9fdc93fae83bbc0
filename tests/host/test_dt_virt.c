/* platform_from_dt over QEMU virt's own device trees (dumped by QEMU 10 with
 * -M virt,...,dumpdtb=): the values a boot on virt depends on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static struct platform p;
static const struct phys_range virt_image = {0x40200000, 0x100000}; /* where -kernel loads */

static bool virt_gicv3_four_psci_cpus(void)
{
    int rc;
    void *blob = test_parse("virt-gicv3", &p, 0x80000000, virt_image, &rc);
    CHECK(blob);
    blob_free(blob);
    CHECK_EQ(rc, PLATFORM_OK);
    CHECK_STR(p.model, "linux,dummy-virt");
    CHECK_EQ(p.cpu_count, 4);
    for (uint32_t i = 0; i < 4; i++) {
        CHECK_EQ(p.cpus[i].mpidr, i);
        CHECK_EQ(p.cpus[i].method, CPU_ENABLE_PSCI);
        CHECK_STR(p.cpus[i].method_name, "psci");
        CHECK_EQ(p.cpus[i].release_addr, 0);
        CHECK_EQ(p.cpus[i].cluster, 0);
    }
    CHECK_EQ(p.boot_cpu_index, 0);
    CHECK(p.psci_present);
    CHECK_EQ(p.psci_conduit, PSCI_CONDUIT_HVC);
    CHECK_STR(p.psci_compatible, "arm,psci-1.0");
    return true;
}

static bool virt_gicv3_distributor_and_redistributor(void)
{
    int rc;
    void *blob = test_parse("virt-gicv3", &p, 0, virt_image, &rc);
    CHECK(blob);
    blob_free(blob);
    CHECK_EQ(p.gic.version, GIC_V3);
    CHECK_EQ(p.gic.dist_base, 0x8000000);
    CHECK_EQ(p.gic.dist_size, 0x10000);
    CHECK_EQ(p.gic.redist_count, 1);
    CHECK_EQ(p.gic.redist[0].base, 0x80a0000);
    CHECK_EQ(p.gic.redist[0].size, 0xf60000);
    CHECK_EQ(p.gic.redist_stride, 0);
    CHECK_EQ(p.gic.cpuif_base, 0);
    return true;
}

static bool virt_timer_ppis(void)
{
    int rc;
    void *blob = test_parse("virt-gicv3", &p, 0, virt_image, &rc);
    CHECK(blob);
    blob_free(blob);
    CHECK(p.timer.present);
    CHECK_EQ(p.timer.sec_phys.intid, 29);
    CHECK_EQ(p.timer.phys.intid, 30);
    CHECK_EQ(p.timer.virt.intid, 27);
    CHECK_EQ(p.timer.hyp.intid, 26);
    CHECK_EQ(p.timer.virt.flags, 4);
    CHECK_EQ(p.timer.dt_frequency, 0);
    return true;
}

/* QEMU virt: 32 virtio-mmio transports of 0x200 bytes from 0xa000000, on
 * SPIs 16..47; the reader keeps them all (the driver probes each). */
static bool virt_virtio_mmio_transports(void)
{
    int rc;
    void *blob = test_parse("virt-gicv3", &p, 0, virt_image, &rc);
    CHECK(blob);
    blob_free(blob);
    CHECK_EQ(p.virtio_count, 32);
    uint64_t seen = 0;
    for (uint32_t i = 0; i < p.virtio_count; i++) {
        uint64_t slot = (p.virtio[i].base - 0xa000000) / 0x200;
        CHECK_EQ(p.virtio[i].size, 0x200);
        CHECK_EQ((p.virtio[i].base - 0xa000000) % 0x200, 0);
        CHECK(slot < 32);
        CHECK_EQ(p.virtio[i].irq.intid, 32 + 16 + slot);
        seen |= 1ull << slot;
    }
    CHECK_EQ(seen, 0xffffffffull);
    return true;
}

static bool virt_console_is_pl011_spi1(void)
{
    int rc;
    void *blob = test_parse("virt-gicv3", &p, 0, virt_image, &rc);
    CHECK(blob);
    blob_free(blob);
    CHECK_EQ(p.console.kind, CONSOLE_PL011);
    CHECK_EQ(p.console.base, 0x9000000);
    CHECK_EQ(p.console.size, 0x1000);
    CHECK_EQ(p.console.irq.intid, 33);
    CHECK_EQ(p.console.irq.flags, 4);
    CHECK_EQ(p.console.clock_hz, 24000000);
    CHECK_STR(p.console.path, "/pl011@9000000");
    CHECK_STR(p.bootargs, "");
    CHECK(!p.pm_watchdog.present); /* virt powers off by PSCI only */
    return true;
}

/* The DTB sits at the start of RAM as QEMU puts it, the image at 0x40200000. */
static bool virt_usable_memory_excludes_image_and_dtb(void)
{
    size_t len;
    void *data = test_load_dtb("virt-gicv3", &len);
    CHECK(data);
    void *blob = blob_at(0x40000000, data, len);
    free(data);
    if (!blob)
        return test_fail(__LINE__, "host address 0x40000000 is taken; cannot place the DTB");
    int rc = platform_from_dt(&p, blob, len, 0, virt_image);
    blob_free(blob);
    CHECK(platform_sane(&p, rc));
    CHECK_EQ(rc, PLATFORM_OK);
    CHECK_EQ(p.mem_bank_count, 1);
    CHECK_EQ(p.mem_banks[0].base, 0x40000000);
    CHECK_EQ(p.mem_banks[0].size, 0x20000000);
    CHECK_EQ(p.dtb_base, 0x40000000);
    CHECK_EQ(p.dtb_size, 0x100000); /* QEMU pads its blob to 1 MiB */
    CHECK_EQ(p.reserved_count, 2);
    CHECK_EQ(p.usable_count, 2);
    CHECK_EQ(p.usable[0].base, 0x40100000);
    CHECK_EQ(p.usable[0].size, 0x100000);
    CHECK_EQ(p.usable[1].base, 0x40300000);
    CHECK_EQ(p.usable[1].size, 0x1fd00000);
    return true;
}

static bool virt_gicv2_has_cpu_interface(void)
{
    int rc;
    void *blob = test_parse("virt-gicv2", &p, 1, virt_image, &rc);
    CHECK(blob);
    blob_free(blob);
    CHECK_EQ(rc, PLATFORM_OK);
    CHECK_EQ(p.cpu_count, 2);
    CHECK_EQ(p.boot_cpu_index, 1);
    CHECK_EQ(p.gic.version, GIC_V2);
    CHECK_EQ(p.gic.dist_base, 0x8000000);
    CHECK_EQ(p.gic.dist_size, 0x10000);
    CHECK_EQ(p.gic.cpuif_base, 0x8010000);
    CHECK_EQ(p.gic.cpuif_size, 0x10000);
    CHECK_EQ(p.gic.redist_count, 0);
    CHECK_EQ(p.timer.virt.intid, 27);
    CHECK_EQ(p.timer.virt.flags, 0x304); /* v2 trees carry a CPU mask in the flags */
    CHECK_EQ(p.console.irq.intid, 33);
    return true;
}

/* -smp 8,clusters=2,cores=4: clusters come from cpu-map (MPIDR Aff1 stays 0). */
static bool virt_clusters_from_cpu_map(void)
{
    int rc;
    void *blob = test_parse("virt-clusters", &p, 5, virt_image, &rc);
    CHECK(blob);
    blob_free(blob);
    CHECK_EQ(rc, PLATFORM_OK);
    CHECK_EQ(p.cpu_count, 8);
    for (uint32_t i = 0; i < 8; i++) {
        CHECK_EQ(p.cpus[i].mpidr, i);
        CHECK_EQ(p.cpus[i].cluster, i / 4);
    }
    CHECK_EQ(p.boot_cpu_index, 5);
    return true;
}

static bool virt_el2_uses_smc_and_2g(void)
{
    int rc;
    void *blob = test_parse("virt-el2", &p, 0, virt_image, &rc);
    CHECK(blob);
    blob_free(blob);
    CHECK_EQ(rc, PLATFORM_OK);
    CHECK_EQ(p.psci_conduit, PSCI_CONDUIT_SMC);
    CHECK_EQ(p.mem_banks[0].base, 0x40000000);
    CHECK_EQ(p.mem_banks[0].size, 0x80000000);
    CHECK_EQ(p.gic.version, GIC_V3);
    return true;
}

/* GICv3 virt packs 16 cpus per Aff1: cpu 16 is MPIDR 0x100. QEMU still puts
 * them all in one cpu-map cluster, which wins over Aff1. */
static bool virt_20cpu_aff1_and_boot_cpu(void)
{
    int rc;
    void *blob = test_parse("virt-20cpu", &p, 0x80000103, virt_image, &rc);
    CHECK(blob);
    blob_free(blob);
    CHECK_EQ(rc, PLATFORM_OK);
    CHECK_EQ(p.cpu_count, 20);
    CHECK_EQ(p.cpus[15].mpidr, 0xf);
    CHECK_EQ(p.cpus[16].mpidr, 0x100);
    CHECK_EQ(p.cpus[19].mpidr, 0x103);
    CHECK_EQ(p.cpus[19].cluster, 0);
    CHECK_EQ(p.boot_cpu_index, 19);
    return true;
}

static bool virt_unknown_boot_mpidr_is_reported(void)
{
    int rc;
    void *blob = test_parse("virt-gicv3", &p, 0x80000007, virt_image, &rc);
    CHECK(blob);
    blob_free(blob);
    CHECK_EQ(rc, PLATFORM_EPARTIAL);
    CHECK_EQ(p.boot_cpu_index, 0);
    CHECK(has_error(&p, "device tree: boot cpu MPIDR 0x7 is not in /cpus; assuming cpus[0]"));
    return true;
}

int main(int argc, char **argv)
{
    if (argc > 1)
        test_dtb_dir = argv[1];
    RUN(virt_gicv3_four_psci_cpus);
    RUN(virt_gicv3_distributor_and_redistributor);
    RUN(virt_timer_ppis);
    RUN(virt_console_is_pl011_spi1);
    RUN(virt_virtio_mmio_transports);
    RUN(virt_usable_memory_excludes_image_and_dtb);
    RUN(virt_gicv2_has_cpu_interface);
    RUN(virt_clusters_from_cpu_map);
    RUN(virt_el2_uses_smc_and_2g);
    RUN(virt_20cpu_aff1_and_boot_cpu);
    RUN(virt_unknown_boot_mpidr_is_reported);
    return test_summary();
}
