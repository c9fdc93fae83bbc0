/*
 * The races of issue 11 in the send, kill, exit and switch paths, each made
 * to happen: a hook (sched/race_hooks.h) holds one side inside its window
 * while the other side acts, so each test fails on every run against the
 * code before its fix rather than once in a million.
 */
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <arch/timer.h>
#include <sched/internal.h> /* a slot's senders count, the stack slots, the core's current process */
#include <sched/race_hooks.h>
#include <sched/sched.h>
#include <sync/rcu.h>
#include <tests/image/harness.h>
#include <tests/image/proc_helpers.h>

#define WAIT_MS 5000

/* Spin until *flag is set or `ms` pass; true if it was set. */
static bool wait_flag(uint32_t *flag, uint64_t ms)
{
    uint64_t end = ms_from_now(ms);
    /* Acquire: what the setter wrote before the flag is visible after it. */
    while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE))
        if (timer_now() >= end)
            return false;
    return true;
}

static void set_flag(uint32_t *flag) { __atomic_store_n(flag, 1, __ATOMIC_RELEASE); /* pairs with wait_flag */ }

static void clear_hooks(void)
{
    RACE_HOOK_SET(deliver_counted, NULL);
    RACE_HOOK_SET(kill_looked_up, NULL);
    RACE_HOOK_SET(timeout_firing, NULL);
    RACE_HOOK_SET(waiting_for_mail, NULL);
}

static void quick_exit(void *arg) { (void)arg; }

static void wait_one_message(void *arg)
{
    (void)arg;
    uint32_t v;
    receive(NULL, NULL, &v, sizeof v, WAIT_MS, NULL);
}

/* --- 2: a stale sender counted into a slot that is reused meanwhile --- */
static pid_t stale_target, reused_pid;
static uint32_t sender_in_window, slot_reused;

static void hold_stale_sender(pid_t to)
{
    if (to != READ_ONCE(stale_target))
        return;
    set_flag(&sender_in_window);
    wait_flag(&slot_reused, 2000); /* the slot is spawned into while we are counted in */
}

static void spawn_into_the_slot(void *arg)
{
    (void)arg;
    if (!wait_flag(&sender_in_window, 2000))
        return;
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.pin_cpu = (int)this_cpu_id(); /* our free list holds the slot that just ended here */
    WRITE_ONCE(reused_pid, spawn_opt(wait_one_message, NULL, &o, NULL));
    set_flag(&slot_reused);
}

IMAGE_TEST(races, stale_sender_leaves_senders_balanced)
{
    if (cpus_online_count() < 2)
        TEST_SKIP("needs two cores");
    uint64_t ref;
    pid_t old = spawn_monitored(quick_exit, NULL, 1, PRIO_NORMAL, &ref);
    TEST_ASSERT(wait_down(ref, NULL), "no DOWN from the first process");
    sender_in_window = slot_reused = 0;
    reused_pid = 0;
    stale_target = old;
    RACE_HOOK_SET(deliver_counted, hold_stale_sender);
    uint64_t sref;
    spawn_monitored(spawn_into_the_slot, NULL, 1, PRIO_NORMAL, &sref); /* orders the hook before it runs */
    uint32_t v = 1;
    send(old, &v, sizeof v); /* stale: dropped, after the slot was reused under us */
    clear_hooks();
    TEST_ASSERT(wait_down(sref, NULL), "the spawner did not finish");
    pid_t young = READ_ONCE(reused_pid);
    TEST_ASSERT(young && (uint32_t)young == (uint32_t)old, "slot not reused (%#lx after %#lx): test premise",
                (unsigned long)young, (unsigned long)old);
    struct proc *p = proc_by_index((uint32_t)young);
    uint32_t senders = __atomic_load_n(&p->senders, __ATOMIC_RELAXED);
    if (senders) /* put it right, or the new process's exit would spin forever with interrupts masked */
        __atomic_store_n(&p->senders, 0, __ATOMIC_RELAXED);
    send(young, &v, sizeof v);
    TEST_ASSERT(senders == 0, "the new process's senders count is %#x after a stale send", senders);
    return true;
}

