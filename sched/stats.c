/* Seeing the scheduler work: per-core counters, a core's last recorded
 * events, and the process list (for the shell's stats, trace, ps). */
#include <arch/barrier.h>
#include <drivers/console.h>
#include <gic/irq.h>
#include <lib/fmt.h>
#include <lib/ksyms.h>
#include <sched/flight.h>
#include <sched/internal.h>

_Static_assert(TR_SWITCH == (int)FL_RUN && TR_IDLE == (int)FL_IDLE, "trace kinds are the recorder's first kinds");

uint64_t sched_idle_ticks(uint32_t cpu) { return READ_ONCE(sched_cores[cpu].count.idle_time); }

uint64_t sched_preemptions(uint32_t cpu) { return READ_ONCE(sched_cores[cpu].count.preemptions); }

void sched_totals(struct sched_totals *t)
{
    *t = (struct sched_totals){0};
    for (uint32_t cpu = 0; cpu < cpus_possible; cpu++) {
        const struct sched_counters *n = &sched_cores[cpu].count;
        t->switches += READ_ONCE(n->switches);
        t->sends += READ_ONCE(n->sends);
        t->steals += READ_ONCE(n->steals);
        t->preemptions += READ_ONCE(n->preemptions);
        t->spawns += READ_ONCE(n->spawns);
        t->exits += READ_ONCE(n->exits);
        t->migrations += READ_ONCE(n->migrations);
        t->ipi_wakeups += READ_ONCE(n->ipi_wakeups);
        t->wakeups_no_ipi += READ_ONCE(n->wakeups_no_ipi);
        t->balance_ipis += READ_ONCE(n->balance_ipis);
        t->idle_ticks += READ_ONCE(n->idle_time);
    }
}

void sched_print_stats(void)
{
    kprintf("cpu    switches  reductions  preempts    steals  migrated  spawns   exits     sends   dropped  ipi-wake  "
            "ipi-in  idle%%\n");
    uint64_t now = timer_now();
    for (uint32_t cpu = 0; cpu < cpus_possible; cpu++) {
        const struct sched_counters *n = &sched_cores[cpu].count;
        uint64_t idle_pct = now ? n->idle_time * 100 / now : 0;
        uint64_t ipi_in = 0;
        for (int k = 0; k < IPI_KIND_COUNT; k++)
            ipi_in += irq_cpu_stats[cpu].ipis_received[k];
        kprintf("%3u%s %10lu %11lu %9lu %9lu %9lu %7lu %7lu %9lu %9lu %9lu %7lu %5lu\n", cpu,
                cpu_is_online(cpu) ? " " : "*", (unsigned long)n->switches, (unsigned long)n->reductions,
                (unsigned long)n->preemptions, (unsigned long)n->steals, (unsigned long)n->migrations,
                (unsigned long)n->spawns, (unsigned long)n->exits, (unsigned long)n->sends,
                (unsigned long)n->dropped_sends, (unsigned long)n->ipi_wakeups, (unsigned long)ipi_in,
                (unsigned long)idle_pct);
    }
}

static const char *const state_names[] = {"free", "runnable", "running", "waiting", "exiting"};
static const char *const prio_names[] = {"max", "high", "normal", "low"};

uint32_t sched_process_count(void)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < MAX_PROC_CHUNKS * PROC_CHUNK; i++) {
        struct proc *p = proc_by_index(i);
        if (!p)
            break;
        uint8_t st = __atomic_load_n(&p->state, __ATOMIC_RELAXED); /* a snapshot */
        n += st != PROC_FREE && st != PROC_EXITING;
    }
    return n;
}

/* ps (issue 15): a process's registered name, else its entry function's. */
static void ps_name(const struct proc *p, char *out, unsigned cap)
{
    struct ksym fn;
    if (registry_name_of(p->pid, out, cap))
        return;
    if (p->entry && ksym_lookup((uintptr_t)p->entry, &fn))
        fmt_snprintf(out, cap, "%s()", fn.name);
    else
        fmt_snprintf(out, cap, "-");
}

/* One row of ps, taken before anything is printed: the snapshot takes
 * microseconds, the printing milliseconds (a process woken meanwhile would
 * show as runnable behind the shell). */
struct ps_row {
    pid_t pid;
    uint32_t index, generation, core;
    uint8_t state, prio;
    bool pinned, timeout;
    uint64_t reductions, stack;
    char name[32];
};
#define PS_FIRST SCHED_PS_FIRST  /* rows listed in slot order; past them only the running ones */
#define PS_ROWS (PS_FIRST + 16) /* and 16 running (more: counted below) */
static struct ps_row ps_rows[PS_ROWS]; /* 17 KiB: not on a process's stack */
static uint32_t ps_busy;               /* one ps at a time owns ps_rows and ps_remotes */
#define PS_REMOTE_MAX 128
static struct ps_remote ps_remotes[PS_REMOTE_MAX]; /* 13 KiB: the links and monitors with other nodes */
static ps_remote_fn ps_remote_hook;                /* set once by the distribution */

void sched_set_ps_remote(ps_remote_fn fn)
{
    /* Release: whatever fn reads was set up before the pointer is seen. */
    __atomic_store_n(&ps_remote_hook, fn, __ATOMIC_RELEASE);
}

