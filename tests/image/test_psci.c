/* PSCI: the calls Armada uses, their error codes by name, and a core taken
 * off and brought back. */
#include <arch/cpu.h>
#include <boot/boot.h>
#include <psci/psci.h>
#include <string.h>
#include <sync/xcall.h>
#include <tests/image/harness.h>

/* Without /psci (the Pi 4) these tests do not apply, provided no core needs
 * PSCI to start (a core that does, with no conduit, is a failure). */
static bool psci_absent_and_unneeded(void)
{
    if (psci_available())
        return false;
    for (uint32_t i = 0; i < platform.cpu_count; i++)
        if (platform.cpus[i].method == CPU_ENABLE_PSCI)
            return false;
    return true;
}
#define SKIP_WITHOUT_PSCI()                                                                         \
    do {                                                                                            \
        if (psci_absent_and_unneeded())                                                             \
            TEST_SKIP("no /psci, and every core starts by spin-table");                            \
    } while (0)

IMAGE_TEST(psci, version_and_features)
{
    SKIP_WITHOUT_PSCI();
    TEST_ASSERT(psci_available(), "no PSCI conduit, yet the cores' enable-method is psci");
    uint32_t v = psci_version();
    TEST_ASSERT(v >= 0x00002, "PSCI version %u.%u: CPU_ON needs 0.2 or later", v >> 16, v & 0xffff);
    TEST_ASSERT(psci_features(PSCI_CPU_ON) == PSCI_SUCCESS, "FEATURES(CPU_ON) = %ld", (long)psci_features(PSCI_CPU_ON));
    int64_t bogus = psci_features(0x8400ff00);
    TEST_ASSERT(bogus == PSCI_NOT_SUPPORTED, "FEATURES(unknown) = %ld", (long)bogus);
    TEST_ASSERT(!strcmp(psci_error_name(bogus), "NOT_SUPPORTED"), "named %s", psci_error_name(bogus));
    return true;
}

IMAGE_TEST(psci, error_codes_by_name)
{
    static const char *const expected[] = {"SUCCESS", "NOT_SUPPORTED", "INVALID_PARAMETERS", "DENIED",
                                           "ALREADY_ON", "ON_PENDING", "INTERNAL_FAILURE", "NOT_PRESENT",
                                           "DISABLED", "INVALID_ADDRESS"};
    for (int code = 0; code >= -9; code--)
        TEST_ASSERT(!strcmp(psci_error_name(code), expected[-code]), "%d named %s", code, psci_error_name(code));
    TEST_ASSERT(!strcmp(psci_error_name(-42), "UNKNOWN_PSCI_CODE"), "unknown code");
    return true;
}

IMAGE_TEST(psci, cpu_on_refusals)
{
    SKIP_WITHOUT_PSCI();
    int64_t r = psci_cpu_on(percpu_areas[0].mpidr, (uint64_t)secondary_entry, 0);
    TEST_ASSERT(r == PSCI_ALREADY_ON, "CPU_ON(self) = %s", psci_error_name(r));
    r = psci_cpu_on(0xff0000, (uint64_t)secondary_entry, 0);
    TEST_ASSERT(r == PSCI_INVALID_PARAMETERS, "CPU_ON(no such MPIDR) = %s", psci_error_name(r));
    TEST_ASSERT(psci_affinity_info(percpu_areas[0].mpidr) == PSCI_AFF_ON, "AFFINITY_INFO(self) not ON");
    return true;
}

static uint32_t answered[MAX_CPUS];
static void answer(void *arg)
{
    (void)arg;
    answered[this_cpu_id()]++;
}

IMAGE_TEST(psci, cpu_off_and_on_again)
{
    if (cpus_possible < 2)
        TEST_SKIP("one core: none to take off");
    SKIP_WITHOUT_PSCI(); /* spin-table cores have no way back once off */
    uint32_t cpu = cpus_possible - 1;
    for (int round = 0; round < 3; round++) {
        TEST_ASSERT(smp_cpu_down(cpu) == 0, "round %d: cpu%u did not go down", round, cpu);
        TEST_ASSERT(!cpu_is_online(cpu), "cpu%u still online", cpu);
        TEST_ASSERT(psci_affinity_info(percpu_areas[cpu].mpidr) == PSCI_AFF_OFF, "AFFINITY_INFO not OFF");
        TEST_ASSERT(smp_call_function_single(cpu, answer, NULL, true) == -1, "a cross-call to an offline core was queued");
        TEST_ASSERT(smp_cpu_up(cpu) == 0, "round %d: cpu%u did not come back", round, cpu);
        uint32_t before = answered[cpu];
        smp_call_function_single(cpu, answer, NULL, true);
        TEST_ASSERT(answered[cpu] == before + 1, "cpu%u back but not answering cross-calls", cpu);
    }
    return true;
}
