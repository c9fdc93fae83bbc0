/* Before a core takes its first lock: do LDAXR/STXR work here? They need the
 * MMU and data cache on and Normal cacheable memory; a real Pi 4 with its
 * caches off never completes a store-exclusive, so every lock would spin for
 * ever. QEMU always lets them succeed. Each core tests itself and keeps what
 * it saw for the `diag` screen. */
#ifndef ARMADA_ARCH_EXCLUSIVES_CHECK_H
#define ARMADA_ARCH_EXCLUSIVES_CHECK_H

#include <stdbool.h>
#include <stdint.h>

/* A store-exclusive may fail spuriously (an interrupt, a line evicted): so
 * many failures in a row mean it never works, not bad luck. */
#define EXCLUSIVES_TRIES 1000

struct exclusives_report {
    bool tested;
    bool ok;              /* a store-exclusive succeeded and its value stuck */
    uint32_t failed_tries; /* STXR status 1 seen before the success (or all of them) */
    uint64_t sctlr;       /* SCTLR_EL1 when the test ran */
};

/* This core's test, recorded in exclusives_reports[cpu]. Takes no lock and
 * uses no other atomic: the caller says what happens on failure. */
bool exclusives_check_cpu(uint32_t cpu);
/* The reason, one line (no newline), for a failed report. */
const char *exclusives_failure(const struct exclusives_report *r);

extern struct exclusives_report exclusives_reports[];

#endif
