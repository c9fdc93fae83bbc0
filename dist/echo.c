/* "echo", a registered Armada process other nodes can talk to:
 * {echo, 'armada@127.0.0.1'} ! {self(), Msg} sends Msg back, whatever term
 * it is, through the term API (decoded, matched, rebuilt); Msg =
 * spawn_worker answers {worker, Pid} with a new process to link to,
 * monitor and end; Msg = monitor_me starts an Armada process monitoring
 * From (watcher_main). */
#include <dist/dist.h>
#include <lib/print.h>
#include <string.h>

/* A worker another node can watch: it waits for {exit, normal}, {exit,
 * Code} or crash, and ends that way (a crash: a fault, NULL written). */
static void dist_worker_main(void *arg)
{
    (void)arg;
    _Alignas(8) uint8_t mail[MSG_MAX];
    for (;;) {
        int n = receive(dist_is_msg, NULL, mail, sizeof mail, RECEIVE_FOREVER, NULL);
        const struct dist_msg *m = (const struct dist_msg *)mail;
        struct term t;
        int64_t code;
        if (n < 0 || term_decode_exact(m->term, m->len, &t) < 0)
            continue;
        if (term_match(&t, "{exit, normal}"))
            return;
        if (term_match(&t, "{exit, ~i}", &code))
            proc_exit((uint64_t)code);
        if (term_match(&t, "crash")) {
            int *nowhere = NULL;
            __asm__("" : "+r"(nowhere)); /* the compiler may not see it is NULL */
            *nowhere = 1;
        }
    }
}

/* An Armada process monitoring a process of another node: it gets the
 * pid (as its first message), monitors it, says {monitoring, Ref} to it,
 * and when the DOWN comes sends {down, Reason} to the process registered as
 * collector on that node, or, when the node itself went (noconnection),
 * logs it. */
static void watcher_main(void *arg)
{
    (void)arg;
    _Alignas(8) uint8_t mail[MSG_MAX];
    uint8_t out[600];
    struct term t, reason;
    struct term_pid pid;
    struct term_ref ref;
    struct term_buf b;
    receive(dist_is_msg, NULL, mail, sizeof mail, RECEIVE_FOREVER, NULL);
    const struct dist_msg *m = (const struct dist_msg *)mail;
    if (term_decode_exact(m->term, m->len, &t) < 0 || t.kind != TERM_PID)
        return;
    pid = t.pid; /* its node's name points into mail, which the DOWN must not overwrite: copy it out */
    char node[256];
    if (!term_text_utf8(&pid.node, node, sizeof node) || !dist_monitor(&pid, &ref))
        return;
    struct term_text node_text = {(const uint8_t *)node, (uint16_t)strlen(node), false};
    pid.node = node_text;
    term_begin(&b, out, sizeof out);
    term_tuple(&b, 2);
    term_atom(&b, "monitoring");
    term_ref(&b, &ref);
    long n = term_end(&b);
    if (n < 0 || dist_send(&pid, out, (uint32_t)n) < 0)
        return;
    for (;;) {
        receive(dist_is_msg, NULL, mail, sizeof mail, RECEIVE_FOREVER, NULL);
        if (term_decode_exact(m->term, m->len, &t) > 0 && term_match(&t, "{'DOWN', _, process, _, ~t}", &reason))
            break;
    }
    if (term_is_atom(&reason, "noconnection")) {
        kprintf("dist: a process on %s that we monitored: DOWN noconnection\n", node);
        return;
    }
    term_begin(&b, out, sizeof out);
    term_tuple(&b, 2);
    term_atom(&b, "down");
    term_copy(&b, &reason);
    n = term_end(&b);
    if (n > 0)
        dist_reg_send(node, "collector", out, (uint32_t)n);
}

/* A process linked to a process of another node (its pid the first
 * message): it says {linked, Pid} back, then waits; its end is logged by
 * link_observer, which spawned it monitored. */
