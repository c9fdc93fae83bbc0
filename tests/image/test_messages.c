/* Messages, links, monitors, faults: Erlang's semantics, observed. */
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <arch/timer.h>
#include <sched/sched.h>
#include <boot/boot.h>
#include <gic/irq.h>
#include <tests/image/harness.h>
#include <tests/image/proc_helpers.h>

#define WAIT_MS 5000

static bool is_even(const void *d, uint32_t l, const struct msg_info *i, void *ctx)
{
    (void)ctx;
    return i->kind == MSG_USER && l == 4 && *(const uint32_t *)d % 2 == 0;
}

IMAGE_TEST(messages, selective_receive_keeps_order)
{
    for (uint32_t v = 1; v <= 6; v++)
        TEST_ASSERT(send(self(), &v, sizeof v) == 0, "send to self failed");
    uint32_t expect[] = {2, 4, 6, 1, 3, 5}, got;
    for (int i = 0; i < 6; i++) {
        int n = receive(i < 3 ? is_even : NULL, NULL, &got, sizeof got, 0, NULL);
        TEST_ASSERT(n == 4 && got == expect[i], "receive %d: got %u (n=%d), want %u", i, got, n, expect[i]);
    }
    TEST_ASSERT(receive(NULL, NULL, &got, sizeof got, 0, NULL) == RECEIVE_TIMEOUT, "mailbox not empty");
    return true;
}

/* A burst waits in the inbox (a LIFO) when the receiver comes to it: the
 * receive without a match takes its oldest and leaves the rest, in order,
 * ahead of the next burst. */
IMAGE_TEST(messages, burst_arrives_in_sending_order)
{
    uint32_t got;
    for (uint32_t v = 1; v <= 4; v++)
        TEST_ASSERT(send(self(), &v, sizeof v) == 0, "send to self failed");
    TEST_ASSERT(receive(NULL, NULL, &got, sizeof got, 0, NULL) == 4 && got == 1, "first of the burst: got %u", got);
    for (uint32_t v = 5; v <= 8; v++)
        TEST_ASSERT(send(self(), &v, sizeof v) == 0, "send to self failed");
    for (uint32_t want = 2; want <= 8; want++) {
        int n = receive(NULL, NULL, &got, sizeof got, 0, NULL);
        TEST_ASSERT(n == 4 && got == want, "got %u (n=%d), want %u", got, n, want);
    }
    TEST_ASSERT(receive(NULL, NULL, &got, sizeof got, 0, NULL) == RECEIVE_TIMEOUT, "mailbox not empty");
    return true;
}

IMAGE_TEST(messages, receive_timeout)
{
    uint64_t t0 = timer_now();
    uint32_t got;
    TEST_ASSERT(receive(NULL, NULL, &got, sizeof got, 30, NULL) == RECEIVE_TIMEOUT, "a message came from nowhere");
    uint64_t ms = timer_ticks_to_ns(timer_now() - t0) / 1000000;
    TEST_ASSERT(ms >= 30, "timed out after %lu ms, before its 30", (unsigned long)ms);
    TEST_ASSERT(ms < 30 + 1000, "timed out after %lu ms", (unsigned long)ms);
    return true;
}

static void quick_exit(void *arg) { (void)arg; }

IMAGE_TEST(messages, send_to_dead_is_dropped_and_counted)
{
    uint64_t ref;
    pid_t pid = spawn_monitored(quick_exit, NULL, -1, PRIO_NORMAL, &ref);
    TEST_ASSERT(wait_down(ref, NULL), "no DOWN");
    uint64_t before = sched_dropped_sends();
    uint32_t v = 7;
    TEST_ASSERT(send(pid, &v, sizeof v) == 0, "send to a dead pid is not an error in Erlang");
    TEST_ASSERT(sched_dropped_sends() == before + 1, "dropped count %lu -> %lu", (unsigned long)before,
                (unsigned long)sched_dropped_sends());
    TEST_ASSERT(send(0, &v, sizeof v) == 0 && sched_dropped_sends() == before + 2, "send to pid 0 not dropped");
    return true;
}

/* A stale pid never reaches the process that reuses its slot. */
static void wait_for_one(void *arg)
{
    pid_t parent = *(pid_t *)arg;
    uint32_t got = 0;
    int n = receive(NULL, NULL, &got, sizeof got, 300, NULL);
    uint32_t report = n == RECEIVE_TIMEOUT ? 0 : got;
    send(parent, &report, sizeof report);
}