/* --- 3: a sender preempted inside deliver() on the receiver's own core --- */
static pid_t slow_target;

static void send_slowly(pid_t to)
{
    if (to != READ_ONCE(slow_target))
        return;
    uint64_t end = ms_from_now(10); /* five slices: the slice timer fires in here */
    while (timer_now() < end)
        cpu_relax();
}

static void sender_beside_an_exit(void *arg)
{
    (void)arg;
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.pin_cpu = (int)this_cpu_id();
    pid_t r = spawn_opt(quick_exit, NULL, &o, NULL); /* queued behind us: it exits when it runs */
    WRITE_ONCE(slow_target, r);
    uint32_t v = 3;
    send(r, &v, sizeof v);
}

IMAGE_TEST(races, exit_waits_for_a_sender_preempted_on_its_core)
{
    int cpu = cpus_online_count() > 1 ? 1 : 0;
    slow_target = 0;
    RACE_HOOK_SET(deliver_counted, send_slowly);
    uint64_t ref;
    spawn_monitored(sender_beside_an_exit, NULL, cpu, PRIO_NORMAL, &ref);
    bool down = wait_down(ref, NULL);
    clear_hooks();
    TEST_ASSERT(down, "the sender never finished: its receiver's exit waits for it on cpu%d", cpu);
    return true;
}

/* --- 4: kill() of a pid whose slot is reused between lookup and kill --- */
static pid_t kill_target, kill_reused;
static uint32_t killer_in_window, kill_slot_reused;

static void hold_killer(pid_t pid)
{
    if (pid != READ_ONCE(kill_target))
        return;
    set_flag(&killer_in_window);
    wait_flag(&kill_slot_reused, 300);
}

static void end_it_and_reuse_the_slot(void *arg)
{
    (void)arg;
    if (!wait_flag(&killer_in_window, 2000))
        return;
    uint32_t v = 4;
    send(READ_ONCE(kill_target), &v, sizeof v); /* it ends normally */
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.pin_cpu = (int)this_cpu_id();
    /* The misses live on until the end: one let go at once went back to the
     * top of the core's free list, above the victim's slot once that was
     * freed too, and every later try took the miss's slot again (seen once
     * in a full run on 8 cores). */
    static pid_t misses[100];
    int tries = 0;
    for (; tries < 100; tries++) {
        sleep_ms(1); /* its slot is freed once it is off the core */
        pid_t young = spawn_opt(wait_one_message, NULL, &o, NULL);
        if ((uint32_t)young == (uint32_t)kill_target) {
            WRITE_ONCE(kill_reused, young);
            set_flag(&kill_slot_reused);
            break;
        }
        misses[tries] = young;
    }
    for (int i = 0; i < tries && i < 100; i++)
        send(misses[i], &v, sizeof v); /* not the slot: let it go */
}

IMAGE_TEST(races, kill_of_a_stale_pid_misses_the_next_process)
{
    if (cpus_online_count() < 2)
        TEST_SKIP("needs two cores");
    killer_in_window = kill_slot_reused = 0;
    kill_reused = 0;
    uint64_t vref, href;
    pid_t victim = spawn_monitored(wait_one_message, NULL, 1, PRIO_NORMAL, &vref);
    kill_target = victim;
    RACE_HOOK_SET(kill_looked_up, hold_killer);
    spawn_monitored(end_it_and_reuse_the_slot, NULL, 1, PRIO_NORMAL, &href);
    kill(victim);
    clear_hooks();
    TEST_ASSERT(wait_down(href, NULL), "the helper did not finish");
    TEST_ASSERT(wait_down(vref, NULL), "the victim did not end");
    pid_t young = READ_ONCE(kill_reused);
    TEST_ASSERT(young, "the victim's slot was not reused: test premise");
    sleep_ms(20); /* a kill that reached it would have ended it by now */
    bool alive = is_alive(young);
    uint32_t v = 4;
    send(young, &v, sizeof v);
    TEST_ASSERT(alive, "kill(%#lx) killed %#lx, the next process in its slot", (unsigned long)victim,
                (unsigned long)young);
    return true;
}

