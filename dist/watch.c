/* Remote links and monitors on local processes (watch.h). */
#include <dist/conn.h>
#include <dist/watch.h>
#include <string.h>

#define CTRL_LINK 1
#define CTRL_EXIT 3
#define CTRL_EXIT2 8
#define CTRL_MONITOR_P_EXIT 21
#define CTRL_UNLINK_ID_ACK 36

void dist_exit_reason_term(struct term_buf *b, const struct exit_reason *r)
{
    switch (r->kind) {
    case EXIT_NORMAL: term_atom(b, "normal"); break;
    case EXIT_KILLED: term_atom(b, "killed"); break;
    case EXIT_NOPROC: term_atom(b, "noproc"); break;
    case EXIT_NOCONNECTION: term_atom(b, "noconnection"); break;
    case EXIT_ERROR:
        term_tuple(b, 2);
        term_atom(b, "error");
        term_uint(b, r->value);
        break;
    case EXIT_REMOTE: /* its term was not kept (sched: REASON_BYTES_MAX, logged there) */
        term_atom(b, "remote_reason_too_long");
        break;
    case EXIT_FAULT:
        term_tuple(b, 4);
        term_atom(b, "fault");
        term_uint(b, r->class);
        term_uint(b, r->value);
        term_uint(b, r->pc);
        break;
    default:
        term_tuple(b, 2);
        term_atom(b, exit_kind_name(r->kind));
        term_uint(b, r->value);
        break;
    }
}

void dist_exit_reason_of_term(const struct term *t, struct exit_reason *out)
{
    struct term value;
    *out = (struct exit_reason){.kind = EXIT_REMOTE};
    if (term_is_atom(t, "normal"))
        out->kind = EXIT_NORMAL;
    else if (term_is_atom(t, "killed"))
        out->kind = EXIT_KILLED;
    /* `kill` stays a foreign term: only exit(Pid, kill) (EXIT2, handled
     * before this) is untrappable; a process that ended with reason kill
     * passes kill to its links and monitors as any other reason. */
    else if (term_is_atom(t, "noproc"))
        out->kind = EXIT_NOPROC;
    else if (term_is_atom(t, "noconnection"))
        out->kind = EXIT_NOCONNECTION;
    else if (term_match(t, "{error, ~t}", &value) && value.kind == TERM_INTEGER && value.integer >= 0)
        *out = (struct exit_reason){.kind = EXIT_ERROR, .value = (uint64_t)value.integer};
}

uint32_t dist_reason_bytes(const struct term *t, const struct exit_reason *why, uint8_t *buf, uint32_t cap)
{
    struct dist_msg *m = (struct dist_msg *)buf;
    if (why->kind != EXIT_REMOTE || cap < sizeof *m + 1 + t->ext_len)
        return 0;
    m->type = DIST_MSG_TERM;
    m->len = 1 + (uint32_t)t->ext_len;
    m->term[0] = 131; /* the version byte, as every dist_msg term has it */
    memcpy(m->term + 1, t->ext, t->ext_len);
    return (uint32_t)sizeof *m + m->len;
}

bool dist_exit_reason_term_of(const void *data, uint32_t len, const struct msg_info *info, struct term *out)
{
    const struct dist_msg *m = data;
    if ((info->kind != MSG_EXIT && info->kind != MSG_DOWN) || info->reason.kind != EXIT_REMOTE ||
        len < sizeof *m || m->type != DIST_MSG_TERM || len < sizeof *m + m->len)
        return false;
    return term_decode_exact(m->term, m->len, out) > 0;
}

pid_t watch_pid_of_encoding(const uint8_t *enc, uint16_t len)
{
    uint8_t buf[WATCH_TERM_MAX + 1] = {131};
    struct term t;
    memcpy(buf + 1, enc, len);
    return term_decode_exact(buf, len + 1u, &t) > 0 && t.kind == TERM_PID ? dist_pid(&t.pid) : 0;
}

