/*
 * GICv3: distributor with affinity routing, one redistributor per core found
 * by walking GICR_TYPER across every region the DT lists, ICC_* system registers.
 */
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <arch/sysreg.h>
#include <gic/irq.h>
#include <lib/dt/platform.h>
#include <lib/print.h>

#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IGROUPR 0x0080
#define GICD_ISENABLER 0x0100
#define GICD_ICENABLER 0x0180
#define GICD_ISPENDR 0x0200
#define GICD_ICPENDR 0x0280
#define GICD_IPRIORITYR 0x0400
#define GICD_ICFGR 0x0c00
#define GICD_IROUTER 0x6000
#define GICD_CTLR_RWP (1U << 31)
#define GICD_CTLR_ENABLE_G1 (1U << 1) /* EnableGrp1 (DS=1) or EnableGrp1A (NS view) */
#define GICD_CTLR_ARE (1U << 4)       /* ARE or ARE_NS: the same bit in both views */

#define GICR_WAKER 0x0014
#define GICR_TYPER 0x0008
#define GICR_WAKER_PROCESSOR_SLEEP (1U << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1U << 2)
#define GICR_TYPER_LAST (1UL << 4)
#define GICR_TYPER_VLPIS (1UL << 1)
#define GICR_FRAME 0x10000                /* RD_base then SGI_base */
#define GICR_SGI_IGROUPR0 (GICR_FRAME + 0x0080)
#define GICR_SGI_ISENABLER0 (GICR_FRAME + 0x0100)
#define GICR_SGI_ICENABLER0 (GICR_FRAME + 0x0180)
#define GICR_SGI_IPRIORITYR (GICR_FRAME + 0x0400)

#define PRIORITY_DEFAULT 0xa0
#define POLL_LIMIT 10000000

static uintptr_t dist;
static uintptr_t redist[MAX_CPUS];
static const struct platform *plat;
static uint32_t spi_count;
static uint32_t found_dist_ctlr; /* as the firmware left it (diag) */

static inline uint32_t rd32(uintptr_t a) { return READ_ONCE(*(uint32_t *)a); }
static inline uint64_t rd64(uintptr_t a) { return READ_ONCE(*(uint64_t *)a); }
static inline void wr32(uintptr_t a, uint32_t v) { WRITE_ONCE(*(uint32_t *)a, v); }
static inline void wr64(uintptr_t a, uint64_t v) { WRITE_ONCE(*(uint64_t *)a, v); }

static bool wait_clear(uintptr_t reg, uint32_t bits, const char *what)
{
    for (int i = 0; i < POLL_LIMIT; i++)
        if (!(rd32(reg) & bits))
            return true;
    kprintf("gicv3: timed out waiting for %s\n", what);
    return false;
}

static uint64_t affinity_route(uint64_t mpidr)
{
    return mpidr & MPIDR_AFF_MASK; /* GICD_IROUTER holds the affinity fields where MPIDR does */
}

/* Find the redistributor whose GICR_TYPER affinity is this MPIDR. */
static uintptr_t find_redistributor(uint64_t mpidr)
{
    /* GICR_TYPER[63:32] packs them as Aff3.Aff2.Aff1.Aff0. */
    uint64_t want = (mpidr & MPIDR_AFF0_2_MASK) | ((mpidr >> MPIDR_AFF3_SHIFT & MPIDR_AFF_FIELD_MASK) << 24);
    for (uint32_t r = 0; r < plat->gic.redist_count; r++) {
        uintptr_t frame = plat->gic.redist[r].base;
        uintptr_t end = frame + plat->gic.redist[r].size;
        while (frame < end) {
            uint64_t typer = rd64(frame + GICR_TYPER);
            if ((typer >> 32) == want)
                return frame;
            if (typer & GICR_TYPER_LAST)
                break;
            uint64_t stride = plat->gic.redist_stride;
            if (!stride)
                stride = (typer & GICR_TYPER_VLPIS) ? 0x40000 : 0x20000;
            frame += stride;
        }
    }
    return 0;
}

