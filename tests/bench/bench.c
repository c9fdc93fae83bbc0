/* The benchmark runner: see bench.h. */
#include <arch/cpu.h>
#include <arch/timer.h>
#include <drivers/console.h>
#include <lib/bootargs.h>
#include <psci/psci.h>
#include <tests/bench/bench.h>

extern const struct bench __benches_start[], __benches_end[];

void bench_report_in(const char *bench, const char *variant, uint64_t value_milli, const char *unit,
                     const char *config)
{
    kprintf("BENCH %s %s %u %lu.%03lu %s%s%s\n", bench, variant, cpus_online_count(),
            (unsigned long)(value_milli / 1000), (unsigned long)(value_milli % 1000), unit, config[0] ? " " : "",
            config);
}

void bench_report(const char *bench, const char *variant, uint64_t value_milli, const char *unit)
{
    bench_report_in(bench, variant, value_milli, unit, "");
}

uint32_t bench_run_selected(const char *selection)
{
    uint32_t ran = 0;
    kprintf("bench: counter %lu Hz; under -icount shift=0 one ns is one guest instruction\n",
            (unsigned long)timer_frequency());
    for (const struct bench *b = __benches_start; b < __benches_end; b++) {
        if (!bootargs_selects(selection, b->name))
            continue;
        kprintf("bench: %s ...\n", b->name);
        b->fn();
        ran++;
    }
    if (!ran)
        kprintf("bench: nothing matches \"%s\"\n", selection);
    kprintf("bench: %u benchmark(s) done\n", ran);
    return ran;
}

void bench_run_all(const char *selection)
{
    bench_run_selected(selection);
    system_off();
    for (;;)
        cpu_wfi();
}