/* A term's encoding (no version byte) kept in dst; false when too long. */
static bool keep(uint8_t *dst, uint16_t *len, const struct term *t)
{
    if (t->ext_len > WATCH_TERM_MAX)
        return false;
    memcpy(dst, t->ext, t->ext_len);
    *len = (uint16_t)t->ext_len;
    return true;
}

/* A local pid from a pid or a registered name; 0 when there is none. */
static pid_t resolve(const struct term *t)
{
    pid_t p = 0;
    char name[64];
    if (t->kind == TERM_PID)
        return dist_pid_local(&t->pid, &p) && is_alive(p) ? p : 0;
    if (t->kind == TERM_ATOM && term_text_utf8(&t->atom, name, sizeof name))
        return whereis(name);
    return 0;
}

static struct watch *slot(struct watches *ws)
{
    for (int i = 0; i < WATCH_MAX; i++)
        if (!ws->w[i].used)
            return &ws->w[i];
    return NULL;
}

/* 'p' and {Op, A, B[, C], Reason} from kept encodings: the packet's length,
 * or 0. Reason: why_term if not NULL (a remote reason's own term), else why,
 * else why_atom. */
static uint32_t exit_packet(uint8_t *buf, uint32_t cap, int op, const uint8_t *a, uint16_t alen, const uint8_t *bb,
                            uint16_t blen, const uint8_t *c, uint16_t clen, const struct exit_reason *why,
                            const struct term *why_term, const char *why_atom)
{
    struct term_buf b;
    dist_control_begin(&b, buf, cap, c ? 5 : 4, op);
    struct term ta = {.ext = a, .ext_len = alen}, tb = {.ext = bb, .ext_len = blen}, tc = {.ext = c, .ext_len = clen};
    term_copy(&b, &ta);
    term_copy(&b, &tb);
    if (c)
        term_copy(&b, &tc);
    if (why_term)
        term_copy(&b, why_term);
    else if (why)
        dist_exit_reason_term(&b, why);
    else
        term_atom(&b, why_atom);
    long n = term_end(&b);
    return n < 0 ? 0 : 1 + (uint32_t)n;
}

uint32_t watch_monitor(struct watches *ws, const struct term *ctrl, uint8_t *buf, uint32_t cap)
{
    struct term from, target, ref;
    if (!term_match(ctrl, "{19, ~t, ~t, ~t}", &from, &target, &ref) || from.kind != TERM_PID)
        return 0;
    if (term_is_atom(&target, "net_kernel"))
        return 0; /* the connection process answers for it, and lives as long as the connection */
    struct watch *w = slot(ws);
    pid_t local = resolve(&target);
    if (!local || !w || !keep(w->remote, &w->remote_len, &from) || !keep(w->ref, &w->ref_len, &ref) ||
        !keep(w->target, &w->target_len, &target)) {
        /* {MONITOR_P_EXIT, Target, From, Ref, noproc} at once, as for a dead process */
        return exit_packet(buf, cap, CTRL_MONITOR_P_EXIT, target.ext, (uint16_t)target.ext_len, from.ext,
                           (uint16_t)from.ext_len, ref.ext, (uint16_t)ref.ext_len, NULL, NULL, "noproc");
    }
    w->used = true;
    w->link = false;
    w->local = local;
    w->mref = monitor(local); /* a process that just ended sends MSG_DOWN at once: same path */
    return 0;
}

void watch_demonitor(struct watches *ws, const struct term *ctrl)
{
    struct term ref;
    if (!term_match(ctrl, "{20, _, _, ~t}", &ref))
        return;
    for (int i = 0; i < WATCH_MAX; i++) {
        struct watch *w = &ws->w[i];
        if (w->used && !w->link && w->ref_len == ref.ext_len && !memcmp(w->ref, ref.ext, ref.ext_len)) {
            demonitor(w->mref);
            w->used = false;
        }
    }
}

