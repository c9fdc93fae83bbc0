/*
 * The atomics shim under sync/'s portable algorithms (seqlock, RCU, per-CPU
 * counters, MCS, rwlock): one source, two builds.
 *  - In the image: the ARM-native primitives of <arch/barrier.h> and
 *    <arch/atomic.h> (LL/SC or LSE), WFE waiting, this_cpu_id(), spinlocks.
 *  - On the host (-DARMADA_HOST, tests/host/sync/): GCC's C11-model __atomic
 *    builtins with the same orderings, threads standing in for cores, so the
 *    algorithms run under ThreadSanitizer.
 * The mapping is one line per primitive; each call site says what it orders.
 */
#ifndef ARMADA_SYNC_PORTABLE_H
#define ARMADA_SYNC_PORTABLE_H

#include <stdbool.h>
#include <stdint.h>

#ifndef ARMADA_HOST
#include <arch/atomic.h>
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <sync/spinlock.h>

#define PORT_MAX_CPUS MAX_CPUS
#define PORT_CACHE_LINE CACHE_LINE

#define port_load_relaxed(p) READ_ONCE(*(p))
#define port_store_relaxed(p, v) WRITE_ONCE(*(p), (v))
#define port_load_acquire(p) load_acquire(p)         /* LDAR */
#define port_store_release(p, v) store_release(p, v) /* STLR */
#define port_rmb() smp_rmb()                         /* DMB ISHLD */
#define port_wmb() smp_wmb()                         /* DMB ISHST */
#define port_mb() smp_mb()                           /* DMB ISH */
#define port_compiler_barrier() barrier()

#define port_fetch_add64_relaxed(p, v) atomic64_fetch_add_relaxed(p, v)
#define port_fetch_and64(p, v) atomic64_fetch_and(p, v)
#define port_fetch_or32_relaxed(p, v) atomic32_fetch_or_relaxed(p, v)
#define port_fetch_sub32_release(p, v) atomic32_fetch_sub_release(p, v)
#define port_fetch_and32_release(p, v) atomic32_fetch_and_release(p, v)
#define port_cmpxchg32_acquire(p, e, v) atomic32_cmpxchg_acquire(p, e, v)
#define port_xchg64(p, v) atomic64_xchg(p, v)
#define port_cmpxchg64_release(p, e, v) atomic64_cmpxchg_release(p, e, v)
/* Wait (WFE) until *p != old; returns the new value, acquire. */
#define port_wait_ne32_acquire(p, old) atomic32_wait_ne_acquire(p, old)
#define port_wait_ne64_acquire(p, old) atomic64_wait_ne_acquire(p, old)

static inline uint32_t port_cpu_id(void) { return this_cpu_id(); }
uint64_t port_online_mask(void);   /* sync/rcu_image.c */

typedef struct spinlock port_lock_t;
#define PORT_LOCK_INIT(name) SPINLOCK_INIT(name)
#define DEFINE_PORT_LOCK(var, name) DEFINE_SPINLOCK(var, name)
static inline uint64_t port_lock(port_lock_t *l) { return spin_lock_irqsave(l); }
static inline void port_unlock(port_lock_t *l, uint64_t flags) { spin_unlock_irqrestore(l, flags); }

#else /* ARMADA_HOST: C11 memory model through GCC/Clang builtins */
#include <sched.h>

#define PORT_MAX_CPUS 64
#define PORT_CACHE_LINE 64

#define port_load_relaxed(p) __atomic_load_n(p, __ATOMIC_RELAXED)
#define port_store_relaxed(p, v) __atomic_store_n(p, v, __ATOMIC_RELAXED)
#define port_load_acquire(p) __atomic_load_n(p, __ATOMIC_ACQUIRE)
#define port_store_release(p, v) __atomic_store_n(p, v, __ATOMIC_RELEASE)
#define port_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define port_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define port_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define port_compiler_barrier() __asm__ volatile("" ::: "memory")

#define port_fetch_add64_relaxed(p, v) __atomic_fetch_add(p, v, __ATOMIC_RELAXED)
#define port_fetch_and64(p, v) __atomic_fetch_and(p, v, __ATOMIC_SEQ_CST)
#define port_fetch_or32_relaxed(p, v) __atomic_fetch_or(p, v, __ATOMIC_RELAXED)
#define port_fetch_sub32_release(p, v) __atomic_fetch_sub(p, v, __ATOMIC_RELEASE)
#define port_fetch_and32_release(p, v) __atomic_fetch_and(p, v, __ATOMIC_RELEASE)
#define port_xchg64(p, v) __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST)

static inline uint32_t port_cmpxchg32_acquire(uint32_t *p, uint32_t e, uint32_t v)
{
    __atomic_compare_exchange_n(p, &e, v, false, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE);
    return e; /* the value found, as the image's cmpxchg */
}
static inline uint64_t port_cmpxchg64_release(uint64_t *p, uint64_t e, uint64_t v)
{
    __atomic_compare_exchange_n(p, &e, v, false, __ATOMIC_RELEASE, __ATOMIC_RELAXED);
    return e;
}
static inline uint32_t port_wait_ne32_acquire(const uint32_t *p, uint32_t old)
{
    uint32_t v;
    while ((v = __atomic_load_n(p, __ATOMIC_ACQUIRE)) == old)
        sched_yield();
    return v;
}
static inline uint64_t port_wait_ne64_acquire(const uint64_t *p, uint64_t old)
{
    uint64_t v;
    while ((v = __atomic_load_n(p, __ATOMIC_ACQUIRE)) == old)
        sched_yield();
    return v;
}

extern __thread uint32_t host_cpu_id; /* tests/host/sync: the thread's "core" */
static inline uint32_t port_cpu_id(void) { return host_cpu_id; }
uint64_t port_online_mask(void);      /* tests/host/sync: the threads running */

typedef struct {
    uint32_t held;
} port_lock_t;
#define PORT_LOCK_INIT(name) {0}
#define DEFINE_PORT_LOCK(var, name) port_lock_t var = PORT_LOCK_INIT(name)
static inline uint64_t port_lock(port_lock_t *l)
{
    while (__atomic_exchange_n(&l->held, 1, __ATOMIC_ACQUIRE))
        sched_yield();
    return 0;
}
static inline void port_unlock(port_lock_t *l, uint64_t flags)
{
    (void)flags;
    __atomic_store_n(&l->held, 0, __ATOMIC_RELEASE);
}
#endif

#endif
