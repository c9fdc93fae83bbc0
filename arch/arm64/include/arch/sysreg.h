/* System register access by name. */
#ifndef ARMADA_ARCH_SYSREG_H
#define ARMADA_ARCH_SYSREG_H

#include <stdint.h>

#define read_sysreg(reg)                                        \
    ({                                                          \
        uint64_t val_;                                          \
        __asm__ volatile("mrs %0, " #reg : "=r"(val_));         \
        val_;                                                   \
    })
#define write_sysreg(reg, val) __asm__ volatile("msr " #reg ", %x0" ::"rZ"((uint64_t)(val)))

static inline unsigned current_el(void) { return (read_sysreg(CurrentEL) >> 2) & 3; }

/* Interrupt masking: DAIF.I only; the flags word restores exactly what was there. */
static inline uint64_t irq_save(void)
{
    uint64_t flags = read_sysreg(daif);
    __asm__ volatile("msr daifset, #2" ::: "memory"); /* compiler: no access moves out */
    return flags;
}
static inline void irq_restore(uint64_t flags)
{
    __asm__ volatile("msr daif, %0" ::"r"(flags) : "memory");
}
static inline void irq_enable_local(void) { __asm__ volatile("msr daifclr, #2" ::: "memory"); }
static inline void irq_disable_local(void) { __asm__ volatile("msr daifset, #2" ::: "memory"); }
static inline int irqs_enabled(void) { return !(read_sysreg(daif) & (1 << 7)); }

static inline void cpu_wfi(void) { __asm__ volatile("wfi" ::: "memory"); }
static inline void cpu_wfe(void) { __asm__ volatile("wfe" ::: "memory"); }
static inline void cpu_sev(void) { __asm__ volatile("sev" ::: "memory"); }
static inline void cpu_relax(void) { __asm__ volatile("yield" ::: "memory"); }

#endif
