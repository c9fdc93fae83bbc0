/* run_on_every_core: see sync_everywhere.h. */
#include <arch/atomic.h>
#include <arch/cpu.h>
#include <arch/timer.h>
#include <sync/rcu.h>
#include <sync/xcall.h>
#include <tests/image/sync_everywhere.h>

struct everywhere {
    void (*fn)(void *arg);
    void *arg;
    uint32_t cores;
    uint32_t arrived;   /* start barrier */
    uint32_t finished;
};

static void trampoline(void *p)
{
    struct everywhere *e = p;
    /* Fully ordered: our arrival is seen before we look at the others'. */
    atomic32_fetch_add(&e->arrived, 1);
    while (load_acquire(&e->arrived) < e->cores) /* acquire: the others are here */
        cpu_relax();
    e->fn(e->arg);
    /* Release: fn's effects are visible before the caller sees us finished. */
    atomic32_fetch_add_release(&e->finished, 1);
}

bool run_on_every_core(void (*fn)(void *arg), void *arg, uint32_t timeout_ms)
{
    /* Static, not on the stack: after a timeout the late cores still use it. */
    static struct everywhere e;
    e = (struct everywhere){fn, arg, cpus_online_count(), 0, 0};
    smp_call_function_all(trampoline, &e, false);
    trampoline(&e);
    uint64_t deadline = timer_now() + timer_ns_to_ticks(timeout_ms * 1000000ULL);
    while (load_acquire(&e.finished) < e.cores) { /* acquire: pairs with each core's release */
        rcu_quiescent_state();
        if (timer_now() > deadline)
            return false;
        cpu_relax();
    }
    return true;
}
