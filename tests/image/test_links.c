/* spawn_opt's link, and exit values: the reason a process ends with reaches
 * its monitor (MSG_DOWN) and a trapping linked process (MSG_EXIT) exactly;
 * a linked process that does not trap dies of an abnormal end with that
 * same reason (Erlang's: kind, class, value, pc), so it passes down a chain
 * of links, and lives on after a normal one; both ways. */
#include <arch/cpu.h>
#include <sched/internal.h>
#include <sched/long_reason.h>
#include <sched/sched.h>
#include <tests/image/harness.h>
#include <tests/image/proc_helpers.h>
#include <string.h>

#define WAIT_MS 5000
#define FAULT_ADDRESS 0x18 /* in page 0, which is never mapped */

/* A load from x0 at a pc the test knows: the fault's exit reason names both. */
uint64_t load_at_known_pc(uint64_t address);
__asm__(".pushsection .text\n"
        ".global load_at_known_pc\n"
        ".type load_at_known_pc, %function\n"
        "load_at_known_pc:\n"
        "    ldr x0, [x0]\n"
        "    ret\n"
        ".size load_at_known_pc, . - load_at_known_pc\n"
        ".popsection\n");

static bool is_exit_from(const void *d, uint32_t l, const struct msg_info *i, void *ctx)
{
    (void)d, (void)l;
    return i->kind == MSG_EXIT && i->from == *(pid_t *)ctx;
}

static bool is_user(const void *d, uint32_t l, const struct msg_info *i, void *ctx)
{
    (void)d, (void)l, (void)ctx;
    return i->kind == MSG_USER;
}

static bool same_reason(const struct exit_reason *a, const struct exit_reason *b)
{
    return a->kind == b->kind && a->class == b->class && a->value == b->value && a->pc == b->pc;
}

#define REASON_FMT "%s class %#x value %#lx pc %#lx"
#define REASON_ARGS(r) exit_kind_name((r).kind), (r).class, (unsigned long)(r).value, (unsigned long)(r).pc

static void end_by_returning(void *arg) { (void)arg; }
static void end_by_exit_normal(void *arg) { (void)arg, exit_normal(); }
static void end_by_proc_exit(void *arg) { proc_exit((uint64_t)(uintptr_t)arg); }
static void end_by_fault(void *arg) { (void)arg, load_at_known_pc(FAULT_ADDRESS); }
static void wait_to_be_killed(void *arg)
{
    (void)arg;
    trap_exit(true); /* no help against kill */
    receive(NULL, NULL, NULL, 0, RECEIVE_FOREVER, NULL);
}

/* Each way of ending, with a monitor and a link from a trapping test
 * process: the DOWN and the EXIT carry the same reason, the expected one. */
IMAGE_TEST(messages, exit_reason_reaches_monitor_and_link)
{
    const struct {
        const char *what;
        proc_fn fn;
        void *arg;
        struct exit_reason want;
        bool kill_it;
    } ends[] = {
        {"return", end_by_returning, NULL, {.kind = EXIT_NORMAL}, false},
        {"exit_normal", end_by_exit_normal, NULL, {.kind = EXIT_NORMAL}, false},
        {"proc_exit", end_by_proc_exit, (void *)0xfeedfacecafe0123UL, {.kind = EXIT_ERROR, .value = 0xfeedfacecafe0123UL}, false},
        {"proc_exit(0)", end_by_proc_exit, (void *)0, {.kind = EXIT_ERROR, .value = 0}, false},
        {"kill of a trapping process", wait_to_be_killed, NULL, {.kind = EXIT_KILLED}, true},
        {"fault", end_by_fault, NULL,
         {.kind = EXIT_FAULT, .class = 0x25, .value = FAULT_ADDRESS, .pc = (uint64_t)load_at_known_pc}, false},
    };
    trap_exit(true);
    bool ok = true;
    for (unsigned i = 0; ok && i < sizeof ends / sizeof ends[0]; i++) {
        struct spawn_opts o = SPAWN_OPTS_DEFAULT;
        o.link = true;
        o.monitor = true;
        uint64_t ref;
        pid_t pid = spawn_opt(ends[i].fn, ends[i].arg, &o, &ref);
        if (!pid) {
            test_fail_reason("%s: spawn failed: %s", ends[i].what, spawn_error());
            ok = false;
            break;
        }
        if (ends[i].kill_it) {
            sleep_ms(5); /* it traps exits by now */
            kill(pid);
        }
        struct exit_reason down;
        struct msg_info exit_info;
        bool got_down = wait_down(ref, &down);
        bool got_exit = receive(is_exit_from, &pid, NULL, 0, WAIT_MS, &exit_info) != RECEIVE_TIMEOUT;
        if (!got_down || !got_exit) {
            test_fail_reason("%s: %s", ends[i].what, !got_down ? "no DOWN for the monitor" : "no EXIT for the link");
            ok = false;
        } else if (!same_reason(&down, &ends[i].want)) {
            test_fail_reason("%s: DOWN says " REASON_FMT ", expected " REASON_FMT, ends[i].what, REASON_ARGS(down),
                             REASON_ARGS(ends[i].want));
            ok = false;
        } else if (!same_reason(&exit_info.reason, &ends[i].want)) {
            test_fail_reason("%s: EXIT says " REASON_FMT ", expected " REASON_FMT, ends[i].what,
                             REASON_ARGS(exit_info.reason), REASON_ARGS(ends[i].want));
            ok = false;
        }
    }
    trap_exit(false);
    return ok;
}