IMAGE_TEST(messages, stale_pid_misses_the_new_process)
{
    static pid_t me;
    me = self();
    uint64_t ref;
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.monitor = true;
    o.pin_cpu = 0; /* same core: its freed slot is the next one spawned here */
    pid_t old = spawn_opt(quick_exit, NULL, &o, &ref);
    TEST_ASSERT(wait_down(ref, NULL), "no DOWN");
    o.monitor = false;
    pid_t young = spawn_opt(wait_for_one, &me, &o, NULL);
    TEST_ASSERT((uint32_t)young == (uint32_t)old, "slot not reused (%#lx vs %#lx): test premise", (unsigned long)young,
                (unsigned long)old);
    TEST_ASSERT(young != old, "same pid for a new process");
    uint32_t v = 99, report = 1;
    send(old, &v, sizeof v);
    TEST_ASSERT(receive(NULL, NULL, &report, sizeof report, WAIT_MS, NULL) == 4, "no report");
    TEST_ASSERT(report == 0, "the new process got %u sent to the old pid", report);
    return true;
}

static void fail_with_42(void *arg)
{
    (void)arg;
    sleep_ms(5);
    proc_exit(42);
}

static void link_and_wait(void *arg)
{
    pid_t child = spawn(fail_with_42, NULL);
    link(child);
    (void)arg;
    uint32_t never;
    receive(NULL, NULL, &never, sizeof never, RECEIVE_FOREVER, NULL); /* dies by the link */
}

static bool is_exit(const void *d, uint32_t l, const struct msg_info *i, void *ctx)
{
    (void)d, (void)l, (void)ctx;
    return i->kind == MSG_EXIT;
}

/* C fails -> B (linked, not trapping) dies -> A (linked, trapping) is told. */
IMAGE_TEST(messages, link_cascade_and_trap_exit)
{
    trap_exit(true);
    pid_t b = spawn(link_and_wait, NULL);
    TEST_ASSERT(link(b), "link to B failed");
    struct msg_info info;
    int n = receive(is_exit, NULL, NULL, 0, WAIT_MS, &info);
    trap_exit(false);
    TEST_ASSERT(n != RECEIVE_TIMEOUT, "no exit signal reached the trapping process");
    TEST_ASSERT(info.from == b, "exit from %lu, expected B %lu", (unsigned long)info.from, (unsigned long)b);
    TEST_ASSERT(info.reason.kind == EXIT_ERROR && info.reason.value == 42 && !info.reason.class && !info.reason.pc,
                "B's reason %s value %lu, expected C's: error 42", exit_kind_name(info.reason.kind),
                (unsigned long)info.reason.value);
    TEST_ASSERT(!is_alive(b), "B survived its linked child's failure");
    return true;
}

IMAGE_TEST(messages, monitor_of_dead_and_demonitor)
{
    uint64_t ref;
    pid_t pid = spawn_monitored(quick_exit, NULL, -1, PRIO_NORMAL, &ref);
    TEST_ASSERT(wait_down(ref, NULL), "no DOWN");
    uint64_t late = monitor(pid);
    struct exit_reason why;
    TEST_ASSERT(wait_down(late, &why) && why.kind == EXIT_NOPROC, "monitor of a dead pid: no DOWN noproc");
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    pid_t slow = spawn_opt(fail_with_42, NULL, &o, NULL);
    uint64_t r2 = monitor(slow);
    demonitor(r2);
    uint64_t kept = monitor(slow);
    TEST_ASSERT(wait_down(kept, NULL), "no DOWN for the monitor kept");
    /* It is dead and its DOWNs are sent (the exit path sends them one after
     * another): the removed monitor's, had it been sent, is here by now. */
    char none;
    TEST_ASSERT(receive(msg_is_down, &r2, &none, 0, 200, NULL) == RECEIVE_TIMEOUT, "DOWN arrived after demonitor");
    return true;
}

IMAGE_TEST(messages, registry)
{
    TEST_ASSERT(register_name("tester", self()), "register failed");
    TEST_ASSERT(whereis("tester") == self(), "whereis wrong");
    TEST_ASSERT(!register_name("tester", self()), "registered twice");
    unregister_name("tester");
    TEST_ASSERT(whereis("tester") == 0, "still registered");
    uint64_t ref;
    pid_t pid = spawn_monitored(fail_with_42, NULL, -1, PRIO_NORMAL, &ref);
    TEST_ASSERT(register_name("doomed", pid), "register of a live process failed");
    TEST_ASSERT(wait_down(ref, NULL), "no DOWN");
    TEST_ASSERT(whereis("doomed") == 0, "a dead process keeps its name");
    return true;
}

/* Each kind of fault kills its process only, with the fault in the reason:
 * the class, the address (FAR) and the faulting instruction (pc). Each
 * faulting process stores, before it faults, the address of its faulting
 * instruction (ADR) and what it will touch; the test reads them after the
 * DOWN, which the exit path sends after those stores (a send is fully
 * ordered). */