/* --- 5: RCU callbacks run mid-switch; blocking inside a read-side section --- */
#define RCU_ROUNDS 200
static struct rcu_head heads[RCU_ROUNDS];
static uint32_t callbacks_run, callbacks_on_a_wrong_stack, callbacks_in_a_process;
static uint32_t yielders_stop;

/* Whose stack are we on? The slot index of sp, or -1 outside every process's. */
static int64_t stack_slot_of(uint64_t sp)
{
    if (sp < STACK_VA_BASE || sp >= STACK_VA_BASE + (uint64_t)MAX_PROC_CHUNKS * PROC_CHUNK * STACK_SLOT)
        return -1;
    return (int64_t)((sp - STACK_VA_BASE) / STACK_SLOT);
}

static void note_callback(struct rcu_head *h)
{
    (void)h;
    uint64_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    int64_t slot = stack_slot_of(sp - 1); /* a full stack's sp is its slot's top */
    struct sched_core *c = this_core(); /* interrupts are masked: we stay here */
    if (slot >= 0) {
        if (c->current == &c->idle || (uint32_t)slot != c->current->index)
            callbacks_on_a_wrong_stack++;
        else
            callbacks_in_a_process++;
    }
    __atomic_fetch_add(&callbacks_run, 1, __ATOMIC_RELEASE); /* our counts before the total */
}

IMAGE_TEST(races, rcu_callbacks_run_on_the_current_process_stack)
{
    uint32_t cores = cpus_online_count();
    callbacks_run = callbacks_on_a_wrong_stack = callbacks_in_a_process = 0;
    yielders_stop = 0;
    uint64_t refs[2 * MAX_CPUS];
    for (uint32_t i = 0; i < 2 * cores; i++)
        spawn_monitored(yield_until_set, &yielders_stop, (int)(i % cores), PRIO_NORMAL, &refs[i]);
    bool all_ran = true;
    for (uint32_t r = 0; r < RCU_ROUNDS && all_ran; r++) {
        call_rcu(&heads[r], note_callback);
        uint64_t end = ms_from_now(WAIT_MS);
        while (__atomic_load_n(&callbacks_run, __ATOMIC_ACQUIRE) <= r && (all_ran = timer_now() < end))
            yield();
    }
    set_flag(&yielders_stop);
    for (uint32_t i = 0; i < 2 * cores; i++)
        wait_down(refs[i], NULL);
    TEST_ASSERT(all_ran, "%u of %u callbacks ran", callbacks_run, RCU_ROUNDS);
    TEST_ASSERT(!callbacks_on_a_wrong_stack,
                "%u of %u callbacks ran on another process's stack than the core's current one (mid-switch)",
                callbacks_on_a_wrong_stack, RCU_ROUNDS);
    kprintf("races: %u of %u callbacks ran at a switch, on the new process's stack\n", callbacks_in_a_process,
            RCU_ROUNDS);
    return true;
}

enum blocking_call { CALL_YIELD, CALL_SEND, CALL_RECEIVE };
static void block_inside_read_side(void *arg)
{
    enum blocking_call what = (enum blocking_call)(uintptr_t)arg;
    uint32_t v = 5;
    rcu_read_lock();
    if (what == CALL_YIELD)
        yield();
    else if (what == CALL_SEND)
        send(self(), &v, sizeof v);
    else
        receive(NULL, NULL, &v, sizeof v, 0, NULL);
    rcu_read_unlock();
}