/* A linked child that fails takes its (non-trapping) parent with it. */
static void fail_soon(void *arg)
{
    (void)arg;
    sleep_ms(5);
    proc_exit(7);
}

static void parent_of_failing_child(void *arg)
{
    pid_t test = *(pid_t *)arg;
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.link = true;
    pid_t child = spawn_opt(fail_soon, NULL, &o, NULL);
    send(test, &child, sizeof child);
    receive(NULL, NULL, NULL, 0, RECEIVE_FOREVER, NULL); /* ends by the link, or never */
}

IMAGE_TEST(messages, linked_child_failure_kills_parent)
{
    static pid_t test;
    test = self();
    uint64_t ref;
    pid_t parent = spawn_monitored(parent_of_failing_child, &test, -1, PRIO_NORMAL, &ref);
    pid_t child = 0;
    TEST_ASSERT(receive(is_user, NULL, &child, sizeof child, WAIT_MS, NULL) == sizeof child && child,
                "the parent did not report its child");
    struct exit_reason why;
    TEST_ASSERT(wait_down(ref, &why), "the parent outlived its linked child's failure");
    struct exit_reason want = {.kind = EXIT_ERROR, .value = 7}; /* the child's own (fail_soon) */
    TEST_ASSERT(same_reason(&why, &want), "the parent died of " REASON_FMT ", expected " REASON_FMT, REASON_ARGS(why),
                REASON_ARGS(want));
    TEST_ASSERT(!is_alive(child) && !is_alive(parent), "still alive");
    return true;
}

/* And the other way: the parent's end reaches its linked children. One
 * traps exits and forwards what it got; one does not trap. */
struct linked_child_arg {
    pid_t test;
    pid_t parent;
};

static void trapping_child(void *arg)
{
    struct linked_child_arg *a = arg;
    trap_exit(true);
    uint32_t ready = 1;
    send(a->parent, &ready, sizeof ready);
    struct msg_info info;
    if (receive(is_exit_from, &a->parent, NULL, 0, WAIT_MS, &info) == RECEIVE_TIMEOUT)
        return;
    send(a->test, &info, sizeof info);
}

static void plain_child(void *arg)
{
    (void)arg;
    uint32_t ping;
    struct msg_info info;
    for (;;) { /* answers pings while it lives */
        receive(is_user, NULL, &ping, sizeof ping, RECEIVE_FOREVER, &info);
        send(info.from, &ping, sizeof ping);
    }
}

struct parent_arg {
    pid_t test;
    uint64_t code; /* 0: return normally, else proc_exit(code) */
    struct linked_child_arg child_arg;
};

