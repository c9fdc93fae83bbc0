/* The power-management block's watchdog (BCM2835/BCM2711 "PM"). A Pi has no
 * power switch the ARM cores can reach: Linux (drivers/watchdog/bcm2835_wdt.c)
 * powers off by a watchdog reset with RSTS holding partition 63, which the
 * firmware takes as "halt" instead of booting again, and QEMU's raspi model
 * (hw/misc/bcm2835_powermgt.c) as a shutdown. We do the same. */
#include <arch/barrier.h>
#include <arch/sysreg.h>
#include <psci/bcm2835_pm.h>
#include <lib/dt/platform.h>

#define PM_RSTC 0x1c
#define PM_RSTS 0x20
#define PM_WDOG 0x24

#define PM_PASSWORD 0x5a000000U /* bits 31:24 of every write, or it is ignored */
#define PM_PASSWORD_MASK 0xff000000U
#define PM_RSTC_WRCFG_CLR 0xffffffcfU
#define PM_RSTC_WRCFG_FULL_RESET 0x20U
#define PM_RSTS_PARTITION_CLR 0xfffffaaaU /* the partition sits in bits 0, 2, 4, 6, 8, 10 */
#define PM_RSTS_PARTITION_HALT 0x555U     /* partition 63 spread over them: "halt" */

/* The watchdog counts in 1/65536 s. 20 ms before the reset lets the UART's
 * FIFO (16 bytes, under 2 ms at 115200 baud) send the last line on a real
 * board; Linux uses 10 ticks, QEMU ignores the count and acts at once. */
#define PM_WDOG_TICKS_PER_SEC 65536U
#define POWEROFF_DELAY_MS 20
/* How long to wait for the reset before saying it did not come. */
#define POWEROFF_WAIT_MS 1000

static uintptr_t pm_base;
static const struct platform_pm_watchdog *pm;

void bcm2835_pm_init(const struct platform_pm_watchdog *w)
{
    pm = w->present ? w : NULL;
    pm_base = pm ? pm->base : 0;
}

const struct platform_pm_watchdog *bcm2835_pm(void) { return pm; }

static uint32_t rd(unsigned off) { return READ_ONCE(*(uint32_t *)(pm_base + off)); }
static void wr(unsigned off, uint32_t v) { WRITE_ONCE(*(uint32_t *)(pm_base + off), PM_PASSWORD | v); }

/* The three writes reach the block in program order: it is one Device-nGnRE
 * region, whose accesses are not reordered against each other. */
void bcm2835_pm_power_off(void)
{
    if (!pm)
        return;
    uint32_t rsts = rd(PM_RSTS) & PM_RSTS_PARTITION_CLR & ~PM_PASSWORD_MASK;
    wr(PM_RSTS, rsts | PM_RSTS_PARTITION_HALT);
    wr(PM_WDOG, POWEROFF_DELAY_MS * PM_WDOG_TICKS_PER_SEC / 1000);
    uint32_t rstc = rd(PM_RSTC) & PM_RSTC_WRCFG_CLR & ~PM_PASSWORD_MASK;
    wr(PM_RSTC, rstc | PM_RSTC_WRCFG_FULL_RESET);
    /* The counter itself, not the timer layer: a boot that stops for want of
     * a timer powers off through here too. */
    uint64_t end = read_sysreg(cntvct_el0) + read_sysreg(cntfrq_el0) * POWEROFF_WAIT_MS / 1000;
    while (read_sysreg(cntvct_el0) < end)
        cpu_relax();
}
