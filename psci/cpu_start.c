/* One way to start a core, whatever the DT's enable-method: PSCI CPU_ON or
 * the spin-table protocol (write the entry to cpu-release-addr, clean it to
 * the point of coherency, sev). */
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <arch/cache.h>
#include <arch/mmu.h>
#include <arch/sysreg.h>
#include <lib/dt/platform.h>
#include <psci/psci.h>

static uint64_t slot_found[MAX_CPUS]; /* each slot's value before our release (diag) */

uint64_t spin_table_slot_read(uint64_t release_addr)
{
    return READ_ONCE(*(uint64_t *)mmu_phys_to_virt(release_addr)); /* page 0 via its alias, like the release */
}

uint64_t spin_table_slot_found(uint32_t cpu) { return cpu < MAX_CPUS ? slot_found[cpu] : 0; }

static int64_t spin_table_release(uint32_t cpu, uint64_t release_addr, uint64_t entry)
{
    if (!release_addr)
        return PSCI_INVALID_ADDRESS;
    uint64_t *slot = mmu_phys_to_virt(release_addr); /* 0xd8.. on a Pi 4: page 0, via its alias */
    if (cpu < MAX_CPUS)
        slot_found[cpu] = READ_ONCE(*slot);
    WRITE_ONCE(*slot, entry);
    /* The waiting core polls with its caches off: push the entry to memory;
     * dcache_clean_poc ends in dsb sy, so the store is complete before sev. */
    dcache_clean_poc(slot, sizeof *slot);
    cpu_sev();
    return PSCI_SUCCESS;
}

int64_t cpu_start(const struct platform_cpu *c, uint32_t cpu, uint64_t entry)
{
    switch (c->method) {
    case CPU_ENABLE_PSCI:
        /* The handoff data was cleaned to PoC before this call; the SMC/HVC
         * is a context-synchronising event ordered after that dsb. */
        return psci_cpu_on(c->mpidr, entry, cpu);
    case CPU_ENABLE_SPIN_TABLE:
        return spin_table_release(cpu, c->release_addr, entry);
    default:
        return PSCI_NOT_SUPPORTED;
    }
}
