/*
 * GICv2 (the Pi 4's GIC-400, QEMU virt's default): a memory-mapped distributor
 * and CPU interface. A core is addressed by its CPU-interface number, which we
 * read from the banked GICD_ITARGETSR0 on that core rather than assume.
 *
 * Groups: with no Security Extensions (QEMU virt) or with secure access, we put
 * every interrupt in group 0 and enable group 0. Behind secure firmware (the Pi's
 * armstub, QEMU's direct kernel boot) IGROUPR is RAZ/WI to us, the firmware has
 * made everything group 1, and bit 0 of the non-secure GICD_CTLR/GICC_CTLR is the
 * group 1 enable. So one path: write group 0, set bit 0 of both CTLRs.
 */
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <gic/irq.h>
#include <lib/dt/platform.h>
#include <lib/fmt.h>
#include <lib/print.h>

#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_IGROUPR 0x080
#define GICD_ISENABLER 0x100
#define GICD_ICENABLER 0x180
#define GICD_ISPENDR 0x200
#define GICD_ICPENDR 0x280
#define GICD_ICACTIVER 0x380
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR 0x800
#define GICD_SGIR 0xf00
#define GICD_CTLR_ENABLE 1U /* EnableGrp0, or EnableGrp1 in the non-secure view */
#define GICD_TYPER_SECURITY_EXTN (1U << 10)
#define GICD_SGIR_TARGET_LIST (0U << 24)
#define GICD_SGIR_ALL_BUT_SELF (1U << 24)
#define GICD_SGIR_SELF (2U << 24)

#define GICC_CTLR 0x00
#define GICC_PMR 0x04
#define GICC_BPR 0x08
#define GICC_IAR 0x0c
#define GICC_EOIR 0x10
#define GICC_CTLR_ENABLE 1U  /* as GICD_CTLR_ENABLE */
#define GICC_IAR_INTID 0x3ff /* [12:10] is an SGI's source CPU: kept in raw */

#define PRIORITY_DEFAULT 0xa0

static uintptr_t dist, cpuif;
static uint32_t line_count; /* INTIDs the distributor implements */
static bool security_extn;
static uint32_t found_dist_ctlr, found_cpuif_ctlr; /* as the firmware left them (diag) */
/* Bit n: CPU interface n. Each core writes its own in init_cpu, before it is
 * marked online (a release); senders only address online cores. */
static uint8_t cpuif_mask[MAX_CPUS];

static inline uint32_t rd32(uintptr_t a)
{
    return READ_ONCE(*(uint32_t *)a);
}
static inline void wr32(uintptr_t a, uint32_t v)
{
    WRITE_ONCE(*(uint32_t *)a, v);
}
/* IPRIORITYR and ITARGETSR are byte-accessible: one byte per INTID, so two
 * cores setting up different interrupts never read-modify-write each other. */
static inline void wr8(uintptr_t a, uint8_t v)
{
    WRITE_ONCE(*(uint8_t *)a, v);
}

static int gicv2_init_global(const struct platform *p)
{
    dist = p->gic.dist_base;
    cpuif = p->gic.cpuif_base;
    if (!dist || !cpuif) {
        kprintf("gicv2: the device tree gives no GICD/GICC address\n");
        return -1;
    }
    uint32_t typer = rd32(dist + GICD_TYPER);
    line_count = ((typer & 0x1f) + 1) * 32;
    if (line_count > INTID_SPURIOUS_MIN)
        line_count = INTID_SPURIOUS_MIN;
    security_extn = typer & GICD_TYPER_SECURITY_EXTN;
    found_dist_ctlr = rd32(dist + GICD_CTLR);
    found_cpuif_ctlr = rd32(cpuif + GICC_CTLR);

    wr32(dist + GICD_CTLR, 0);
    for (uint32_t i = 32; i < line_count; i += 32) {
        wr32(dist + GICD_ICENABLER + i / 8, ~0U);
        wr32(dist + GICD_ICPENDR + i / 8, ~0U);
        wr32(dist + GICD_ICACTIVER + i / 8, ~0U);
        wr32(dist + GICD_IGROUPR + i / 8, 0);
    }
    for (uint32_t i = 32; i < line_count; i += 4) {
        wr32(dist + GICD_IPRIORITYR + i, PRIORITY_DEFAULT * 0x01010101U);
        wr32(dist + GICD_ITARGETSR + i, 0); /* no target: enable() names one */
    }
    wr32(dist + GICD_CTLR, GICD_CTLR_ENABLE);
    return 0;
}

static int gicv2_init_cpu(uint32_t cpu)
{
    /* Banked: every byte of ITARGETSR0..7 reads as this core's own interface
     * bit. A uniprocessor GIC reads 0 there; it has interface 0. */
    uint8_t mask = (uint8_t)rd32(dist + GICD_ITARGETSR);
    if (!mask) {
        if (cpu != 0) {
            kprintf("gicv2: cpu%u: GICD_ITARGETSR0 reads 0: cannot address this core\n", cpu);
            return -1;
        }
        mask = 1;
    }
    cpuif_mask[cpu] = mask;

    wr32(dist + GICD_ICENABLER, ~0U); /* banked SGIs and PPIs */
    wr32(dist + GICD_ICPENDR, ~0U);
    wr32(dist + GICD_ICACTIVER, ~0U);
    wr32(dist + GICD_IGROUPR, 0);
    for (int i = 0; i < 32; i += 4)
        wr32(dist + GICD_IPRIORITYR + i, PRIORITY_DEFAULT * 0x01010101U);
    wr32(dist + GICD_ISENABLER, (1U << IPI_KIND_COUNT) - 1); /* our SGIs */

    wr32(cpuif + GICC_PMR, 0xff); /* every priority passes */
    wr32(cpuif + GICC_BPR, 0);
    wr32(cpuif + GICC_CTLR, GICC_CTLR_ENABLE);
    return 0;
}

