/* The run-queue lock's contended path (sched/rq_lock.h). */
#include <sched/rq_lock.h>

void rq_lock_wait(struct rq_lock *l)
{
    uint64_t t0 = timer_now();
    do {
        uint32_t v;
        /* Wait until it reads free. SEVL makes the first WFE fall through;
         * each LDAXR re-arms the monitor that the unlocking STLR clears. */
        __asm__ volatile("   sevl\n"
                         "1: wfe\n"
                         "   ldaxr %w[v], %[word]\n"
                         "   cbnz %w[v], 1b\n"
                         : [v] "=&r"(v)
                         : [word] "Q"(l->locked)
                         : "memory");
    } while (!rq_lock_try_once(l));
    uint64_t waited = timer_now() - t0;
    lockstat_acquired(&l->stat, true, waited ? waited : 1);
}
