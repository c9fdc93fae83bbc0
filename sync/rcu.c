/*
 * RCU grace periods: see rcu.h. Portable (sync/portable.h).
 * One grace period runs at a time. Starting one (under rcu_lock) publishes
 * the mask of cores that must report; each core clears its bit at its next
 * quiescent state; the core that clears the last bit ends the grace period,
 * runs the callbacks whose grace period is over, and starts the next one if
 * more callbacks wait. synchronize_rcu is call_rcu with a "done" flag.
 */
#include <stddef.h>

#include <sync/rcu.h>

#define RCU_REKICK_SPINS 4096 /* re-send wake-ups to laggards this often while waiting */

struct rcu_cpu rcu_cpus[PORT_MAX_CPUS];

static DEFINE_PORT_LOCK(rcu_lock, "rcu");
static uint64_t gp_started;       /* under rcu_lock */
static uint64_t gp_completed;     /* written under rcu_lock; read lock-free */
uint64_t rcu_qs_needed;            /* cores yet to report in the current grace period */
static struct rcu_head *cb_head;  /* under rcu_lock, in queueing order */
static struct rcu_head **cb_tail = &cb_head;

uint64_t rcu_gp_completed(void) { return port_load_acquire(&gp_completed); }

/* Under rcu_lock; returns the cores to wake. */
static uint64_t start_gp_locked(void)
{
    uint64_t mask = port_online_mask();
    gp_started++;
    if (!mask)
        mask = 1ULL << port_cpu_id();
    /* Release: the updater's unpublishing stores (before call_rcu) are visible
     * before any core sees its bit; a core that reads the mask with acquire
     * and reports afterwards cannot then find the old pointer. */
    port_store_release(&rcu_qs_needed, mask);
    return mask & ~(1ULL << port_cpu_id());
}

/* The last core to report: end the grace period, run what it released. */
static void end_gp(void)
{
    uint64_t flags = port_lock(&rcu_lock);
    /* Release: pairs with rcu_gp_completed()'s acquire. */
    port_store_release(&gp_completed, gp_started);
    struct rcu_head *ready = NULL, **ready_tail = &ready;
    while (cb_head && cb_head->gp <= gp_completed) {
        *ready_tail = cb_head;
        ready_tail = &cb_head->next;
        cb_head = cb_head->next;
    }
    *ready_tail = NULL;
    if (!cb_head)
        cb_tail = &cb_head;
    uint64_t wake = cb_head ? start_gp_locked() : 0;
    port_unlock(&rcu_lock, flags);
    if (wake)
        rcu_kick_cpus(wake);
    while (ready) {
        struct rcu_head *next = ready->next; /* func may free or reuse ready */
        ready->func(ready);
        ready = next;
    }
}

void rcu_quiescent_state(void)
{
    uint32_t me = port_cpu_id();
    if (rcu_cpus[me].nesting) /* inside a read-side section: not quiescent */
        return;
    uint64_t bit = 1ULL << me;
    /* Ending a grace period may start the next, which counts on us too and
     * does not kick us (start_gp_locked leaves the caller out): we are still
     * at a quiescent point, so report for it as well, or we might sleep
     * without ever reporting and stall it. */
    for (;;) {
        /* Acquire: pairs with start_gp_locked's release (see there). */
        if (!(port_load_acquire(&rcu_qs_needed) & bit))
            return;
        /* Fully ordered RMW (LDXR/STLXR + DMB ISH, or LDCLRAL): every load of
         * our finished read-side sections is performed before the report is seen. */
        if (port_fetch_and64(&rcu_qs_needed, ~bit) != bit)
            return;
        end_gp();
    }
}

void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head))
{
    head->func = func;
    head->next = NULL;
    uint64_t flags = port_lock(&rcu_lock);
    head->gp = gp_started + 1; /* a grace period that starts after now */
    *cb_tail = head;
    cb_tail = &head->next;
    uint64_t wake = gp_completed == gp_started ? start_gp_locked() : 0;
    port_unlock(&rcu_lock, flags);
    if (wake)
        rcu_kick_cpus(wake);
}

/* Reporting for `bits` found `old` in rcu_qs_needed: were they the last? */
static bool cleared_the_last(uint64_t old, uint64_t bits) { return (old & bits) && !(old & ~bits); }

/* A core that went offline during the grace period will never report: report
 * for it (it runs no code, so it holds no reference). */
static void forget_offline(void)
{
    uint64_t gone = port_load_relaxed(&rcu_qs_needed) & ~port_online_mask();
    if (!gone)
        return;
    uint64_t old = port_fetch_and64(&rcu_qs_needed, ~gone);
    if (cleared_the_last(old, gone))
        end_gp();
}

void rcu_cpu_offline(void)
{
    uint64_t bit = 1ULL << port_cpu_id();
    /* Under rcu_lock: a grace period started before this saw us online and
     * has our bit, which we clear here; one started after reads the online
     * mask after our offline mark (ordered by the lock) and leaves us out. */
    uint64_t flags = port_lock(&rcu_lock);
    uint64_t old = port_fetch_and64(&rcu_qs_needed, ~bit);
    port_unlock(&rcu_lock, flags);
    if (cleared_the_last(old, bit))
        end_gp();
}

struct rcu_waiter {
    struct rcu_head head; /* first: the callback gets this pointer */
    uint32_t done;
};

static void waiter_done(struct rcu_head *head)
{
    /* Release: the grace period's end (every report) happens before the
     * waiter returns and frees. */
    port_store_release(&((struct rcu_waiter *)head)->done, 1);
}

void synchronize_rcu(void)
{
    struct rcu_waiter w = {.done = 0};
    call_rcu(&w.head, waiter_done);
    for (uint32_t spins = 1; !port_load_acquire(&w.done); spins++) { /* acquire: pairs with waiter_done */
        rcu_quiescent_state();
        if (spins % RCU_REKICK_SPINS == 0) { /* a wake-up may have come before a core slept */
            forget_offline();
            rcu_kick_cpus(port_load_relaxed(&rcu_qs_needed) & ~(1ULL << port_cpu_id()));
        }
    }
}
