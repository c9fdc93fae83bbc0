/* Windows the race tests widen (tests/image/test_races.c). Each hook, when
 * set, is called at a point where another core or process may act, and may
 * spin there a while: the construction that makes an interleaving happen
 * every run instead of once in a million. NULL outside those tests (one load
 * and a branch not taken). Set by a test before it starts the processes it
 * watches (their spawn orders the store), cleared after they are done. */
#ifndef ARMADA_SCHED_RACE_HOOKS_H
#define ARMADA_SCHED_RACE_HOOKS_H

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

#define RACE_HOOK(name, arg)                                                                        \
    do {                                                                                            \
        void (*hook_)(pid_t) = __atomic_load_n(&sched_race_hooks.name, __ATOMIC_RELAXED);           \
        if (__builtin_expect(hook_ != NULL, 0))                                                     \
            hook_(arg);                                                                             \
    } while (0)

#endif