IMAGE_TEST(races, blocking_inside_rcu_read_side_is_refused)
{
    static const char *const names[] = {"yield", "send", "receive"};
    for (uintptr_t what = CALL_YIELD; what <= CALL_RECEIVE; what++) {
        uint64_t ref;
        struct exit_reason why;
        spawn_monitored(block_inside_read_side, (void *)what, -1, PRIO_NORMAL, &ref);
        TEST_ASSERT(wait_down(ref, &why), "%s inside a read-side section: no DOWN", names[what]);
        TEST_ASSERT(why.kind == EXIT_FAULT && why.class == EXIT_CLASS_RCU_BLOCK,
                    "%s inside a read-side section: it ended %s (class %#x), not refused", names[what],
                    exit_kind_name(why.kind), why.class);
    }
    return true;
}

/* --- 6: per-core counters through a core pointer gone stale --- */
#define COUNTING_SENDERS_PER_CORE 3
#define COUNTED_SENDS 400
static pid_t dead_pid;
static uint32_t counted_calls;

static void sometimes_linger(pid_t to)
{
    if (to != READ_ONCE(dead_pid))
        return;
    if (__atomic_fetch_add(&counted_calls, 1, __ATOMIC_RELAXED) % 16) /* a count */
        return;
    uint64_t end = ms_from_now(3); /* past a slice: preempted (before the fix), perhaps stolen */
    while (timer_now() < end)
        cpu_relax();
}

static void send_to_the_dead(void *arg)
{
    (void)arg;
    uint32_t v = 6;
    for (int i = 0; i < COUNTED_SENDS; i++)
        send(READ_ONCE(dead_pid), &v, sizeof v);
}

IMAGE_TEST(races, dropped_sends_counted_exactly_across_migrations)
{
    uint32_t cores = cpus_online_count();
    if (cores < 2)
        TEST_SKIP("needs two cores");
    uint64_t ref;
    /* Ended on cpu1: its slot waits in cpu1's free list, not reused by the
     * senders we spawn from here (a sender in it would wait at its exit for
     * the others' sends into its own slot). */
    pid_t dead = spawn_monitored(quick_exit, NULL, 1, PRIO_NORMAL, &ref);
    TEST_ASSERT(wait_down(ref, NULL), "no DOWN");
    dead_pid = dead;
    counted_calls = 0;
    uint64_t before = sched_dropped_sends();
    RACE_HOOK_SET(deliver_counted, sometimes_linger);
    uint32_t n = COUNTING_SENDERS_PER_CORE * cores;
    uint64_t refs[COUNTING_SENDERS_PER_CORE * MAX_CPUS];
    for (uint32_t i = 0; i < n; i++)
        spawn_monitored(send_to_the_dead, NULL, -1, PRIO_NORMAL, &refs[i]);
    uint32_t done = 0; /* each DOWN within a generous deadline: a loaded host runs 8 vCPUs on 2 cores */
    for (uint32_t i = 0; i < n; i++)
        done += wait_down(refs[i], NULL) || wait_down(refs[i], NULL) || wait_down(refs[i], NULL);
    clear_hooks();
    bool all = done == n;
    uint64_t counted = sched_dropped_sends() - before, sent = (uint64_t)n * COUNTED_SENDS;
    TEST_ASSERT(all, "%u of %u senders finished", done, n);
    TEST_ASSERT(counted == sent, "%lu sends to a dead pid, %lu counted as dropped", (unsigned long)sent,
                (unsigned long)counted);
    return true;
}

/* --- 1: a timeout firing on one core as its process, moved to another,
 * goes to wait: store then load on both sides (Dekker). The hooks meet both
 * sides at a two-party barrier just before their stores, so they run the
 * protocol at the same moment, try after try, as the litmus SB test does;
 * without the timer side's full barrier, both can miss each other and the
 * process sleeps on with its timeout spent. --- */
#define TIMEOUT_TRIES 100 /* 400 took 12 s of every suite run (about 2 min of make test) */
#define TRY_TIMEOUT_MS 2
static pid_t sleeper;
static uint32_t at_barrier, barrier_round;
static uint32_t nudged; /* this try's nudge is sent: the next meeting is the race */

