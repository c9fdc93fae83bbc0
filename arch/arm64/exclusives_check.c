/* The LDAXR/STXR self-test: see exclusives_check.h. */
#include <arch/cpu.h>
#include <arch/exclusives_check.h>
#include <arch/sysreg.h>
#include <arch/sysreg_bits.h>

struct exclusives_report exclusives_reports[MAX_CPUS];

/* One word per core, a cache line apart: the test never shares a granule. */
static struct {
    uint64_t word;
} __attribute__((aligned(CACHE_LINE))) test_words[MAX_CPUS];

/* One LDAXR/STXR increment; returns STXR's status (0: stored). */
static uint32_t try_increment(uint64_t *word)
{
    uint64_t v;
    uint32_t status;
    /* Acquire on the load, as a lock's would be: the test runs the same
     * instruction pair spin_lock does, not a weaker one. */
    __asm__ volatile("ldaxr %0, [%2]\n"
                     "add %0, %0, #1\n"
                     "stxr %w1, %0, [%2]"
                     : "=&r"(v), "=&r"(status)
                     : "r"(word)
                     : "memory");
    return status;
}

bool exclusives_check_cpu(uint32_t cpu)
{
    struct exclusives_report *r = &exclusives_reports[cpu];
    uint64_t *word = &test_words[cpu].word;
    uint64_t before = *word;
    r->sctlr = read_sysreg(sctlr_el1);
    r->failed_tries = 0;
    r->ok = false;
    while (r->failed_tries < EXCLUSIVES_TRIES) {
        if (try_increment(word) == 0) {
            r->ok = *word == before + 1; /* stored, and the store is what we read back */
            break;
        }
        r->failed_tries++;
    }
    r->tested = true;
    return r->ok;
}

const char *exclusives_failure(const struct exclusives_report *r)
{
    if (r->ok)
        return "none";
    if (r->failed_tries >= EXCLUSIVES_TRIES)
        return (r->sctlr & SCTLR_M) && (r->sctlr & SCTLR_C)
                   ? "the store-exclusive never succeeded, with the MMU and data cache on"
                   : "the store-exclusive never succeeded: the MMU or the data cache is off";
    return "the store-exclusive reported success but the word did not change";
}