/* Spawns both children linked, reports their pids, waits for go, then ends. */
static void linked_parent(void *arg)
{
    struct parent_arg *a = arg;
    a->child_arg = (struct linked_child_arg){a->test, self()};
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.link = true;
    pid_t kids[2] = {spawn_opt(trapping_child, &a->child_arg, &o, NULL), spawn_opt(plain_child, NULL, &o, NULL)};
    uint32_t ready;
    receive(is_user, NULL, &ready, sizeof ready, WAIT_MS, NULL); /* the trapping child traps now */
    send(a->test, kids, sizeof kids);
    receive(is_user, NULL, &ready, sizeof ready, WAIT_MS, NULL); /* go */
    if (a->code)
        proc_exit(a->code);
}

static bool parent_end_reaches_children(uint64_t code)
{
    static struct parent_arg pa;
    pa = (struct parent_arg){.test = self(), .code = code};
    uint64_t parent_ref;
    pid_t parent = spawn_monitored(linked_parent, &pa, -1, PRIO_NORMAL, &parent_ref);
    pid_t kids[2] = {0, 0};
    TEST_ASSERT(receive(is_user, NULL, kids, sizeof kids, WAIT_MS, NULL) == sizeof kids && kids[0] && kids[1],
                "the parent did not report its children");
    uint64_t plain_ref = monitor(kids[1]);
    uint32_t go = 1;
    send(parent, &go, sizeof go);
    struct exit_reason want = code ? (struct exit_reason){.kind = EXIT_ERROR, .value = code}
                                   : (struct exit_reason){.kind = EXIT_NORMAL};
    struct exit_reason parent_why;
    TEST_ASSERT(wait_down(parent_ref, &parent_why) && same_reason(&parent_why, &want), "the parent did not end as told");
    struct msg_info forwarded;
    TEST_ASSERT(receive(is_user, NULL, &forwarded, sizeof forwarded, WAIT_MS, NULL) == sizeof forwarded,
                "the trapping child got no EXIT from its parent");
    TEST_ASSERT(forwarded.kind == MSG_EXIT && forwarded.from == parent && same_reason(&forwarded.reason, &want),
                "the trapping child got kind %u from %#lx: " REASON_FMT ", expected " REASON_FMT, forwarded.kind,
                (unsigned long)forwarded.from, REASON_ARGS(forwarded.reason), REASON_ARGS(want));
    struct exit_reason why;
    if (code) {
        TEST_ASSERT(wait_down(plain_ref, &why), "the plain child outlived its parent's failure");
        TEST_ASSERT(same_reason(&why, &want), "the plain child died of " REASON_FMT ", expected its parent's " REASON_FMT,
                    REASON_ARGS(why), REASON_ARGS(want));
    } else {
        /* The exit signals went out before the parent's DOWN: had one been
         * fatal, the child would die as this ping wakes it. */
        uint32_t ping = 42, pong = 0;
        send(kids[1], &ping, sizeof ping);
        TEST_ASSERT(receive(is_user, NULL, &pong, sizeof pong, WAIT_MS, NULL) == sizeof pong && pong == 42,
                    "the plain child stopped answering after its parent returned normally");
        TEST_ASSERT(is_alive(kids[1]), "the plain child died of its parent's normal end");
        kill(kids[1]);
        TEST_ASSERT(wait_down(plain_ref, &why) && why.kind == EXIT_KILLED, "the plain child did not die of kill");
    }
    return true;
}

/* After a failure, what came late must not reach the next test. */
static bool drained_after(bool ok)
{
    if (!ok) {
        sleep_ms(20);
        while (receive(NULL, NULL, NULL, 0, 0, NULL) != RECEIVE_TIMEOUT)
            ;
    }
    return ok;
}

IMAGE_TEST(messages, parent_failure_reaches_linked_children)
{
    return drained_after(parent_end_reaches_children(0xbad0c0de));
}

IMAGE_TEST(messages, parent_normal_end_spares_linked_children)
{
    return drained_after(parent_end_reaches_children(0));
}

/* The chain A - B - C: C ends; B, linked and not trapping, dies of C's very
 * reason; A (the test, trapping) gets B's EXIT, and B's DOWN, with it. For
 * kill, C dies killed and so do B and A's signal (Erlang: kill -> killed). */
struct chain_arg {
    pid_t test;
    proc_fn fn;
    void *arg;
};

