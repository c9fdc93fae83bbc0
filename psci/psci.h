/* PSCI calls through the conduit /psci names, and the core start methods. */
#ifndef ARMADA_PSCI_PSCI_H
#define ARMADA_PSCI_PSCI_H

#include <stdbool.h>
#include <stdint.h>

struct platform;

#define PSCI_VERSION 0x84000000U
#define PSCI_CPU_OFF 0x84000002U
#define PSCI_CPU_ON 0xC4000003U
#define PSCI_AFFINITY_INFO 0xC4000004U
#define PSCI_SYSTEM_OFF 0x84000008U
#define PSCI_SYSTEM_RESET 0x84000009U
#define PSCI_FEATURES 0x8400000AU

#define PSCI_SUCCESS 0
#define PSCI_NOT_SUPPORTED (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_DENIED (-3)
#define PSCI_ALREADY_ON (-4)
#define PSCI_ON_PENDING (-5)
#define PSCI_INTERNAL_FAILURE (-6)
#define PSCI_NOT_PRESENT (-7)
#define PSCI_DISABLED (-8)
#define PSCI_INVALID_ADDRESS (-9)

/* AFFINITY_INFO results. */
#define PSCI_AFF_ON 0
#define PSCI_AFF_OFF 1
#define PSCI_AFF_ON_PENDING 2

void psci_init(const struct platform *p);
bool psci_available(void);
const char *psci_conduit_name(void);
const char *psci_error_name(int64_t code);
int64_t psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
uint32_t psci_version(void);          /* major << 16 | minor, 0 if none */
int64_t psci_features(uint32_t fn);
int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context);
int64_t psci_cpu_off(void);            /* returns only on failure */
int64_t psci_affinity_info(uint64_t mpidr);
void psci_system_off(void);            /* returns only if it could not */
void psci_system_reset(void);

struct platform_cpu;
/* Start core `c` (logical id `cpu`) at `entry` by the DT's method for it; 0 or
 * a negative PSCI code (an enable-method we cannot use -> PSCI_NOT_SUPPORTED). */
int64_t cpu_start(const struct platform_cpu *c, uint32_t cpu, uint64_t entry);
/* The diag screen: a spin-table slot now, and what it held before we released its core. */
uint64_t spin_table_slot_read(uint64_t release_addr);
uint64_t spin_table_slot_found(uint32_t cpu);

/* Power off: PSCI SYSTEM_OFF (SYSTEM_RESET if that returns), else the Pi's
 * power-management watchdog; if nothing works, say so and park. */
void system_off(void) __attribute__((noreturn));
void system_off_describe(void); /* the boot log's "power-off:" line */

#endif
