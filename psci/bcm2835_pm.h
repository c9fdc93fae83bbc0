/* The BCM2835/BCM2711 power-management watchdog: how a Raspberry Pi powers off. */
#ifndef ARMADA_PSCI_BCM2835_PM_H
#define ARMADA_PSCI_BCM2835_PM_H

struct platform_pm_watchdog;

void bcm2835_pm_init(const struct platform_pm_watchdog *w); /* w->present false: none */
const struct platform_pm_watchdog *bcm2835_pm(void);        /* NULL if there is none */
/* Reset into the firmware's "halt" partition; returns only if no reset came. */
void bcm2835_pm_power_off(void);

#endif