/* Both sides arrive, then both leave together (bounded: one side may not
 * come). Only between a nudge and the try's end: the sleeper's first wait
 * of a try, before its timer can fire, meets nobody. */
static void meet(pid_t pid)
{
    if (pid != READ_ONCE(sleeper) || !__atomic_load_n(&nudged, __ATOMIC_ACQUIRE))
        return;
    uint32_t round = __atomic_load_n(&barrier_round, __ATOMIC_ACQUIRE);
    if (__atomic_add_fetch(&at_barrier, 1, __ATOMIC_ACQ_REL) == 2) {
        __atomic_store_n(&at_barrier, 0, __ATOMIC_RELAXED);
        __atomic_store_n(&nudged, 0, __ATOMIC_RELAXED);
        __atomic_store_n(&barrier_round, round + 1, __ATOMIC_RELEASE); /* after the resets: pairs with the load */
        return;
    }
    uint64_t end = ms_from_now(20);
    uint32_t one = 1;
    while (__atomic_load_n(&barrier_round, __ATOMIC_ACQUIRE) == round) {
        /* Alone too long: leave, unless the other side arrived just now. */
        if (timer_now() >= end &&
            __atomic_compare_exchange_n(&at_barrier, &one, 0, false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
            return;
        one = 1;
    }
}

enum { NUDGE, WAKE, GO };
static bool is_value(const void *d, uint32_t l, const struct msg_info *i, void *ctx)
{
    (void)i;
    return l == 4 && *(const uint32_t *)d == (uint32_t)(uintptr_t)ctx;
}

static uint32_t timeouts_seen;
static void time_out_again_and_again(void *arg)
{
    (void)arg;
    uint32_t v;
    for (uint32_t i = 0; i < TIMEOUT_TRIES; i++) {
        /* In step with the test: each try starts at its GO. */
        if (receive(is_value, (void *)(uintptr_t)GO, &v, sizeof v, 4 * WAIT_MS, NULL) == RECEIVE_TIMEOUT)
            return;
        /* Only a WAKE matches: a NUDGE moves us and we wait on. */
        int n = receive(is_value, (void *)(uintptr_t)WAKE, &v, sizeof v, TRY_TIMEOUT_MS, NULL);
        if (n == RECEIVE_TIMEOUT)
            __atomic_fetch_add(&timeouts_seen, 1, __ATOMIC_RELEASE); /* our progress, for the test */
        while (receive(is_value, (void *)(uintptr_t)NUDGE, &v, sizeof v, 0, NULL) != RECEIVE_TIMEOUT)
            ; /* a nudge left over */
    }
}

IMAGE_TEST(races, timeout_wakes_a_process_that_moved_cores)
{
    uint32_t cores = cpus_online_count();
    if (cores < 3)
        TEST_SKIP("needs three cores: the test's, the timer's and the sleeper's");
    timeouts_seen = at_barrier = barrier_round = nudged = 0;
    uint64_t ref;
    sleeper = 0;
    pid_t pid = spawn_monitored(time_out_again_and_again, NULL, -1, PRIO_NORMAL, &ref);
    sleeper = pid;
    struct proc *p = proc_by_index((uint32_t)pid);
    RACE_HOOK_SET(timeout_firing, meet);
    RACE_HOOK_SET(waiting_for_mail, meet);
    uint32_t lost = 0, nudge = NUDGE, wake = WAKE, go = GO, tries = 0;
    for (uint32_t i = 0; i < TIMEOUT_TRIES && lost < 3 && is_alive(pid); i++, tries++) {
        /* Start the try; wait until it sleeps with its timeout armed on
         * some core, then make its next core another (it is in no queue
         * while it waits: the waker's enqueue reads `core` after winning the
         * wakeup) and nudge it there. */
        send(pid, &go, sizeof go);
        uint64_t end = ms_from_now(2 * TEST_BUSY_HOST_MS);
        uint32_t armed_on = NO_TIMEOUT;
        while (timer_now() < end &&
               (__atomic_load_n(&p->state, __ATOMIC_ACQUIRE) != PROC_WAITING ||
                (armed_on = __atomic_load_n(&p->timeout_cpu, __ATOMIC_ACQUIRE)) == NO_TIMEOUT))
            ;
        if (armed_on != NO_TIMEOUT) {
            uint32_t to = 1 + (armed_on % (cores - 1)); /* never the test's own core 0, never the timer's */
            if (to == armed_on)
                to = 1 + (to % (cores - 1));
            WRITE_ONCE(p->core, to);
            __atomic_store_n(&nudged, 1, __ATOMIC_RELEASE); /* the sleeper's next wait meets its timer */
            send(pid, &nudge, sizeof nudge);
        }
        /* Its timeout must end this try within TRY_TIMEOUT_MS and a busy host's margin. */
        end = ms_from_now(TRY_TIMEOUT_MS + 4 * TEST_BUSY_HOST_MS); /* vCPUs stall for 1 s on a loaded host */
        while (__atomic_load_n(&timeouts_seen, __ATOMIC_ACQUIRE) <= i && timer_now() < end)
            ;
        if (__atomic_load_n(&timeouts_seen, __ATOMIC_ACQUIRE) <= i) {
            lost++; /* it sleeps with its timeout spent: wake it by message, and count the try as done */
            send(pid, &wake, sizeof wake);
            __atomic_fetch_add(&timeouts_seen, 1, __ATOMIC_RELEASE);
        }
    }
    if (lost)
        kill(pid); /* it would go on sleeping through its timeouts */
    bool down = wait_down(ref, NULL);
    clear_hooks();
    TEST_ASSERT(!lost, "%u of %u timeouts never woke their process (it had moved cores after arming)", lost, tries);
    TEST_ASSERT(down, "the sleeper did not finish");
    TEST_ASSERT(tries == TIMEOUT_TRIES, "the sleeper ended after %u of %u tries", tries, TIMEOUT_TRIES);
    return true;
}

/* --- a kill that lands just before a receive's wait --- */
static pid_t waiter_target;
static uint32_t waiter_in_window, waiter_killed;

static void hold_waiter(pid_t pid)
{
    if (pid != READ_ONCE(waiter_target))
        return;
    set_flag(&waiter_in_window);
    wait_flag(&waiter_killed, WAIT_MS); /* interrupts masked: the kill comes from another core */
}

static void name_self_and_wait(void *arg)
{
    WRITE_ONCE(waiter_target, self()); /* before its receive: the hook knows it from its first wait */
    wait_one_message(arg);
}

/* The kill is pending as the receiver stores WAITING, so its wait ends
 * before it begins. The receive stays masked from its drain through the
 * wait: it must die right there. Before it did, it went round its loop,
 * masked, for good (seen under sched=global as a lockup panic). */
IMAGE_TEST(races, kill_just_before_a_wait_ends_the_receiver)
{
    if (cpus_online_count() < 2)
        TEST_SKIP("needs two cores: the receiver is held masked on its own");
    waiter_in_window = waiter_killed = 0;
    waiter_target = 0;
    RACE_HOOK_SET(waiting_for_mail, hold_waiter);
    uint64_t ref;
    struct exit_reason why;
    int other = (int)((this_cpu_id() + 1) % cpus_online_count());
    spawn_monitored(name_self_and_wait, NULL, other, PRIO_NORMAL, &ref);
    bool held = wait_flag(&waiter_in_window, WAIT_MS);
    kill(READ_ONCE(waiter_target));
    set_flag(&waiter_killed);
    bool down = wait_down(ref, &why);
    clear_hooks();
    TEST_ASSERT(held, "the receiver never reached its wait");
    TEST_ASSERT(down, "the receiver, killed as it began to wait, did not end");
    TEST_ASSERT(why.kind == EXIT_KILLED, "it ended %s, not killed", exit_kind_name(why.kind));
    return true;
}
