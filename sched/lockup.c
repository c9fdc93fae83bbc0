/* The lockup detector: see lockup.h. */
#include <arch/exception.h>
#include <arch/timer.h>
#include <drivers/timer.h>
#include <lib/fmt.h>
#include <lib/ksyms.h>
#include <lib/print.h>
#include <sched/internal.h>
#include <sched/lockup.h>
#include <string.h>
#include <sync/lockstat.h>

struct lockup_sample lockup_samples[MAX_CPUS];

/* What core `cpu`'s watcher remembers of it (only that watcher writes it). */
struct watched {
    uint64_t slice_start; /* the slice it saw last */
    bool reported;        /* this stuck slice was reported already */
};

static struct {
    struct timer_event tick;
    struct watched target;
} __attribute__((aligned(CACHE_LINE))) watches[MAX_CPUS];

static uint32_t reports;            /* atomic: a count, for tests */
static struct lockup_report last;   /* written under last_lock */
static DEFINE_SPINLOCK(last_lock, "lockup-report");
static bool fail_run_off;           /* relaxed: a test's switch */


static uint64_t ms_to_ticks(uint64_t ms) { return timer_ns_to_ticks(ms * 1000000ULL); }
static uint64_t ticks_to_ms(uint64_t t) { return timer_ticks_to_ns(t) / 1000000ULL; }

uint64_t lockup_limit_ms(void)
{
    uint64_t by_cores = (uint64_t)cpus_online_count() * LOCKUP_LIMIT_MS_PER_CORE;
    return by_cores > LOCKUP_LIMIT_MS ? by_cores : LOCKUP_LIMIT_MS;
}

/* The core this one watches: the previous online one, or itself if alone. */
static uint32_t watched_core(uint32_t me)
{
    for (uint32_t i = 1; i < cpus_possible; i++) {
        uint32_t cpu = (me + cpus_possible - i) % cpus_possible;
        if (cpu_is_online(cpu))
            return cpu;
    }
    return me;
}

struct names {
    char *buf;
    unsigned len, size;
    bool console; /* the console's own lock is among them */
};

static void add_name(const struct lockstat *s, void *arg)
{
    struct names *n = arg;
    if (s->name && !strcmp(s->name, "console"))
        n->console = true;
    if (n->len + 1 < n->size)
        n->len += (unsigned)fmt_snprintf(n->buf + n->len, n->size - n->len, "%s\"%s\"", n->len ? " " : "",
                                         s->name ? s->name : "(anon)");
    if (n->len >= n->size)
        n->len = n->size - 1;
}

static void add_held(const struct lockstat *s, int32_t holder, void *arg)
{
    struct names *n = arg;
    if (n->len + 1 < n->size)
        n->len += (unsigned)fmt_snprintf(n->buf + n->len, n->size - n->len, " \"%s\"=cpu%d", s->name ? s->name : "(anon)",
                                         holder);
    if (n->len >= n->size)
        n->len = n->size - 1;
}

static void report(uint32_t cpu, struct proc *p, uint64_t stuck, uint64_t limit_ms, bool masked, uint64_t now)
{
    struct lockup_report r = {.cpu = cpu, .pid = p->pid, .stuck_ms = ticks_to_ms(stuck), .limit_ms = limit_ms,
                              .irqs_masked = masked};
    r.pc = READ_ONCE(lockup_samples[cpu].pc);
    r.pc_age_ms = ticks_to_ms(now - READ_ONCE(lockup_samples[cpu].at));
    struct names n = {r.lock_names, 0, sizeof r.lock_names, false};
    r.locks = lockstat_held_by(cpu, add_name, &n);
    /* A stuck core that holds the console lock would stop this line too:
     * then it goes out without the lock (its holder writes nothing more). */
    int (*print)(const char *, ...) = n.console ? kprintf_unlocked : kprintf;
    struct ksym at = {"?", 0};
    ksym_lookup(r.pc, &at);
    print("lockup: cpu%u stuck for %lu ms (limit %lu) in pid %lu, %s; pc %#lx (%s+%#lx) at its last interrupt "
            "(%lu ms ago); holds %u lock(s)%s%s\n",
            cpu, (unsigned long)r.stuck_ms, (unsigned long)limit_ms, (unsigned long)(uint32_t)r.pid,
            masked ? "interrupts masked" : "no reduction point and no preemption", (unsigned long)r.pc, at.name,
            (unsigned long)at.offset, (unsigned long)r.pc_age_ms, r.locks, r.locks ? ": " : "", r.lock_names);
    char all[PRINT_LINE_MAX - 32];
    struct names held = {all, 0, sizeof all, false};
    all[0] = 0;
    if (lockstat_held(add_held, &held))
        print("lockup: locks held now:%s\n", all); /* what the stuck core may be waiting for */
    uint64_t flags = spin_lock_irqsave(&last_lock);
    last = r;
    spin_unlock_irqrestore(&last_lock, flags);
    __atomic_fetch_add(&reports, 1, __ATOMIC_RELEASE); /* the report is stored before it is counted */
    if (panic_poweroff && !__atomic_load_n(&fail_run_off, __ATOMIC_RELAXED))
        panic("lockup on cpu%u (pid %lu, pc %#lx): the run fails", cpu, (unsigned long)(uint32_t)r.pid,
              (unsigned long)r.pc);
}

static void check(uint32_t cpu, struct watched *w, uint64_t now)
{
    struct sched_core *c = &sched_cores[cpu];
    /* Racy snapshots on purpose: a core that moves on changes them, and a
     * stale read only delays a report by one period. */
    struct proc *p = READ_ONCE(c->current);
    uint64_t slice = READ_ONCE(c->slice_start);
    if (p == &c->idle || slice != w->slice_start) {
        w->slice_start = slice;
        w->reported = false;
        return;
    }
    uint64_t stuck = now - slice, limit_ms = lockup_limit_ms();
    if (w->reported || stuck < ms_to_ticks(limit_ms))
        return;
    w->reported = true;
    /* With interrupts on, the core's own watch tick alone samples it every
     * LOCKUP_CHECK_MS: a sample far older than that means they are masked. */
    bool masked = now - READ_ONCE(lockup_samples[cpu].at) > ms_to_ticks(limit_ms / 2);
    report(cpu, p, stuck, limit_ms, masked, now);
}

static void watch_tick(void *arg)
{
    (void)arg;
    uint32_t me = this_cpu_id();
    uint64_t now = timer_now();
    uint32_t cpu = watched_core(me);
    if (cpu != me && sched_is_running())
        check(cpu, &watches[cpu].target, now);
    timer_event_add(&watches[me].tick, now + ms_to_ticks(LOCKUP_CHECK_MS), watch_tick, NULL);
}

void lockup_watch_start(void)
{
    timer_event_add(&watches[this_cpu_id()].tick, timer_now() + ms_to_ticks(LOCKUP_CHECK_MS), watch_tick, NULL);
}

const void *lockup_watch_event(uint32_t cpu) { return &watches[cpu].tick; }

uint32_t sched_lockup_reports(void) { return __atomic_load_n(&reports, __ATOMIC_ACQUIRE); } /* pairs with report() */

bool sched_lockup_last(struct lockup_report *out)
{
    if (!sched_lockup_reports())
        return false;
    uint64_t flags = spin_lock_irqsave(&last_lock);
    *out = last;
    spin_unlock_irqrestore(&last_lock, flags);
    return true;
}

void sched_lockup_fail_run(bool on) { __atomic_store_n(&fail_run_off, !on, __ATOMIC_RELAXED); }