static void linker_main(void *arg)
{
    (void)arg;
    _Alignas(8) uint8_t mail[MSG_MAX];
    uint8_t out[300];
    struct term t;
    struct term_buf b;
    receive(dist_is_msg, NULL, mail, sizeof mail, RECEIVE_FOREVER, NULL);
    const struct dist_msg *m = (const struct dist_msg *)mail;
    if (term_decode_exact(m->term, m->len, &t) < 0 || t.kind != TERM_PID || !dist_link(&t.pid))
        return;
    struct term_pid me;
    dist_pid_of(self(), &me);
    term_begin(&b, out, sizeof out);
    term_tuple(&b, 2);
    term_atom(&b, "linked");
    term_pid(&b, &me);
    long n = term_end(&b);
    if (n > 0)
        dist_send(&t.pid, out, (uint32_t)n);
    for (;;)
        receive(NULL, NULL, mail, sizeof mail, RECEIVE_FOREVER, NULL); /* until the link ends it */
}

/* Spawns the linker monitored, hands it the pid that came as our own first
 * message, and logs how it ended. */
static void link_observer(void *arg)
{
    (void)arg;
    _Alignas(8) uint8_t msg[MSG_MAX];
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    struct msg_info info;
    uint64_t ref;
    int n = receive(dist_is_msg, NULL, msg, sizeof msg, RECEIVE_FOREVER, NULL);
    o.stack_size = 32 * 1024;
    o.monitor = true;
    pid_t p = spawn_opt(linker_main, NULL, &o, &ref);
    if (!p || n < 0)
        return;
    send(p, msg, (uint32_t)n);
    while (receive(NULL, NULL, msg, sizeof msg, RECEIVE_FOREVER, &info) >= 0)
        if (info.kind == MSG_DOWN && info.ref == ref)
            break;
    kprintf("dist: an Armada process linked to another node's ended: %s\n", exit_kind_name(info.reason.kind));
}

/* The first message of a new process: a pid, as a dist_msg. */
static void spawn_with_pid(proc_fn fn, const struct term_pid *whom)
{
    _Alignas(8) uint8_t msg[300];
    struct dist_msg *m = (struct dist_msg *)msg;
    struct term_buf b;
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.stack_size = 32 * 1024;
    term_begin(&b, m->term, sizeof msg - sizeof *m);
    term_pid(&b, whom);
    long n = term_end(&b);
    pid_t p = n > 0 ? spawn_opt(fn, NULL, &o, NULL) : 0;
    if (!p)
        return;
    m->type = DIST_MSG_TERM;
    m->len = (uint32_t)n;
    send(p, m, (uint32_t)sizeof *m + m->len);
}

/* {worker, Pid}: a new worker, to From. */
static void start_worker(const struct term_pid *from)
{
    uint8_t reply[300];
    struct term_buf b;
    struct term_pid w;
    pid_t p = spawn(dist_worker_main, NULL);
    if (!p)
        return;
    dist_pid_of(p, &w);
    term_begin(&b, reply, sizeof reply);
    term_tuple(&b, 2);
    term_atom(&b, "worker");
    term_pid(&b, &w);
    long n = term_end(&b);
    if (n > 0)
        dist_send(from, reply, (uint32_t)n);
}

static void dist_echo_main(void *arg)
{
    (void)arg;
    _Alignas(8) static uint8_t mail[MSG_MAX]; /* one echo process */
    static uint8_t reply[MSG_MAX];
    for (;;) {
        int n = receive(dist_is_msg, NULL, mail, sizeof mail, RECEIVE_FOREVER, NULL);
        const struct dist_msg *m = (const struct dist_msg *)mail;
        struct term t, msg;
        struct term_pid from;
        if (n < 0 || term_decode_exact(m->term, m->len, &t) < 0 || !term_match(&t, "{~p, ~t}", &from, &msg))
            continue; /* not for us: Erlang drops what nobody receives, we drop what nobody can answer */
        if (term_match(&msg, "spawn_worker")) {
            start_worker(&from);
            continue;
        }
        if (term_match(&msg, "monitor_me")) {
            spawn_with_pid(watcher_main, &from);
            continue;
        }
        if (term_match(&msg, "link_me")) {
            spawn_with_pid(link_observer, &from);
            continue;
        }
        struct term_buf b;
        term_begin(&b, reply, sizeof reply);
        term_copy(&b, &msg);
        long len = term_end(&b);
        if (len < 0 || dist_send(&from, reply, (uint32_t)len) < 0)
            kprintf("dist: echo could not answer\n");
    }
}

bool dist_echo_start(void)
{
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.stack_size = 16 * 1024;
    pid_t p = spawn_opt(dist_echo_main, NULL, &o, NULL);
    return p && register_name("echo", p);
}
