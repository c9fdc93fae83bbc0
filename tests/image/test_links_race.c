/*
 * An exit with no links or monitors skips its links lock (links_on_exit
 * looks at the empty list without it). A monitor added at that moment must
 * still end in a DOWN: here the monitor's entry is held (a hook) between its
 * target's alive check and the insert while the target exits on another
 * core, so the exit sees an empty list; the adder must see the exit after
 * its insert and take the entry off again (links.c, add): monitor() then
 * says DOWN noproc at once, and no node is left behind.
 */
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <arch/timer.h>
#include <sched/internal.h> /* the target's state, its slot */
#include <sched/race_hooks.h>
#include <sched/sched.h>
#include <tests/image/harness.h>
#include <tests/image/proc_helpers.h>

static pid_t target;
static uint32_t target_go, target_exited_seen;

/* The target: waits (spinning: no reduction point, no message) for the go, then ends. */
static void spin_then_end(void *arg)
{
    (void)arg;
    /* Acquire: pairs with the hook's release (nothing else is passed). */
    while (!__atomic_load_n(&target_go, __ATOMIC_ACQUIRE))
        cpu_relax();
}

/* In add(), for the target's list: let it end, and wait until its exit is
 * over (its slot freed) before the entry goes on. Spins with interrupts
 * masked and the target's links lock held: a bounded wait (the code before
 * the change took that lock in every exit: it waits here until the bound). */
static void let_target_end(pid_t pid)
{
    if (pid != READ_ONCE(target))
        return;
    struct proc *p = proc_by_index((uint32_t)pid);
    __atomic_store_n(&target_go, 1, __ATOMIC_RELEASE); /* pairs with spin_then_end */
    uint64_t end = ms_from_now(200);
    while (timer_now() < end && __atomic_load_n(&p->state, __ATOMIC_RELAXED) != PROC_FREE)
        cpu_relax();
    WRITE_ONCE(target_exited_seen, __atomic_load_n(&p->state, __ATOMIC_RELAXED) == PROC_FREE);
}

IMAGE_TEST(races, monitor_racing_an_exit_without_links_gets_its_down)
{
    uint32_t other = cpus_online_count() > 1 ? 1 : 0;
    if (other == 0)
        TEST_SKIP("one core: the target must end on another core while the monitor is being added");
    target_go = target_exited_seen = 0;
    uint64_t nodes_before = sched_link_nodes_in_use();
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.pin_cpu = (int)other;
    WRITE_ONCE(target, spawn_opt(spin_then_end, NULL, &o, NULL));
    TEST_ASSERT(target, "spawn failed: %s", spawn_error());
    RACE_HOOK_SET(link_adding, let_target_end); /* read by add() */
    uint64_t ref = monitor(target);
    RACE_HOOK_SET(link_adding, NULL);
    WRITE_ONCE(target, 0);
    struct exit_reason why;
    bool down = wait_down(ref, &why);
    TEST_ASSERT(READ_ONCE(target_exited_seen), "the target did not end while its monitor was being added");
    TEST_ASSERT(down, "no DOWN for a monitor added while its target exited (its entry was lost)");
    TEST_ASSERT(why.kind == EXIT_NOPROC, "DOWN says %s, expected noproc (the target was gone before the entry)",
                exit_kind_name(why.kind));
    uint64_t nodes_after = sched_link_nodes_in_use();
    TEST_ASSERT(nodes_after == nodes_before, "%lu link nodes in use, %lu before: one left behind",
                (unsigned long)nodes_after, (unsigned long)nodes_before);
    return true;
}