/* C: ends (a->fn) only once B has told the test who it is; started on
 * another core, it could otherwise end, and take B with it, before B's report. */
static void end_when_told(void *arg)
{
    struct chain_arg *a = arg;
    receive(NULL, NULL, NULL, 0, RECEIVE_FOREVER, NULL); /* B's go */
    a->fn(a->arg);
}

static void middle_of_chain(void *arg)
{
    struct chain_arg *a = arg;
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.link = true; /* linked before C can run: spawn_opt links, then queues */
    pid_t c = spawn_opt(end_when_told, a, &o, NULL);
    send(a->test, &c, sizeof c);
    uint8_t go = 1;
    send(c, &go, sizeof go);
    receive(NULL, NULL, NULL, 0, RECEIVE_FOREVER, NULL); /* ends by the link, or never */
}

static void wait_plainly(void *arg)
{
    (void)arg;
    receive(NULL, NULL, NULL, 0, RECEIVE_FOREVER, NULL);
}

static bool chain_passes_reason(const char *what, proc_fn fn, void *arg, bool kill_c, struct exit_reason want)
{
    static struct chain_arg ca;
    ca = (struct chain_arg){.test = self(), .fn = fn, .arg = arg};
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.link = true;
    o.monitor = true;
    uint64_t ref;
    pid_t b = spawn_opt(middle_of_chain, &ca, &o, &ref);
    TEST_ASSERT(b, "%s: spawn failed: %s", what, spawn_error());
    pid_t c = 0;
    TEST_ASSERT(receive(is_user, NULL, &c, sizeof c, WAIT_MS, NULL) == sizeof c && c, "%s: B did not report C", what);
    if (kill_c)
        kill(c);
    struct exit_reason down;
    struct msg_info exit_info;
    TEST_ASSERT(wait_down(ref, &down), "%s: B outlived C (no DOWN)", what);
    TEST_ASSERT(receive(is_exit_from, &b, NULL, 0, WAIT_MS, &exit_info) != RECEIVE_TIMEOUT, "%s: no EXIT from B", what);
    TEST_ASSERT(same_reason(&down, &want), "%s: B died of " REASON_FMT ", expected C's " REASON_FMT, what,
                REASON_ARGS(down), REASON_ARGS(want));
    TEST_ASSERT(same_reason(&exit_info.reason, &want), "%s: B's EXIT says " REASON_FMT ", expected " REASON_FMT, what,
                REASON_ARGS(exit_info.reason), REASON_ARGS(want));
    TEST_ASSERT(!is_alive(c), "%s: C still alive", what);
    return true;
}

IMAGE_TEST(messages, link_chain_passes_exit_reason_on)
{
    trap_exit(true);
    bool ok = chain_passes_reason("proc_exit(7)", fail_soon, NULL, false, (struct exit_reason){.kind = EXIT_ERROR, .value = 7}) &&
              chain_passes_reason("fault", end_by_fault, NULL, false,
                                  (struct exit_reason){.kind = EXIT_FAULT, .class = 0x25, .value = FAULT_ADDRESS,
                                                       .pc = (uint64_t)load_at_known_pc}) &&
              chain_passes_reason("kill", wait_plainly, NULL, true, (struct exit_reason){.kind = EXIT_KILLED});
    trap_exit(false);
    return drained_after(ok);
}

/* A remote reason's bytes (what exit_signal_from carries from another node):
 * the process that dies of it keeps them, so its own monitor's DOWN and its
 * link's EXIT carry them exactly: up to REASON_BYTES_MAX in its control
 * block, longer ones up to MSG_MAX in a long-reason page (given back when
 * the block is); past MSG_MAX they are left out (the distribution then says
 * remote_reason_too_long) and the kind stays. */