/* The remote links and monitors of the process in row r, indented under it. */
static void ps_print_remotes(const struct ps_row *r, uint32_t n)
{
    static const char *const kinds[] = {"link", "monitors", "monitored by"};
    for (uint32_t i = 0; i < n; i++)
        if (ps_remotes[i].local == r->pid)
            kprintf("         %-12s %s\n", kinds[ps_remotes[i].kind % 3], ps_remotes[i].remote);
}

void sched_print_ps(void)
{
    /* Acquire: the rows are ours only once we own them (pairs with the release below). */
    if (__atomic_exchange_n(&ps_busy, 1, __ATOMIC_ACQUIRE)) {
        kprintf("ps: another ps is printing; try again\n");
        return;
    }
    struct ps_row *rows = ps_rows;
    uint32_t shown = 0, total = 0;
    for (uint32_t i = 0; i < MAX_PROC_CHUNKS * PROC_CHUNK; i++) {
        struct proc *p = proc_by_index(i);
        if (!p)
            break;
        uint8_t st = __atomic_load_n(&p->state, __ATOMIC_RELAXED); /* a snapshot, racy by design */
        if (st == PROC_FREE || st == PROC_EXITING)
            continue;
        total++;
        /* Past the first PS_FIRST, only the running ones: the caller is always
         * among them, whatever its index (the demo's ring may spawn ahead of the shell). */
        if ((shown >= PS_FIRST && st != PROC_RUNNING) || shown == PS_ROWS)
            continue;
        struct ps_row *r = &rows[shown++];
        *r = (struct ps_row){p->pid, p->index, (uint32_t)(p->pid >> 32), p->core, st, (uint8_t)(p->prio % 4), p->pinned >= 0,
                             READ_ONCE(p->timeout_cpu) != NO_TIMEOUT, p->reductions, p->stack_mapped, ""};
        ps_name(p, r->name, sizeof r->name);
    }
    /* Acquire: pairs with sched_set_ps_remote's release; the hook's setup is seen. */
    ps_remote_fn hook = __atomic_load_n(&ps_remote_hook, __ATOMIC_ACQUIRE);
    uint32_t remotes = hook ? hook(ps_remotes, PS_REMOTE_MAX) : 0;
    uint32_t remotes_kept = remotes < PS_REMOTE_MAX ? remotes : PS_REMOTE_MAX;
    kprintf("   pid        state     prio   core  pinned  reductions  stack  name (registered, or entry function), waiting in\n");
    for (uint32_t k = 0; k < shown; k++) {
        const struct ps_row *r = &rows[k];
        kprintf("<%u.%u> %*s %-8s %-6s %4u  %6s  %10lu  %5lu  %s%s\n", r->index, r->generation,
                r->index < 10 ? 4 : r->index < 100 ? 3 : 2, "", state_names[r->state], prio_names[r->prio], r->core,
                r->pinned ? "yes" : "-", (unsigned long)r->reductions, (unsigned long)r->stack, r->name,
                r->state != PROC_WAITING ? ""
                : r->timeout             ? ", receive with a timeout (or sleep)"
                                         : ", receive");
        ps_print_remotes(r, remotes_kept);
    }
    if (remotes > remotes_kept)
        kprintf("... and %u more links and monitors with other nodes\n", remotes - remotes_kept);
    if (total > shown)
        kprintf("... and %u more\n", total - shown);
    kprintf("%u process(es)\n", total);
    /* Release: our reads of the rows are done before the next ps writes them. */
    __atomic_store_n(&ps_busy, 0, __ATOMIC_RELEASE);
}

/* Record names, in enum flight_kind's order. */
static const char *const flight_kind_names[] = {"switch",  "spawn",  "exit",   "steal",     "migrate",  "preempt",
                                                "wake",    "idle",   "send",   "recv",      "entry",    "ipi-send",
                                                "ipi-in",  "irq",    "timer",  "idle-exit", "cpu-down", "cpu-up",
                                                "lock-wait"};
_Static_assert(sizeof flight_kind_names / sizeof *flight_kind_names == FL_KIND_COUNT, "a name per record kind");

static void print_record(const struct flight_rec *e, void *ctx)
{
    (void)ctx;
    struct flight_rec r = *e; /* one copy: the core may be recording over it (the print is a look, not a dump) */
    const char *kind = r.kind < FL_KIND_COUNT ? flight_kind_names[r.kind] : "?";
    unsigned long us = (unsigned long)(timer_ticks_to_ns(r.time) / 1000);
    if (!r.pid)
        kprintf("  %12lu us  %-9s idle  %u\n", us, kind, r.arg);
    else
        kprintf("  %12lu us  %-9s <%u.%u>  %u\n", us, kind, (uint32_t)r.pid, (uint32_t)(r.pid >> 32), r.arg);
}

void sched_print_trace(uint32_t cpu, uint32_t last)
{
    if (cpu >= cpus_possible)
        return;
    uint64_t end = flight_recorded(cpu);
    uint64_t n = last < FLIGHT_LEN ? last : FLIGHT_LEN;
    if (n > end)
        n = end;
    if (!n) {
        kprintf("trace: cpu%u has recorded nothing ('trace on' records)\n", cpu);
        return;
    }
    kprintf("trace of cpu%u, last %u event(s):\n", cpu, (uint32_t)n);
    flight_each_between(cpu, end - n, end, print_record, NULL);
}
