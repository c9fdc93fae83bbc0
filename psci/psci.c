/* PSCI through hvc or smc, as /psci's `method` says (never guessed from the EL). */
#include <arch/sysreg.h>
#include <lib/dt/platform.h>
#include <lib/print.h>
#include <psci/bcm2835_pm.h>
#include <psci/psci.h>

static enum psci_conduit conduit = PSCI_CONDUIT_NONE;

void psci_init(const struct platform *p) { conduit = p->psci_present ? p->psci_conduit : PSCI_CONDUIT_NONE; }
bool psci_available(void) { return conduit != PSCI_CONDUIT_NONE; }

const char *psci_conduit_name(void)
{
    return conduit == PSCI_CONDUIT_HVC ? "hvc" : conduit == PSCI_CONDUIT_SMC ? "smc" : "none";
}

const char *psci_error_name(int64_t code)
{
    static const char *const names[] = {
        "SUCCESS",        "NOT_SUPPORTED", "INVALID_PARAMETERS", "DENIED",
        "ALREADY_ON",     "ON_PENDING",    "INTERNAL_FAILURE",   "NOT_PRESENT",
        "DISABLED",       "INVALID_ADDRESS",
    };
    if (code <= 0 && code >= -9)
        return names[-code];
    return "UNKNOWN_PSCI_CODE";
}

int64_t psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
    register uint64_t x0 __asm__("x0") = fn;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;
    /* SMCCC: x0-x17 may be clobbered by the callee; memory too (CPU_ON reads ours). */
    if (conduit == PSCI_CONDUIT_HVC)
        __asm__ volatile("hvc #0"
                         : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                         :
                         : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13",
                           "x14", "x15", "x16", "x17", "memory");
    else if (conduit == PSCI_CONDUIT_SMC)
        __asm__ volatile("smc #0"
                         : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                         :
                         : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13",
                           "x14", "x15", "x16", "x17", "memory");
    else
        return PSCI_NOT_SUPPORTED;
    return (int64_t)x0;
}

uint32_t psci_version(void)
{
    int64_t v = psci_call(PSCI_VERSION, 0, 0, 0);
    return v < 0 ? 0 : (uint32_t)v;
}

int64_t psci_features(uint32_t fn) { return psci_call(PSCI_FEATURES, fn, 0, 0); }
int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context) { return psci_call(PSCI_CPU_ON, mpidr, entry, context); }
int64_t psci_cpu_off(void) { return psci_call(PSCI_CPU_OFF, 0, 0, 0); }
int64_t psci_affinity_info(uint64_t mpidr) { return psci_call(PSCI_AFFINITY_INFO, mpidr, 0, 0); }
void psci_system_off(void) { psci_call(PSCI_SYSTEM_OFF, 0, 0, 0); }
void psci_system_reset(void) { psci_call(PSCI_SYSTEM_RESET, 0, 0, 0); }

void system_off_describe(void)
{
    const struct platform_pm_watchdog *pm = bcm2835_pm();

    if (psci_available())
        kprintf("power-off: PSCI SYSTEM_OFF via %s\n", psci_conduit_name());
    else if (pm)
        kprintf("power-off: BCM2835 PM watchdog %s at %#lx (reset into the halt partition)\n", pm->path,
                (unsigned long)pm->base);
    else
        kprintf("power-off: none (no PSCI, no PM watchdog): powering off halts\n");
}

/* PSCI when the DT has it; else a Pi's power-management watchdog. */
void system_off(void)
{
    if (psci_available()) {
        psci_system_off();
        kprintf_unlocked("psci: SYSTEM_OFF returned; trying SYSTEM_RESET\n");
        psci_system_reset();
        kprintf_unlocked("psci: SYSTEM_RESET returned too; halted\n");
    } else if (bcm2835_pm()) {
        bcm2835_pm_power_off();
        kprintf_unlocked("bcm2835-pm: the watchdog reset did not come; halted\n");
    } else {
        kprintf_unlocked("armada: no way to power off (no PSCI, no PM watchdog); halted\n");
    }
    irq_disable_local();
    for (;;)
        cpu_wfi();
}