static uint64_t null_address; /* 0, through memory: the compiler cannot see it */
static uint64_t fault_pc, fault_far, fault_sp0;

static void null_deref(void *arg)
{
    (void)arg;
    uint64_t v, p = READ_ONCE(null_address);
    fault_far = p;
    __asm__ volatile("adr x9, 1f\n str x9, %[pc]\n"
                     "1: ldr %[v], [%[p]]\n"
                     : [pc] "=m"(fault_pc), [v] "=r"(v)
                     : [p] "r"(p)
                     : "x9", "memory");
}

/* 512-byte frames pushed until one lands in the guard page below the stack. */
static void overflow_stack(void *arg)
{
    (void)arg;
    __asm__ volatile("mov x10, sp\n str x10, %[sp0]\n adr x9, 2f\n str x9, %[pc]\n"
                     "1: sub sp, sp, #512\n"
                     "2: str xzr, [sp]\n"
                     "   b 1b\n"
                     : [pc] "=m"(fault_pc), [sp0] "=m"(fault_sp0)
                     :
                     : "x9", "x10", "memory");
}

static void undefined_instruction(void *arg)
{
    (void)arg;
    __asm__ volatile("adr x9, 1f\n str x9, %[pc]\n"
                     "1: udf #0\n"
                     : [pc] "=m"(fault_pc)
                     :
                     : "x9", "memory");
}

static void misaligned_load(void *arg)
{
    (void)arg;
    static uint64_t words[2];
    uint32_t v;
    fault_far = (uint64_t)(uintptr_t)((uint8_t *)words + 1);
    /* SCTLR_EL1.A is set: a misaligned access faults on every core. */
    __asm__ volatile("adr x9, 1f\n str x9, %[pc]\n"
                     "1: ldr %w[v], [%[p]]\n"
                     : [pc] "=m"(fault_pc), [v] "=r"(v)
                     : [p] "r"(fault_far)
                     : "x9", "memory");
}

/* The bystander shares the faulting processes' core: it counts its loops
 * and answers each ping with value + 1; value 0 ends it. */
struct ping {
    pid_t from;
    uint32_t value;
};
static uint64_t bystander_loops;

static void bystander(void *arg)
{
    (void)arg;
    for (;;) {
        struct ping m;
        int n = receive(NULL, NULL, &m, sizeof m, 1, NULL);
        __atomic_fetch_add(&bystander_loops, 1, __ATOMIC_RELAXED); /* a count */
        if (n != (int)sizeof m)
            continue;
        if (!m.value)
            return;
        uint32_t answer = m.value + 1;
        send(m.from, &answer, sizeof answer);
    }
}

static bool is_from(const void *d, uint32_t l, const struct msg_info *i, void *ctx)
{
    (void)d;
    return i->kind == MSG_USER && l == 4 && i->from == *(pid_t *)ctx;
}

/* The bystander ran on since `loops_before` and answers a ping now. */
static bool bystander_lives(pid_t by, uint64_t loops_before, uint32_t value, const char *after)
{
    struct ping m = {self(), value};
    TEST_ASSERT(send(by, &m, sizeof m) == 0, "after %s: send to the bystander failed", after);
    uint32_t answer = 0;
    TEST_ASSERT(receive(is_from, &by, &answer, sizeof answer, WAIT_MS, NULL) == 4,
                "after %s: the bystander did not answer", after);
    TEST_ASSERT(answer == value + 1, "after %s: the bystander answered %u to %u", after, answer, value);
    uint64_t loops = __atomic_load_n(&bystander_loops, __ATOMIC_RELAXED);
    TEST_ASSERT(loops > loops_before, "after %s: the bystander stopped looping (%lu)", after, (unsigned long)loops);
    return true;
}

enum far_check { FAR_EXACT, FAR_IN_GUARD, FAR_NONE /* ESR class 0 sets no FAR: the reason says 0 */ };

