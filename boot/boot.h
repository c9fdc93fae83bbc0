/* What boot/ offers the rest: the platform as read from the DT, the boot
 * facts, and the core bring-up. boot/ enters, relocates, switches EL, turns
 * the MMU on and starts cores; what runs then is the layer above's, given
 * with BOOT_ENTRY. */
#ifndef ARMADA_BOOT_BOOT_H
#define ARMADA_BOOT_BOOT_H

#include <boot/boot_handoff.h>
#include <lib/bootargs.h>
#include <lib/dt/platform.h>
#include <stdint.h>

extern struct platform platform;   /* read-only after boot_main */
extern struct bootargs bootargs;
extern uint32_t boot_entry_el;
extern uint64_t boot_load_address;
extern uint32_t cpu_dt_index[];    /* logical id -> index in platform.cpus[] */

/* boot/smp.c */
void smp_start_secondaries(void);
uint64_t smp_bringup_ns(void);
/* Take a secondary offline (PSCI CPU_OFF, from its own idle loop) / back (CPU_ON). */
int smp_cpu_down(uint32_t cpu);
int smp_cpu_up(uint32_t cpu);
bool smp_down_requested(uint32_t cpu); /* the scheduler returns the core to its idle loop */
void smp_idle_poll(void);              /* from each idle loop: go down if asked (may not return) */
/* The same for a caller that has its core's number at hand (IRQs off):
 * the look inline, the leaving out of line. */
extern uint32_t smp_down_flags[] __attribute__((visibility("hidden")));
void smp_cpu_die(uint32_t cpu) __attribute__((noreturn));
static inline void smp_idle_poll_on(uint32_t cpu)
{
    if (__atomic_load_n(&smp_down_flags[cpu], __ATOMIC_RELAXED))
        smp_cpu_die(cpu);
}
/* Set by the scheduler: called on a core that is going down, already offline. */
extern void (*cpu_down_prepare)(uint32_t cpu);
/* Set by the scheduler: called on the core asked to go down, in the request's
 * interrupt, once smp_down_requested says so (its switch notes it in a flag
 * of its own rather than ask on every switch). */
extern void (*cpu_down_requested)(uint32_t cpu);
void secondary_entry(void);        /* boot/head.S */

/* The functions boot/head.S calls once a core's MMU is on and its stacks and
 * per-CPU area are set (struct boot_entry, boot/boot_handoff.h). Exactly one
 * in the image (the linker checks); boot/ finds it through the linker
 * (boot/armada.lds), so it names no symbol above it. */
#define BOOT_ENTRY(boot_core_fn, secondary_fn)                                                      \
    static const struct boot_entry boot_entry_given                                                 \
        __attribute__((used, section(".boot_entry"), aligned(8))) = {boot_core_fn, secondary_fn}

#endif
