/* The LSE image's guard: see atomics_check.h. Nothing here may take a lock or
 * use an atomic (in an LSE image those are the instructions that would trap):
 * the message goes out through the unlocked console path. */
#include <arch/atomic.h>
#include <arch/atomics_check.h>
#include <arch/sysreg.h>
#include <lib/print.h>

#define ID_AA64ISAR0_ATOMIC_SHIFT 20
#define ID_AA64ISAR0_ATOMIC_MASK 0xfUL

bool cpu_has_lse(void)
{
    return (read_sysreg(id_aa64isar0_el1) >> ID_AA64ISAR0_ATOMIC_SHIFT & ID_AA64ISAR0_ATOMIC_MASK) != 0;
}

void atomics_check_cpu(uint32_t cpu)
{
#if defined(ARMADA_LSE) && ARMADA_LSE
    if (cpu_has_lse())
        return;
    kprintf_unlocked("\narmada: cpu%u has no LSE atomics (ID_AA64ISAR0_EL1.Atomic = 0, e.g. Cortex-A53/A72),\n"
                     "armada: but this image was built with ATOMICS=lse (LDADDAL, CASAL, SWPAL).\n"
                     "armada: refusing to run: rebuild with the default (make, LL/SC atomics). cpu%u halted.\n",
                     cpu, cpu);
    irq_disable_local();
    for (;;)
        cpu_wfi();
#else
    (void)cpu; /* LL/SC runs on every ARMv8.0 core */
#endif
}
