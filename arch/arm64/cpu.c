/* CPU identity and the online mask: see arch/cpu.h. */
#include <arch/cpu.h>
#include <arch/timer.h>
#include <lib/bits.h>

struct percpu percpu_areas[MAX_CPUS];
uint32_t cpus_possible;
uint64_t cpu_online_bits; /* bit n: core n finished its setup (cpu_is_online reads it inline) */
static uint64_t online_at[MAX_CPUS];

uint64_t cpus_online_mask(void) { return __atomic_load_n(&cpu_online_bits, __ATOMIC_ACQUIRE); } /* as cpu_is_online */

uint32_t cpus_online_count(void)
{
    return bits_set(cpus_online_mask());
}

void cpu_mark_online(uint32_t cpu)
{
    online_at[cpu] = timer_now();
    /* Release: the core's setup (GIC, timer, per-CPU state, online_at) is
     * visible before anyone sees it online and sends it work. */
    __atomic_fetch_or(&cpu_online_bits, 1UL << cpu, __ATOMIC_RELEASE);
}

/* Release: the core's last accesses before anyone sees it offline. */
void cpu_mark_offline(uint32_t cpu) { __atomic_fetch_and(&cpu_online_bits, ~(1UL << cpu), __ATOMIC_RELEASE); }

uint64_t cpu_online_since(uint32_t cpu) { return online_at[cpu]; }
