/* host_run_threads and the host side of sync/portable.h. */
#include <pthread.h>

#include <sync/portable.h>
#include <sync/rcu.h>

#include "host_cpus.h"

__thread uint32_t host_cpu_id;
static uint64_t online; /* threads running, as core bits */

uint64_t port_online_mask(void) { return __atomic_load_n(&online, __ATOMIC_ACQUIRE); }
void rcu_kick_cpus(uint64_t mask) { (void)mask; } /* threads never sleep in WFI */

struct start {
    uint32_t id;
    void (*fn)(void *arg);
    void *arg;
};

static void *thread_main(void *p)
{
    struct start *s = p;
    host_cpu_id = s->id;
    s->fn(s->arg);
    return NULL;
}

void host_run_threads(uint32_t threads, void (*fn)(void *arg), void *arg)
{
    pthread_t t[PORT_MAX_CPUS];
    struct start s[PORT_MAX_CPUS];
    __atomic_store_n(&online, (threads >= 64 ? ~0ULL : (1ULL << threads) - 1), __ATOMIC_RELEASE);
    for (uint32_t i = 0; i < threads; i++) {
        s[i] = (struct start){i, fn, arg};
        pthread_create(&t[i], NULL, thread_main, &s[i]);
    }
    for (uint32_t i = 0; i < threads; i++)
        pthread_join(t[i], NULL);
}
