/*
 * RCU (read-copy-update), the classic non-preemptible form.
 * Readers: rcu_read_lock()/rcu_read_unlock() bump a per-core nesting count
 * with plain accesses and a compiler barrier: no atomic, no DMB. Pointers are
 * read with rcu_dereference (a plain single-copy-atomic load: ARMv8 keeps
 * the loads through the pointer after it, an address dependency) and
 * published with rcu_assign_pointer (STLR: the object's initialisation is
 * visible before the pointer).
 * Updaters: unpublish, then synchronize_rcu() (wait) or call_rcu() (callback)
 * before freeing. A grace period ends once every core online at its start
 * has passed a quiescent state: a point where it holds no RCU reference.
 * Cores report them with rcu_quiescent_state(): the idle loop does (after
 * the scheduler exists, context switches will); any code that runs long
 * outside the idle loop must call it between read-side sections. An idle
 * core is woken by an IPI when a grace period needs it.
 * Portable (sync/portable.h): the same code runs on the host under TSan.
 */
#ifndef ARMADA_SYNC_RCU_H
#define ARMADA_SYNC_RCU_H

#include <sync/portable.h>

struct rcu_head {
    struct rcu_head *next;
    void (*func)(struct rcu_head *head);
    uint64_t gp;        /* the grace period that must end before func runs */
};

struct rcu_cpu {
    uint32_t nesting;   /* read-side depth; this core only (and its interrupts) */
} __attribute__((aligned(PORT_CACHE_LINE)));

/* Hidden (here and rcu_qs_needed): one image, so an address from adrp, not a
 * load from the GOT, in every read-side section and context switch. */
extern struct rcu_cpu rcu_cpus[PORT_MAX_CPUS] __attribute__((visibility("hidden")));

static inline void rcu_read_lock(void)
{
    rcu_cpus[port_cpu_id()].nesting++;
    port_compiler_barrier(); /* the section's loads stay after the increment */
}

static inline void rcu_read_unlock(void)
{
    port_compiler_barrier(); /* the section's loads stay before the decrement */
    rcu_cpus[port_cpu_id()].nesting--;
}

#ifndef ARMADA_HOST
/* A plain load: the address dependency orders the loads through it (ARMv8). */
#define rcu_dereference(p) READ_ONCE(p)
#else
/* C11 has no usable consume: compilers promote it to acquire, and so do we. */
#define rcu_dereference(p) __atomic_load_n(&(p), __ATOMIC_ACQUIRE)
#endif
/* STLR: the object's initialisation is visible before the pointer to it. */
#define rcu_assign_pointer(p, v) port_store_release(&(p), (v))

/* This core holds no RCU reference now (not inside a read-side section). */
void rcu_quiescent_state(void);

/* The same for a hot path (the context switch): the common case, no report
 * wanted from this core, is one relaxed load inline. A bit published just
 * now and missed here is seen at the core's next quiescent point (and
 * synchronize_rcu re-kicks laggards); the full call orders what matters. */
extern uint64_t rcu_qs_needed __attribute__((visibility("hidden"))); /* cores yet to report (sync/rcu.c) */
/* cpu: the calling core, where the caller has its number at hand. */
static inline void rcu_quiescent_state_if_wanted_on(uint32_t cpu)
{
    if (port_load_relaxed(&rcu_qs_needed) & (1ULL << cpu))
        rcu_quiescent_state();
}
static inline void rcu_quiescent_state_if_wanted(void) { rcu_quiescent_state_if_wanted_on(port_cpu_id()); }
/* The calling core has just been marked offline and runs no more read-side
 * sections: it stops counting in the current grace period (which may end
 * here). Without this a grace period that only call_rcu waits for, started
 * just before the mark, waited for the gone core for good. */
void rcu_cpu_offline(void);
/* Queue func(head) to run after a grace period; runs on whichever core ends it. */
void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head));
/* Wait for a grace period; call outside any read-side section. */
void synchronize_rcu(void);
/* Grace periods completed so far (a statistic for tests and benches). */
uint64_t rcu_gp_completed(void);

/* Provided by the build: wake these cores so they report (image: an IPI). */
void rcu_kick_cpus(uint64_t mask);
/* Image: the idle loop's step: report, then WFI without losing a wake-up. */
void rcu_idle_wfi(void);

#endif