static struct watch *find_link(struct watches *ws, pid_t local, const struct term *remote)
{
    for (int i = 0; i < WATCH_MAX; i++) {
        struct watch *w = &ws->w[i];
        if (w->used && w->link && w->local == local && w->remote_len == remote->ext_len &&
            !memcmp(w->remote, remote->ext, remote->ext_len))
            return w;
    }
    return NULL;
}

static bool linked_elsewhere(struct watches *ws, pid_t local)
{
    for (int i = 0; i < WATCH_MAX; i++)
        if (ws->w[i].used && ws->w[i].link && ws->w[i].local == local)
            return true;
    return false;
}

/* A slot for a process spawned at the peer's request: remote kept, the
 * target its own pid's encoding. NULL: no room. */
static struct watch *spawned_slot(struct watches *ws, pid_t local, const struct term *remote)
{
    struct watch *w = slot(ws);
    struct term_pid pid;
    struct term_buf b;
    uint8_t enc[WATCH_TERM_MAX + 1];
    if (!w || !keep(w->remote, &w->remote_len, remote))
        return NULL;
    dist_pid_of(local, &pid);
    term_begin(&b, enc, sizeof enc);
    term_pid(&b, &pid);
    long n = term_end(&b);
    if (n < 1)
        return NULL;
    memcpy(w->target, enc + 1, (size_t)n - 1);
    w->target_len = (uint16_t)(n - 1);
    w->local = local;
    return w;
}

bool watch_add_link(struct watches *ws, pid_t local, const struct term *remote)
{
    struct watch *w = spawned_slot(ws, local, remote);
    if (!w)
        return false;
    w->used = w->link = true;
    link(local); /* we trap exits: its end comes as MSG_EXIT */
    return true;
}

bool watch_add_monitor(struct watches *ws, pid_t local, const struct term *remote, const struct term *ref)
{
    struct watch *w = spawned_slot(ws, local, remote);
    if (!w || !keep(w->ref, &w->ref_len, ref))
        return false;
    w->used = true;
    w->link = false;
    w->mref = monitor(local);
    return true;
}

uint32_t watch_link(struct watches *ws, const struct term *ctrl, uint8_t *buf, uint32_t cap)
{
    struct term from, to;
    if (!term_match(ctrl, "{1, ~t, ~t}", &from, &to) || from.kind != TERM_PID)
        return 0;
    pid_t local = resolve(&to);
    if (local && find_link(ws, local, &from))
        return 0; /* linked already */
    struct watch *w = slot(ws);
    if (!local || !w || !keep(w->remote, &w->remote_len, &from) || !keep(w->target, &w->target_len, &to))
        return exit_packet(buf, cap, CTRL_EXIT, to.ext, (uint16_t)to.ext_len, from.ext, (uint16_t)from.ext_len, NULL,
                           0, NULL, NULL, "noproc");
    w->used = true;
    w->link = true;
    w->local = local;
    link(local); /* we trap exits: its end comes as MSG_EXIT */
    return 0;
}

uint32_t watch_unlink(struct watches *ws, const struct term *ctrl, uint8_t *buf, uint32_t cap)
{
    struct term id, from, to;
    if (!term_match(ctrl, "{35, ~t, ~t, ~t}", &id, &from, &to))
        return 0;
    pid_t local = resolve(&to);
    struct watch *w = local ? find_link(ws, local, &from) : NULL;
    if (w) {
        w->used = false;
        if (!linked_elsewhere(ws, local))
            unlink(local);
    }
    /* {UNLINK_ID_ACK, Id, To, From}, before anything else goes to From */
    struct term_buf b;
    dist_control_begin(&b, buf, cap, 4, CTRL_UNLINK_ID_ACK);
    term_copy(&b, &id);
    term_copy(&b, &to);
    term_copy(&b, &from);
    long n = term_end(&b);
    return n < 0 ? 0 : 1 + (uint32_t)n;
}

