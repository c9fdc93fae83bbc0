/* Windows the race tests widen (tests/image/test_races.c). Each hook, when
 * set, is called at a point where another core or process may act, and may
 * spin there a while: the construction that makes an interleaving happen
 * every run instead of once in a million. NULL outside those tests. Set by a
 * test (RACE_HOOK_SET) before it starts the processes it watches (their
 * spawn orders the store), cleared after they are done. Until a test first
 * sets one, every site is a `nop` (a static branch, arch/static_branch.h);
 * from then on, a load and a branch not taken. */
#ifndef ARMADA_SCHED_RACE_HOOKS_H
#define ARMADA_SCHED_RACE_HOOKS_H

#include <arch/static_branch.h>
#include <sched/sched.h>

struct sched_race_hooks {
    /* deliver(): counted in as a sender of `to`'s slot, before its pid and
     * state are checked (a stale sender, a sender preempted mid-send). */
    void (*deliver_counted)(pid_t to);
    /* kill(): `pid` looked up, before its slot is told to die. */
    void (*kill_looked_up)(pid_t pid);
    /* timeout_fired(): before it marks `pid` timed out and wakes it. */
    void (*timeout_firing)(pid_t pid);
    /* timeout_cancel(): `pid`'s timeout read as queued on another core,
     * before that core is asked to remove it (which may hand it on meanwhile). */
    void (*timeout_cancel_asking)(pid_t pid);
    /* timeout_cancel(): `pid`'s timeout removed on the core it named (here
     * or by the cross-call), interrupts on, before the cancel looks whether
     * it is done (a kill or a move may come in between). */
    void (*timeout_cancel_removed)(pid_t pid);
    /* sched_cpu_down(): the going core (the argument) is about to take its
     * timers off its queue and mark the receive timeouts among them moving. */
    void (*timers_handing_on)(pid_t cpu);
    /* wait_for_mail(): before `pid` says it waits and looks once more. */
    void (*waiting_for_mail)(pid_t pid);
    /* enqueue(): `pid`'s target core read as online, before its queue is locked. */
    void (*enqueue_target_online)(pid_t pid);
    /* The idle loop: the core (as the argument) has reported its RCU
     * quiescent state and is about to look whether it is asked to go down. */
    void (*idle_reported_quiescent)(pid_t cpu);
    /* sched_cpu_down(): `pid` taken off the going core's queue, before it is
     * queued on another (a process in no queue, mid-migration). */
    void (*moving_off_going_core)(pid_t pid);
    /* dist/send.c: `pid` (the calling process) holds a node's entry, before
     * it queues its request there and lets go (a kill must wait for that). */
    void (*dist_entry_held)(pid_t pid);
    /* add() (links.c): `pid`'s list found alive, before the new link or
     * monitor entry goes on (its links lock held, interrupts masked). */
    void (*link_adding)(pid_t pid);
};
extern struct sched_race_hooks sched_race_hooks __attribute__((visibility("hidden"))); /* hidden: adrp, not a GOT load */

extern struct static_key sched_race_hooks_on __attribute__((visibility("hidden")));

/* Store a hook; the first one set turns every site on, on every core
 * (process context, interrupts on: a cross-call). */
void sched_race_hook_set(void (**slot)(pid_t), void (*fn)(pid_t));
#define RACE_HOOK_SET(name, fn) sched_race_hook_set(&sched_race_hooks.name, (fn))

static inline __attribute__((always_inline)) void race_hook_call(void (*const *slot)(pid_t), pid_t arg)
{
    if (static_branch_unlikely(&sched_race_hooks_on)) {
        void (*hook)(pid_t) = __atomic_load_n(slot, __ATOMIC_RELAXED);
        if (hook)
            hook(arg);
    }
}
#define RACE_HOOK(name, arg) race_hook_call(&sched_race_hooks.name, (arg))

#endif
