/* The litmus tests in the image: thread t runs on the t-th online core, the
 * boot core being thread 0; the others get their part by cross-call. */
#include <arch/cpu.h>
#include <arch/sysreg.h>
#include <arch/timer.h>
#include <boot/boot.h>
#include <drivers/console.h>
#include <lib/fmt.h>
#include <psci/psci.h>
#include <stdarg.h>
#include <sync/xcall.h>
#include <tests/litmus/litmus.h>

/* Without `iters=`: enough for SB to show on QEMU virt within a few seconds a test. */
#define LITMUS_IMAGE_DEFAULT_ITERS 20000
struct litmus_start {
    void (*fn)(void *arg, uint32_t t);
    void *arg;
    uint32_t t;
};

static struct litmus_start starts[LITMUS_MAX_THREADS];
static uint32_t threads_finished;

void litmus_printf(const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    fmt_vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    kprintf("%s", line);
}

uint32_t litmus_max_threads(void)
{
    uint32_t n = cpus_online_count();
    return n < LITMUS_MAX_THREADS ? n : LITMUS_MAX_THREADS;
}

uint64_t litmus_now_ns(void)
{
    return timer_ticks_to_ns(timer_now());
}

void litmus_spin_relax(void) {} /* every thread has a core of its own */

/* On a secondary, in its cross-call (interrupts masked until it returns). */
static void litmus_on_core(void *p)
{
    struct litmus_start *s = p;
    s->fn(s->arg, s->t);
    /* Release: this thread's results are visible before the boot core counts it. */
    __atomic_add_fetch(&threads_finished, 1, __ATOMIC_RELEASE);
}

void litmus_run_threads(uint32_t n, void (*fn)(void *arg, uint32_t t), void *arg)
{
    uint32_t me = this_cpu_id(), t = 1;
    __atomic_store_n(&threads_finished, 0, __ATOMIC_RELAXED); /* published by the cross-calls */
    for (uint32_t cpu = 0; cpu < MAX_CPUS && t < n; cpu++) {
        if (cpu == me || !cpu_is_online(cpu))
            continue;
        starts[t] = (struct litmus_start){fn, arg, t};
        smp_call_function_single(cpu, litmus_on_core, &starts[t], false);
        t++;
    }
    fn(arg, 0);
    /* Acquire: pairs with each core's release; its part is finished. */
    while (__atomic_load_n(&threads_finished, __ATOMIC_ACQUIRE) != n - 1)
        ;
}

void litmus_image_run(void)
{
    char where[96];
    fmt_snprintf(where, sizeof(where), "%s (MIDR 0x%lx)",
                 platform.model[0] ? platform.model : "unknown machine",
                 (unsigned long)read_sysreg(midr_el1));
    uint32_t bad = litmus_run_all(
        bootargs.litmus_list, bootargs.iters ? bootargs.iters : LITMUS_IMAGE_DEFAULT_ITERS, "arm64", where);
    kprintf("litmus: %s\n", bad ? "FAILED (see litmus-bad lines)" : "done");
    system_off();
}