static int gicv3_init_global(const struct platform *p)
{
    plat = p;
    dist = p->gic.dist_base;
    found_dist_ctlr = rd32(dist + GICD_CTLR);
    wr32(dist + GICD_CTLR, 0);
    if (!wait_clear(dist + GICD_CTLR, GICD_CTLR_RWP, "GICD_CTLR.RWP"))
        return -1;
    spi_count = ((rd32(dist + GICD_TYPER) & 0x1f) + 1) * 32;
    if (spi_count > INTID_SPURIOUS_MIN)
        spi_count = INTID_SPURIOUS_MIN;
    for (uint32_t i = 32; i < spi_count; i += 32) {
        wr32(dist + GICD_ICENABLER + i / 8, ~0U);
        wr32(dist + GICD_ICPENDR + i / 8, ~0U);
        wr32(dist + GICD_IGROUPR + i / 8, ~0U); /* non-secure group 1 */
    }
    for (uint32_t i = 32; i < spi_count; i += 4)
        wr32(dist + GICD_IPRIORITYR + i, PRIORITY_DEFAULT * 0x01010101U);
    wr32(dist + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1);
    if (!wait_clear(dist + GICD_CTLR, GICD_CTLR_RWP, "GICD_CTLR.RWP"))
        return -1;
    return 0;
}

static int gicv3_init_cpu(uint32_t cpu)
{
    uint64_t mpidr = arch_this_cpu_mpidr();
    uintptr_t rd = find_redistributor(mpidr);
    if (!rd) {
        kprintf("gicv3: cpu%u (MPIDR %#lx): no redistributor in any DT region\n", cpu, mpidr);
        return -1;
    }
    redist[cpu] = rd;
    uint32_t waker = rd32(rd + GICR_WAKER);
    wr32(rd + GICR_WAKER, waker & ~GICR_WAKER_PROCESSOR_SLEEP);
    if (!wait_clear(rd + GICR_WAKER, GICR_WAKER_CHILDREN_ASLEEP, "GICR_WAKER.ChildrenAsleep"))
        return -1;
    wr32(rd + GICR_SGI_IGROUPR0, ~0U);          /* SGIs and PPIs: group 1 */
    for (int i = 0; i < 32; i += 4)
        wr32(rd + GICR_SGI_IPRIORITYR + i, PRIORITY_DEFAULT * 0x01010101U);
    wr32(rd + GICR_SGI_ICENABLER0, ~0U);
    wr32(rd + GICR_SGI_ISENABLER0, (1U << IPI_KIND_COUNT) - 1); /* our SGIs */

    write_sysreg(ICC_SRE_EL1, read_sysreg(ICC_SRE_EL1) | 1); /* system register interface */
    isb();                                                   /* SRE before ICC_* use */
    write_sysreg(ICC_PMR_EL1, 0xff);                         /* every priority passes */
    write_sysreg(ICC_BPR1_EL1, 0);
    write_sysreg(ICC_CTLR_EL1, 0);                           /* EOI drops and deactivates */
    write_sysreg(ICC_IGRPEN1_EL1, 1);
    isb();                                                   /* enabled before we unmask */
    return 0;
}

static uint32_t gicv3_ack(uint32_t *raw)
{
    uint32_t iar = (uint32_t)read_sysreg(ICC_IAR1_EL1);
    dsb(sy); /* the acknowledge completes before we read device state for it */
    *raw = iar;
    return iar & 0xffffff;
}

static void gicv3_eoi(uint32_t raw)
{
    write_sysreg(ICC_EOIR1_EL1, raw);
    isb(); /* EOI takes effect before we return (and maybe take the next one) */
}

static void gicv3_enable(uint32_t intid, uint32_t target_cpu)
{
    uint32_t bit = 1U << (intid % 32);
    if (intid < 32) { /* SGI/PPI: banked in the calling core's redistributor */
        wr32(redist[this_cpu_id()] + GICR_SGI_ISENABLER0, bit);
        return;
    }
    wr64(dist + GICD_IROUTER + 8 * intid, affinity_route(arch_cpu_mpidr(target_cpu)));
    wr32(dist + GICD_ISENABLER + 4 * (intid / 32), bit);
}