IMAGE_TEST(messages, faults_kill_only_their_process)
{
    static const struct {
        proc_fn fn;
        uint16_t class;
        enum far_check far;
        const char *what;
    } faults[] = {
        {null_deref, 0x25, FAR_EXACT, "NULL dereference"},
        {overflow_stack, 0x25, FAR_IN_GUARD, "stack overflow"},
        {undefined_instruction, 0x00, FAR_NONE, "undefined instruction"},
        {misaligned_load, 0x25, FAR_EXACT, "misaligned access"},
    };
    int core = (int)(cpus_possible > 1 ? cpus_possible - 1 : 0);
    uint64_t by_ref;
    bystander_loops = 0;
    pid_t by = spawn_monitored(bystander, NULL, core, PRIO_NORMAL, &by_ref);
    TEST_ASSERT(by, "bystander spawn failed");
    if (!bystander_lives(by, 0, 1, "start"))
        return false; /* it gave the reason */
    for (unsigned i = 0; i < sizeof faults / sizeof faults[0]; i++) {
        fault_pc = fault_far = fault_sp0 = 0;
        uint64_t ref, loops = __atomic_load_n(&bystander_loops, __ATOMIC_RELAXED);
        pid_t pid = spawn_monitored(faults[i].fn, NULL, core, PRIO_NORMAL, &ref);
        TEST_ASSERT(pid, "spawn failed");
        struct exit_reason why;
        TEST_ASSERT(wait_down(ref, &why), "%s: no DOWN", faults[i].what);
        TEST_ASSERT(why.kind == EXIT_FAULT, "%s: reason %s", faults[i].what, exit_kind_name(why.kind));
        TEST_ASSERT(why.class == faults[i].class, "%s: class %#x, expected %#x", faults[i].what, why.class,
                    faults[i].class);
        TEST_ASSERT(fault_pc && why.pc == fault_pc, "%s: pc %#lx, the faulting instruction is at %#lx",
                    faults[i].what, (unsigned long)why.pc, (unsigned long)fault_pc);
        if (faults[i].far == FAR_EXACT)
            TEST_ASSERT(why.value == fault_far, "%s: address %#lx, the access was to %#lx", faults[i].what,
                        (unsigned long)why.value, (unsigned long)fault_far);
        if (faults[i].far == FAR_NONE)
            TEST_ASSERT(why.value == 0, "%s: address %#lx given for a fault with none", faults[i].what,
                        (unsigned long)why.value);
        if (faults[i].far == FAR_IN_GUARD) {
            /* The first frame below the stack's lowest page: within 512 bytes under a page boundary. */
            uint64_t below = fault_sp0 - why.value;
            TEST_ASSERT(why.value < fault_sp0 && below % 512 == 0 && below <= DEFAULT_STACK_SIZE + 512 &&
                            (why.value & 4095) >= 4096 - 512,
                        "%s: address %#lx is not the first frame below the stack (started at sp %#lx)",
                        faults[i].what, (unsigned long)why.value, (unsigned long)fault_sp0);
        }
        if (!bystander_lives(by, loops, 10 + i, faults[i].what))
            return false;
    }
    struct ping stop = {self(), 0};
    send(by, &stop, sizeof stop);
    struct exit_reason why;
    TEST_ASSERT(wait_down(by_ref, &why) && why.kind == EXIT_NORMAL, "the bystander did not end normally");
    /* And the system carries on. */
    uint64_t ref;
    TEST_ASSERT(spawn_monitored(quick_exit, NULL, -1, PRIO_NORMAL, &ref) && wait_down(ref, NULL), "spawn after faults failed");
    return true;
}

/* A process owns an interrupt: each one arrives as a MSG_IRQ message, and
 * none comes while the owner has not said irq_done. */
static bool is_irq(const void *d, uint32_t l, const struct msg_info *i, void *ctx)
{
    (void)d, (void)l;
    return i->kind == MSG_IRQ && i->ref == *(uint32_t *)ctx;
}

IMAGE_TEST(messages, interrupt_arrives_as_message)
{
    static uint32_t intid = 100; /* an SPI nothing on these boards uses */
    TEST_ASSERT(irq_give_to_process(intid, self()), "cannot take INTID %u", intid);
    TEST_ASSERT(!irq_give_to_process(5, self()), "an SGI was handed to a process");
    struct msg_info info;
    for (int round = 0; round < 3; round++) {
        TEST_ASSERT(irq_raise(intid), "cannot raise INTID %u", intid);
        TEST_ASSERT(receive(is_irq, &intid, NULL, 0, WAIT_MS, &info) != RECEIVE_TIMEOUT, "round %d: no MSG_IRQ", round);
        TEST_ASSERT(info.ref == intid && info.from == 0, "round %d: ref %lu", round, (unsigned long)info.ref);
        if (round == 1) { /* masked until irq_done: a second one waits */
            irq_raise(intid);
            TEST_ASSERT(receive(is_irq, &intid, NULL, 0, 50, NULL) == RECEIVE_TIMEOUT, "delivered before irq_done");
            irq_done(intid);
            TEST_ASSERT(receive(is_irq, &intid, NULL, 0, WAIT_MS, NULL) != RECEIVE_TIMEOUT, "lost while masked");
        }
        irq_done(intid);
    }
    irq_disable(intid);
    irq_handler_set(intid, NULL, NULL);
    return true;
}