static uint32_t gicv2_ack(uint32_t *raw)
{
    uint32_t iar = rd32(cpuif + GICC_IAR);
    dsb(sy); /* the acknowledge completes before we read device state for it */
    *raw = iar;
    return iar & GICC_IAR_INTID;
}

static void gicv2_eoi(uint32_t raw)
{
    /* The whole IAR value: for an SGI the source CPU picks which of the
     * per-source pending states this ends. */
    wr32(cpuif + GICC_EOIR, raw);
}

static void gicv2_enable(uint32_t intid, uint32_t target_cpu)
{
    uint32_t bit = 1U << (intid % 32);
    if (intid >= 32) {
        /* An SPI with an empty target list is never delivered. */
        wr8(dist + GICD_ITARGETSR + intid, cpuif_mask[target_cpu]);
        wr8(dist + GICD_IPRIORITYR + intid, PRIORITY_DEFAULT);
    }
    wr32(dist + GICD_ISENABLER + 4 * (intid / 32), bit); /* SGI/PPI: banked */
}

static void gicv2_disable(uint32_t intid)
{
    wr32(dist + GICD_ICENABLER + 4 * (intid / 32), 1U << (intid % 32));
}

static void gicv2_send_sgi(uint32_t sgi, uint32_t cpu)
{
    uint32_t v =
        cpu == this_cpu_id() ? GICD_SGIR_SELF : GICD_SGIR_TARGET_LIST | (uint32_t)cpuif_mask[cpu] << 16;
    dsb(ishst); /* our earlier stores (the work the IPI announces) before the SGI */
    wr32(dist + GICD_SGIR, v | sgi);
}

static void gicv2_send_sgi_others(uint32_t sgi)
{
    dsb(ishst); /* as above: published work before the interrupt */
    wr32(dist + GICD_SGIR, GICD_SGIR_ALL_BUT_SELF | sgi);
}

static void gicv2_set_pending(uint32_t spi)
{
    wr32(dist + GICD_ISPENDR + 4 * (spi / 32), 1U << (spi % 32));
}

static void gicv2_describe(void)
{
    kprintf("gic: GICv2, GICD %#lx, GICC %#lx, %u SPIs, %s, cpu0 is interface %u\n", (unsigned long)dist,
            (unsigned long)cpuif, line_count - 32,
            security_extn ? "security extensions" : "no security extensions",
            (unsigned)__builtin_ctz(cpuif_mask[0] | 0x100));
}

/* The diag screen: what the firmware left, what routes where now. */
static void gicv2_diag(void)
{
    kprintf("diag: gic: GICv2, %s; as found GICD_CTLR %#x GICC_CTLR %#x%s; now %#x %#x\n",
            security_extn ? "security extensions (we are non-secure: group 1)" : "no security extensions (group 0)",
            found_dist_ctlr, found_cpuif_ctlr,
            found_dist_ctlr & GICD_CTLR_ENABLE ? "" : " (distributor was off)", rd32(dist + GICD_CTLR),
            rd32(cpuif + GICC_CTLR));
    char line[PRINT_LINE_MAX];
    int n = 0;
    for (uint32_t cpu = 0; cpu < cpus_possible && n < (int)sizeof line; cpu++)
        n += fmt_snprintf(line + n, sizeof line - n, " cpu%u=%#x", cpu, cpuif_mask[cpu]);
    kprintf("diag: gic: GICD_IGROUPR0 %#x (%s), GICC_PMR %#x, interfaces:%s\n", rd32(dist + GICD_IGROUPR),
            security_extn ? "RAZ to us: secure firmware owns the groups" : "group 0: ours", rd32(cpuif + GICC_PMR),
            line);
    for (uint32_t intid = 32; intid < line_count; intid++)
        if (rd32(dist + GICD_ISENABLER + 4 * (intid / 32)) & 1U << (intid % 32))
            kprintf("diag: gic: SPI INTID %u enabled, ITARGETSR %#x\n", intid,
                    READ_ONCE(*(uint8_t *)(dist + GICD_ITARGETSR + intid)));
}

const struct irq_backend gicv2_backend = {
    .name = "GICv2",
    .init_global = gicv2_init_global,
    .init_cpu = gicv2_init_cpu,
    .ack = gicv2_ack,
    .eoi = gicv2_eoi,
    .enable = gicv2_enable,
    .disable = gicv2_disable,
    .send_sgi = gicv2_send_sgi,
    .send_sgi_others = gicv2_send_sgi_others,
    .set_pending = gicv2_set_pending,
    .describe = gicv2_describe,
    .diag = gicv2_diag,
};
