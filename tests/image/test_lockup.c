/* The lockup detector (sched/lockup.h) finds a core stuck on purpose and
 * names it: the core, the process, where it was, the lock it holds. Named
 * only (each sticks a core for the limit and more): test=lockup runs
 * the two that check the report themselves; lockup_fails_run is the one that
 * leaves the detector's test-mode verdict on, so the run must fail (a panic,
 * tests/qemu/matrix.sh expects it). */
#include <arch/atomic.h>
#include <arch/cpu.h>
#include <arch/sysreg.h>
#include <sched/lockup.h>
#include <string.h>
#include <sync/rcu.h>
#include <sync/spinlock.h>
#include <tests/image/harness.h>
#include <tests/image/proc_helpers.h>

#define STUCK_CPU 1
/* A report is due LOCKUP_LIMIT_MS after the core stuck, one watch period
 * later at most; allow a busy host on top. */
#define REPORT_WAIT_MS (lockup_limit_ms() + 2 * LOCKUP_CHECK_MS + TEST_BUSY_HOST_MS + 2000)
#define PC_NEAR 64 /* bytes: the report's pc lies in the spin loop */

static DEFINE_SPINLOCK(victim, "lockup-victim");
static uint32_t release_stuck; /* the test lets the stuck process go */
static uint64_t loop_pc;       /* an address inside the spin loop */

static void spin_until_released(void)
{
    while (!load_acquire(&release_stuck)) { /* acquire: pairs with the test's release */
        uint64_t here;
        __asm__ volatile("adr %0, ." : "=r"(here)); /* no reduction point, no call: just a loop */
        WRITE_ONCE(loop_pc, here);
    }
}

/* In an RCU read-side section: the slice timer still interrupts, but cannot
 * preempt it. */
static void stuck_unpreemptible(void *arg)
{
    (void)arg;
    spin_lock(&victim);
    rcu_read_lock();
    spin_until_released();
    rcu_read_unlock();
    spin_unlock(&victim);
}

/* Interrupts masked: not even the timer gets in. */
static void stuck_irqs_masked(void *arg)
{
    (void)arg;
    uint64_t flags = irq_save();
    spin_lock(&victim);
    spin_until_released();
    spin_unlock(&victim);
    irq_restore(flags);
}

static bool wait_report(uint32_t before, struct lockup_report *r)
{
    for (uint64_t ms = 0; ms < REPORT_WAIT_MS; ms += 50) {
        if (sched_lockup_reports() != before)
            return sched_lockup_last(r);
        sleep_ms(50);
    }
    return false;
}

static bool stick_and_check(proc_fn fn, bool masked)
{
    if (cpus_online_count() <= STUCK_CPU)
        TEST_SKIP("%u core(s): no core %u to stick and watch", cpus_online_count(), STUCK_CPU);
    sched_lockup_fail_run(false); /* this test judges the report itself */
    WRITE_ONCE(release_stuck, 0);
    uint32_t before = sched_lockup_reports();
    uint64_t ref;
    pid_t pid = spawn_monitored(fn, NULL, STUCK_CPU, PRIO_NORMAL, &ref);
    TEST_ASSERT(pid, "spawn failed: %s", spawn_error());
    struct lockup_report r;
    bool got = wait_report(before, &r);
    store_release(&release_stuck, 1); /* release: the process may go, whatever we found */
    struct exit_reason why;
    bool ended = wait_down(ref, &why);
    sched_lockup_fail_run(true);
    TEST_ASSERT(got, "no lockup report within %lu ms of sticking cpu%u", (unsigned long)REPORT_WAIT_MS, STUCK_CPU);
    TEST_ASSERT(ended, "the stuck process did not end once released");
    TEST_ASSERT(r.cpu == STUCK_CPU, "the report names cpu%u, not cpu%u", r.cpu, STUCK_CPU);
    TEST_ASSERT(r.pid == pid, "the report names pid %lu, not the stuck pid %lu", (unsigned long)(uint32_t)r.pid,
                (unsigned long)(uint32_t)pid);
    TEST_ASSERT(r.limit_ms == lockup_limit_ms() && r.stuck_ms >= r.limit_ms,
                "reported after %lu ms, limit %lu (now %lu)", (unsigned long)r.stuck_ms, (unsigned long)r.limit_ms,
                (unsigned long)lockup_limit_ms());
    TEST_ASSERT(r.irqs_masked == masked, "reported with interrupts %s; they were %s", r.irqs_masked ? "masked" : "on",
                masked ? "masked" : "on");
    TEST_ASSERT(r.locks == 1 && !strcmp(r.lock_names, "\"lockup-victim\""), "held locks reported: %u (%s)", r.locks,
                r.lock_names);
    if (!masked) /* the slice timer kept sampling it: the pc is in the loop */
        TEST_ASSERT(r.pc + PC_NEAR >= loop_pc && r.pc <= loop_pc + PC_NEAR,
                    "reported pc %#lx is not in the spin loop (%#lx)", (unsigned long)r.pc, (unsigned long)loop_pc);
    return true;
}

IMAGE_TEST_EXPLICIT(lockup, unpreemptible_process_is_named) { return stick_and_check(stuck_unpreemptible, false); }
IMAGE_TEST_EXPLICIT(lockup, masked_interrupts_are_named) { return stick_and_check(stuck_irqs_masked, true); }

/* Ends the run: selected only by name (test=lockup_fails_run). */
IMAGE_TEST_EXPLICIT(lockup_fails_run, stuck_core_fails_the_run)
{
    if (cpus_online_count() <= STUCK_CPU)
        TEST_SKIP("%u core(s): no core %u to stick and watch", cpus_online_count(), STUCK_CPU);
    WRITE_ONCE(release_stuck, 0);
    uint64_t ref;
    spawn_monitored(stuck_irqs_masked, NULL, STUCK_CPU, PRIO_NORMAL, &ref);
    sleep_ms(REPORT_WAIT_MS);
    TEST_FAIL("the run went on %lu ms after cpu%u stuck", (unsigned long)REPORT_WAIT_MS, STUCK_CPU);
}