static bool remote_bytes_pass_on(uint32_t len, uint32_t want_len)
{
    static uint8_t bytes[MSG_MAX + 8], got[MSG_MAX + 8];
    uint32_t long_before = long_reasons_in_use();
    for (uint32_t i = 0; i < sizeof bytes; i++)
        bytes[i] = (uint8_t)(i * 7 + len);
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.link = true;
    o.monitor = true;
    uint64_t ref;
    pid_t b = spawn_opt(wait_plainly, NULL, &o, &ref);
    TEST_ASSERT(b, "spawn failed: %s", spawn_error());
    struct exit_reason remote = {.kind = EXIT_REMOTE};
    exit_signal_from(b, PID_REMOTE | 5, &remote, bytes, len); /* as the distribution does for a remote EXIT */
    struct signal_match down = {.kind = MSG_DOWN, .from = b}, exit = {.kind = MSG_EXIT, .from = b};
    struct msg_info info;
    for (int i = 0; i < 2; i++) {
        memset(got, 0, sizeof got);
        int n = receive(msg_is_signal, i ? (void *)&exit : (void *)&down, got, sizeof got, WAIT_MS, &info);
        const char *what = i ? "EXIT" : "DOWN";
        TEST_ASSERT(n != RECEIVE_TIMEOUT, "%u bytes: no %s from B", len, what);
        TEST_ASSERT(info.reason.kind == EXIT_REMOTE, "%u bytes: B's %s says %s, expected remote", len, what,
                    exit_kind_name(info.reason.kind));
        TEST_ASSERT((uint32_t)n == want_len && !memcmp(got, bytes, want_len),
                    "%u bytes: B's %s carries %d bytes (%s), expected %u", len, what, n,
                    memcmp(got, bytes, want_len) ? "differing" : "the same", want_len);
    }
    for (int tries = 0; long_reasons_in_use() != long_before && tries < 100; tries++)
        sleep_ms(1); /* B's control block goes back after its last switch */
    TEST_ASSERT(long_reasons_in_use() == long_before, "%u bytes: %u long-reason pages in use after B, %u before", len,
                long_reasons_in_use(), long_before);
    return true;
}

IMAGE_TEST(messages, remote_reason_bytes_pass_on)
{
    trap_exit(true);
    bool ok = remote_bytes_pass_on(40, 40) && remote_bytes_pass_on(REASON_BYTES_MAX, REASON_BYTES_MAX) &&
              remote_bytes_pass_on(REASON_BYTES_MAX + 1, REASON_BYTES_MAX + 1) &&
              remote_bytes_pass_on(MSG_MAX, MSG_MAX) && remote_bytes_pass_on(MSG_MAX + 1, 0);
    trap_exit(false);
    return drained_after(ok);
}

/* link() to a pid that is gone: false, and a trapping caller gets EXIT noproc. */
IMAGE_TEST(messages, link_to_dead_process)
{
    uint64_t ref;
    pid_t pid = spawn_monitored(end_by_returning, NULL, -1, PRIO_NORMAL, &ref);
    TEST_ASSERT(wait_down(ref, NULL), "no DOWN");
    trap_exit(true);
    bool linked = link(pid);
    struct msg_info info;
    bool got = receive(is_exit_from, &pid, NULL, 0, WAIT_MS, &info) != RECEIVE_TIMEOUT;
    trap_exit(false);
    TEST_ASSERT(!linked, "link to a dead pid succeeded");
    TEST_ASSERT(got && info.reason.kind == EXIT_NOPROC, "no EXIT noproc (got %d, %s)", got,
                got ? exit_kind_name(info.reason.kind) : "-");
    return true;
}

/* Every exit takes the process's links lock; uncontended, it stays out of
 * the lock statistics' list (sync/lockstat.h, per_object), which a million
 * processes grew by a million rows. */
static void ends_at_once(void *arg) { (void)arg; }

IMAGE_TEST(messages, exit_leaves_links_lock_unlisted)
{
    uint64_t ref;
    pid_t pid = spawn_monitored(ends_at_once, NULL, -1, PRIO_NORMAL, &ref);
    TEST_ASSERT(pid, "spawn failed: %s", spawn_error());
    TEST_ASSERT(wait_down(ref, NULL), "no DOWN within the wait");
    const struct lockstat *s = &proc_by_index((uint32_t)pid)->links_lock.stat;
    TEST_ASSERT(!SPIN_DEBUG || s->acquired > 0, "its exit did not take its links lock"); /* lean: not counted */
    TEST_ASSERT(s->contended || !lockstat_by_id(lockstat_id(s)), "an uncontended links lock is listed (%lu taken)",
                (unsigned long)s->acquired);
    return true;
}
