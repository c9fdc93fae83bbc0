/* `make trace` (tools/trace-run.sh): the boot words trace.demo=NAME and
 * trace.seconds=N record demo NAME from its spawn for N seconds (stop when
 * full: the first FLIGHT_LEN records of each core; the rest are counted),
 * then dump the recorder by semihosting, or framed on the console without
 * it, and power off. */
#include <apps/apps.h>
#include <arch/cpu.h>
#include <arch/semihost.h>
#include <init/run.h>
#include <lib/print.h>
#include <psci/psci.h>
#include <sched/flight.h>
#include <sched/sched.h>

#define TRACE_DEMO_DEFAULT_SECONDS 2
#define TRACE_DEMO_FILE "build/trace/trace.raw" /* relative to QEMU's working directory */

static bool want_trace_demo(const struct bootargs *b)
{
    return b->trace_demo[0] != 0;
}

static void run_trace_demo(const struct bootargs *b)
{
    uint32_t seconds = b->trace_seconds ? b->trace_seconds : TRACE_DEMO_DEFAULT_SECONDS;
    flight_stop();
    flight_clear();
    if (!flight_start(FLIGHT_STOP_WHEN_FULL))
        system_off();
    if (!demo_spawn(b->trace_demo)) {
        kprintf("trace: no demo \"%s\" (demos: %s)\n", b->trace_demo, demo_names());
        system_off();
    }
    kprintf("trace: recording demo %s for %u s on %u cores\n", b->trace_demo, seconds, cpus_online_count());
    sleep_ms(seconds * 1000ULL);
    flight_stop();
    for (uint32_t cpu = 0; cpu < cpus_possible; cpu++)
        kprintf("trace: cpu%u recorded %lu, dropped %lu (full)\n", cpu, (unsigned long)flight_recorded(cpu),
                (unsigned long)flight_dropped(cpu));
    if (semihost_available()) {
        bool ok = flight_dump_semihost(TRACE_DEMO_FILE);
        kprintf("trace: %s %s\n", ok ? "wrote" : "could not write", TRACE_DEMO_FILE);
    } else {
        flight_dump_console();
    }
    system_off();
}
RUN_MODE(4, trace_demo, want_trace_demo, run_trace_demo);