static void gicv3_disable(uint32_t intid)
{
    uint32_t bit = 1U << (intid % 32);
    if (intid < 32)
        wr32(redist[this_cpu_id()] + GICR_SGI_ICENABLER0, bit);
    else
        wr32(dist + GICD_ICENABLER + 4 * (intid / 32), bit);
}

/* ICC_SGI1R_EL1: TargetList [15:0] (Aff0 % 16 within range RS = Aff0 / 16),
 * Aff1 [23:16], INTID [27:24], Aff2 [39:32], IRM [40], RS [47:44], Aff3 [55:48]. */
/* ICC_SGI1R_EL1's target fields for each core, worked out from its MPIDR at
 * its first SGI (0: not yet; a target list is never empty). A core's MPIDR
 * never changes, so a racing second writer stores the same value. */
static uint64_t sgi_route[MAX_CPUS];

static uint64_t __attribute__((noinline)) sgi_route_of(uint32_t cpu)
{
    uint64_t mpidr = arch_cpu_mpidr(cpu);
    uint64_t aff0 = mpidr & 0xff;
    uint64_t v = (1UL << (aff0 % 16)) | ((mpidr >> 8 & 0xff) << 16) | ((mpidr >> 16 & 0xff) << 32) |
                 ((aff0 / 16) << 44) | ((mpidr >> 32 & 0xff) << 48);
    WRITE_ONCE(sgi_route[cpu], v);
    return v;
}

static void gicv3_send_sgi(uint32_t sgi, uint32_t cpu)
{
    uint64_t route = READ_ONCE(sgi_route[cpu]);
    if (__builtin_expect(route == 0, 0))
        route = sgi_route_of(cpu);
    dsb(ishst); /* our earlier stores (the work the IPI announces) before the SGI */
    write_sysreg(ICC_SGI1R_EL1, route | (uint64_t)sgi << 24);
    isb();      /* the SGI is generated before we go on (e.g. into WFI) */
}

static void gicv3_send_sgi_others(uint32_t sgi)
{
    dsb(ishst); /* as above: published work before the interrupt */
    write_sysreg(ICC_SGI1R_EL1, (uint64_t)sgi << 24 | 1UL << 40); /* IRM: all but self */
    isb();
}

static void gicv3_set_pending(uint32_t spi)
{
    wr32(dist + GICD_ISPENDR + 4 * (spi / 32), 1U << (spi % 32));
}

static void gicv3_describe(void)
{
    kprintf("gic: GICv3, GICD %#lx, %u GICR region(s) from %#lx, %u SPIs\n",
            (unsigned long)dist, plat->gic.redist_count, (unsigned long)plat->gic.redist[0].base,
            spi_count - 32);
}

/* The diag screen: what the firmware left, what routes where now. */
static void gicv3_diag(void)
{
    uint32_t ctlr = rd32(dist + GICD_CTLR);
    kprintf("diag: gic: GICv3, as found GICD_CTLR %#x; now %#x (affinity routing %s), ICC_SRE_EL1 %#lx, "
            "ICC_IGRPEN1_EL1 %#lx\n",
            found_dist_ctlr, ctlr, ctlr & GICD_CTLR_ARE ? "on" : "OFF", (unsigned long)read_sysreg(ICC_SRE_EL1),
            (unsigned long)read_sysreg(ICC_IGRPEN1_EL1));
    for (uint32_t intid = 32; intid < spi_count; intid++)
        if (rd32(dist + GICD_ISENABLER + 4 * (intid / 32)) & 1U << (intid % 32))
            kprintf("diag: gic: SPI INTID %u enabled, IROUTER %#lx\n", intid,
                    (unsigned long)rd64(dist + GICD_IROUTER + 8 * intid));
}

const struct irq_backend gicv3_backend = {
    .name = "GICv3",
    .init_global = gicv3_init_global,
    .init_cpu = gicv3_init_cpu,
    .ack = gicv3_ack,
    .eoi = gicv3_eoi,
    .enable = gicv3_enable,
    .disable = gicv3_disable,
    .send_sgi = gicv3_send_sgi,
    .send_sgi_others = gicv3_send_sgi_others,
    .set_pending = gicv3_set_pending,
    .describe = gicv3_describe,
    .diag = gicv3_diag,
};
