/* SPAWN_REQUEST -> a registered entry point in a new process -> SPAWN_REPLY. */
#include <arch/timer.h>
#include <dist/conn.h>
#include <dist/spawn.h>
#include <lib/print.h>
#include <string.h>

#define CTRL_SPAWN_REPLY 31
#define SPAWN_REPLY_LINK 1
#define SPAWN_REPLY_MONITOR 2
#define SPAWNED_STACK (32 * 1024) /* the arguments' message, and a dist_send's request, on the stack */

extern const struct dist_spawnable __dist_spawnables_start[], __dist_spawnables_end[];

static const struct dist_spawnable *find(const struct term *mfa)
{
    struct term m, f;
    int64_t arity;
    if (!term_match(mfa, "{~a, ~a, ~i}", &m, &f, &arity))
        return NULL;
    for (const struct dist_spawnable *s = __dist_spawnables_start; s < __dist_spawnables_end; s++)
        if (term_text_eq_str(&m.atom, s->module) && term_text_eq_str(&f.atom, s->function) && s->arity == arity)
            return s;
    return NULL;
}

/* The new process: its argument list comes first, as a message. */
static void spawned_main(void *arg)
{
    const struct dist_spawnable *s = arg;
    _Alignas(8) uint8_t mail[MSG_MAX];
    receive(dist_is_msg, NULL, mail, sizeof mail, RECEIVE_FOREVER, NULL);
    const struct dist_msg *m = (const struct dist_msg *)mail;
    struct term args;
    if (term_decode_exact(m->term, m->len, &args) < 0 || !term_is_list(&args) || term_arity(&args) != s->arity)
        proc_exit(1); /* the request's checks make this unreachable */
    s->entry(&args);
}

static bool has_option(const struct term *opts, const char *name)
{
    struct term_iter it;
    struct term o;
    term_iter_start(opts, &it);
    while (term_iter_next(&it, &o))
        if (term_is_atom(&o, name))
            return true;
    return false;
}

uint32_t dist_spawn_request(struct watches *ws, const struct term *ctrl, const uint8_t *args, uint32_t args_len,
                            uint8_t *buf, uint32_t cap)
{
    struct term req, from, mfa, opts, arglist;
    if (!term_match(ctrl, "{29, ~t, ~t, _, ~t, ~l}", &req, &from, &mfa, &opts) || from.kind != TERM_PID)
        return 0;
    const struct dist_spawnable *s = find(&mfa);
    bool args_ok = args_len && term_decode_exact(args, args_len, &arglist) > 0 && term_is_list(&arglist) &&
                   s && term_arity(&arglist) == s->arity;
    pid_t p = 0;
    uint32_t flags = 0;
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.stack_size = SPAWNED_STACK;
    if (s && args_ok && (p = spawn_opt(spawned_main, (void *)s, &o, NULL))) {
        _Alignas(8) uint8_t msg[MSG_MAX];
        struct dist_msg *m = (struct dist_msg *)msg;
        m->type = DIST_MSG_TERM;
        m->len = args_len;
        memcpy(m->term, args, args_len);
        send(p, m, (uint32_t)sizeof *m + args_len);
        if (has_option(&opts, "link") && watch_add_link(ws, p, &from))
            flags |= SPAWN_REPLY_LINK;
        if (has_option(&opts, "monitor") && watch_add_monitor(ws, p, &from, &req))
            flags |= SPAWN_REPLY_MONITOR;
    } else if (!s) {
        char m[64] = "?", f[64] = "?";
        struct term tm, tf;
        if (term_element(&mfa, 0, &tm) && tm.kind == TERM_ATOM)
            term_text_utf8(&tm.atom, m, sizeof m);
        if (term_element(&mfa, 1, &tf) && tf.kind == TERM_ATOM)
            term_text_utf8(&tf.atom, f, sizeof f);
        kprintf("dist: spawn of %s:%s refused: no such entry point here\n", m, f);
    }
    /* {SPAWN_REPLY, ReqId, To, Flags, Pid | Reason} */
    struct term_buf b;
    dist_control_begin(&b, buf, cap, 5, CTRL_SPAWN_REPLY);
    term_copy(&b, &req);
    term_copy(&b, &from);
    term_int(&b, flags);
    if (p) {
        struct term_pid pid;
        dist_pid_of(p, &pid);
        term_pid(&b, &pid);
    } else {
        term_atom(&b, !s || !args_ok ? "badarg" : "system_limit");
    }
    long n = term_end(&b);
    return n < 0 ? 0 : 1 + (uint32_t)n;
}

/* The entry points dist/ itself offers. */

/* armada:reply(To, Term): To ! Term, from a process on this node. */
static void reply_entry(const struct term *args)
{
    struct term to, term;
    uint8_t out[MSG_MAX];
    if (!term_match(args, "[~t, ~t]", &to, &term) || to.kind != TERM_PID)
        proc_exit(2);
    struct term_buf b;
    term_begin(&b, out, sizeof out);
    term_copy(&b, &term);
    long n = term_end(&b);
    if (n > 0)
        dist_send(&to.pid, out, (uint32_t)n);
}
DIST_SPAWNABLE(reply, "armada", "reply", 2, reply_entry);

/* armada:ring(N): N processes pass a token once around; the time is logged. */
static void ring_member(void *arg)
{
    pid_t next = (pid_t)(uintptr_t)arg;
    uint32_t token;
    if (receive(NULL, NULL, &token, sizeof token, RECEIVE_FOREVER, NULL) >= 0)
        send(next, &token, sizeof token);
}

static void ring_entry(const struct term *args)
{
    struct term n;
    if (!term_match(args, "[~t]", &n) || n.kind != TERM_INTEGER || n.integer < 1 || n.integer > 100000)
        proc_exit(2);
    pid_t next = self();
    for (int64_t i = 0; i < n.integer; i++)
        if (!(next = spawn(ring_member, (void *)(uintptr_t)next)))
            proc_exit(3);
    uint32_t token = 1;
    uint64_t start = timer_ticks_to_ns(timer_now());
    send(next, &token, sizeof token);
    receive(NULL, NULL, &token, sizeof token, RECEIVE_FOREVER, NULL);
    kprintf("dist: armada:ring(%ld): the token went around in %lu us\n", (long)n.integer,
            (unsigned long)((timer_ticks_to_ns(timer_now()) - start) / 1000));
}
DIST_SPAWNABLE(ring, "armada", "ring", 1, ring_entry);
