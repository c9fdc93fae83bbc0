/* The recorder's call sites are static branches (arch/static_branch.h):
 * flight_start patches every site into a branch, flight_stop back into a
 * nop. Over on, off, on: the sites read as they should in each phase, and a
 * process pinned on each core sends itself SENDS messages: every one is
 * recorded while on, none while off. */
#include <arch/cpu.h>
#include <lib/print.h>
#include <sched/flight.h>
#include <sched/sched.h>
#include <tests/image/harness.h>
#include <tests/image/proc_helpers.h>

#define SENDS 50
#define SETTLE_MS 20
#define PHASES 3

/* One sender pinned on each online core, to its end. */
static bool send_on_every_core(uint32_t n, pid_t *who)
{
    uint64_t ref[MAX_CPUS];
    for (uint32_t cpu = 0; cpu < n; cpu++)
        if (!(who[cpu] =
                  spawn_monitored(send_self_n, (void *)(uintptr_t)SENDS, (int)cpu, PRIO_NORMAL, &ref[cpu])))
            return false;
    for (uint32_t cpu = 0; cpu < n; cpu++)
        if (!wait_down(ref[cpu], NULL))
            return false;
    return true;
}

IMAGE_TEST(trace, sites_patched_on_off_on)
{
    uint32_t n = cpus_online_count(), sites, branching;
    flight_stop();
    flight_clear();
    if (!flight_sites_match(false, &sites, &branching) && sites == 0)
        TEST_SKIP("the call sites are compiled out (make FLIGHT_SITES=out)");
    TEST_ASSERT(flight_sites_match(false, &sites, &branching), "stopped: %u of %u sites branch", branching,
                sites);
    pid_t who[PHASES][MAX_CPUS];
    for (uint32_t phase = 0; phase < PHASES; phase++) {
        bool on = phase != 1;
        if (on)
            TEST_ASSERT(flight_start(FLIGHT_WRAP), "the recorder could not start");
        else
            flight_stop();
        TEST_ASSERT(flight_sites_match(on, &sites, &branching), "phase %u (%s): %u of %u sites branch", phase,
                    on ? "on" : "off", branching, sites);
        sleep_ms(SETTLE_MS); /* off: a record already under way on another core has landed */
        uint64_t before[MAX_CPUS];
        for (uint32_t cpu = 0; cpu < n; cpu++)
            before[cpu] = flight_recorded(cpu);
        TEST_ASSERT(send_on_every_core(n, who[phase]), "phase %u: a sender did not run to its end", phase);
        for (uint32_t cpu = 0; cpu < n; cpu++) {
            uint64_t taken = flight_recorded(cpu) - before[cpu];
            TEST_ASSERT(on ? taken >= 2 * SENDS : taken == 0, "phase %u (%s): cpu%u took %lu records", phase,
                        on ? "on" : "off", cpu, (unsigned long)taken);
        }
    }
    flight_stop();
    TEST_ASSERT(flight_sites_match(false, &sites, &branching), "stopped again: %u of %u sites branch",
                branching, sites);
    for (uint32_t phase = 0; phase < PHASES; phase++)
        for (uint32_t cpu = 0; cpu < n; cpu++) {
            uint64_t sent = flight_count(FL_SEND, who[phase][cpu]),
                     got = flight_count(FL_RECV, who[phase][cpu]);
            /* Its own messages, and at its exit the DOWN to our monitor. */
            uint64_t want = phase != 1 ? SENDS : 0;
            TEST_ASSERT(
                sent == (want ? want + 1 : 0) && got == want,
                "phase %u: cpu%u's sender has %lu sends, %lu receives recorded, expected %lu + its DOWN, %lu",
                phase, cpu, (unsigned long)sent, (unsigned long)got, (unsigned long)want,
                (unsigned long)want);
        }
    kprintf("trace: %u sites, patched on, off, on, off; %u cores recorded in both on phases, none off\n",
            sites, n);
    return true;
}