void watch_remote_exit(struct watches *ws, const struct term *ctrl, uint8_t *scratch, uint32_t cap)
{
    struct term op, from, to, reason;
    if (!term_match(ctrl, "{~t, ~t, ~t, ~t}", &op, &from, &to, &reason))
        return;
    pid_t local = resolve(&to);
    if (!local)
        return;
    if (op.integer == CTRL_EXIT) { /* a linked remote process ended */
        struct watch *w = find_link(ws, local, &from);
        if (!w)
            return;
        w->used = false;
        if (!linked_elsewhere(ws, local))
            unlink(local);
    } else if (term_is_atom(&reason, "kill")) { /* exit(Pid, kill): untrappable */
        kill(local);
        return;
    }
    /* An exit signal from the remote pid, as a local one: a trapping process
     * gets MSG_EXIT with the reason, another dies of an abnormal one. */
    struct exit_reason why;
    dist_exit_reason_of_term(&reason, &why);
    pid_t remote = from.kind == TERM_PID ? dist_pid(&from.pid) : 0;
    exit_signal_from(local, remote, &why, scratch, dist_reason_bytes(&reason, &why, scratch, cap));
}

bool watch_drop_link(struct watches *ws, pid_t local, const struct term *remote)
{
    struct watch *w = find_link(ws, local, remote);
    if (!w)
        return false;
    w->used = false;
    if (!linked_elsewhere(ws, local))
        unlink(local);
    return true;
}

uint32_t watch_local_end(struct watches *ws, const struct msg_info *info, const void *data, uint32_t len,
                         uint8_t *buf, uint32_t cap)
{
    struct term remote_reason; /* a reason from another node, kept by the process that died of it */
    const struct term *why_term = dist_exit_reason_term_of(data, len, info, &remote_reason) ? &remote_reason : NULL;
    for (int i = 0; i < WATCH_MAX; i++) {
        struct watch *w = &ws->w[i];
        if (!w->used)
            continue;
        if (info->kind == MSG_DOWN && !w->link && w->mref == info->ref) {
            w->used = false; /* {MONITOR_P_EXIT, Target, Watcher, Ref, Reason} */
            return exit_packet(buf, cap, CTRL_MONITOR_P_EXIT, w->target, w->target_len, w->remote, w->remote_len,
                               w->ref, w->ref_len, &info->reason, why_term, NULL);
        }
        if (info->kind == MSG_EXIT && w->link && w->local == info->from) {
            w->used = false; /* {EXIT, Local, Remote, Reason} */
            struct term_pid me;
            uint8_t mine[WATCH_TERM_MAX];
            struct term_buf b;
            dist_pid_of(info->from, &me);
            term_begin(&b, mine, sizeof mine);
            term_pid(&b, &me);
            long n = term_end(&b);
            if (n < 1)
                return 0;
            return exit_packet(buf, cap, CTRL_EXIT, mine + 1, (uint16_t)(n - 1), w->remote, w->remote_len, NULL, 0,
                               &info->reason, why_term, NULL);
        }
    }
    return 0;
}

void watch_connection_lost(struct watches *ws)
{
    for (int i = 0; i < WATCH_MAX; i++) {
        struct watch *w = &ws->w[i];
        if (!w->used)
            continue;
        if (w->link) {
            unlink(w->local);
            /* noconnection: a link's exit signal across a lost connection */
            exit_signal_from(w->local, watch_pid_of_encoding(w->remote, w->remote_len),
                             &(struct exit_reason){.kind = EXIT_NOCONNECTION}, NULL, 0);
        } else {
            demonitor(w->mref);
        }
        w->used = false;
    }
}

uint32_t watch_count(const struct watches *ws, bool links)
{
    uint32_t n = 0;
    for (int i = 0; i < WATCH_MAX; i++)
        n += ws->w[i].used && ws->w[i].link == links;
    return n;
}
