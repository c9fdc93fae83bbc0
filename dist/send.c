/* Sending to other nodes (dist.h): the caller builds the packet (control
 * message and message) and hands it to the node's connection process, which
 * frames and writes it; and local pids as Erlang pids. */
#include <dist/conn.h>
#include <dist/dist.h>
#include <sched/race_hooks.h>
#include <string.h>

#define CTRL_SEND 2
#define CTRL_REG_SEND 6
#define CTRL_MONITOR_P 19
#define CTRL_LINK 1
#define CTRL_DEMONITOR_P 20
#define CTRL_UNLINK_ID 35
#define CTRL_EXIT2 8

bool dist_is_msg(const void *data, uint32_t len, const struct msg_info *info, void *ctx)
{
    (void)ctx;
    const struct dist_msg *m = data;
    return info->kind == MSG_USER && len >= sizeof *m && m->type == DIST_MSG_TERM;
}

void dist_pid_of(pid_t local, struct term_pid *out)
{
    out->node.bytes = (const uint8_t *)dist_node.name;
    out->node.len = (uint16_t)strlen(dist_node.name);
    out->node.latin1 = false;
    out->id = (uint32_t)local;             /* the slot index */
    out->serial = (uint32_t)(local >> 32); /* its generation */
    out->creation = dist_node.creation;
}

bool dist_pid_local(const struct term_pid *p, pid_t *out)
{
    if (!term_text_eq_str(&p->node, dist_node.name) || p->creation != dist_node.creation)
        return false;
    *out = (pid_t)p->serial << 32 | p->id;
    return true;
}

/* A request of len bytes to the node's sink (dist/nodes.c), which queues
 * it until the connection is up. 0: queued; -1: the node cannot be called
 * (said in the log). */
static int queue_for(const struct term_text *node, const void *req, uint32_t len)
{
    char name[256];
    int slot;
    kill_defer_begin(); /* killed while it holds the entry, a sender would leave it held for good */
    pid_t sink = term_text_utf8(node, name, sizeof name) ? dist_connect_hold(name, &slot) : 0;
    if (sink)
        RACE_HOOK(dist_entry_held, self());
    int r = sink && send(sink, req, len) == 0 ? 0 : -1;
    if (sink)
        dist_nodes_unhold(slot);
    kill_defer_end();
    return r;
}

/* The packet whose control term b holds, with msg after it, for node. */
static int hand_over(const struct term_text *node, uint8_t *req_mem, struct term_buf *b, const void *msg, uint32_t len)
{
    long clen = term_end(b);
    if (clen < 0 || 1 + (uint32_t)clen + len > DIST_REQ_MAX)
        return -2;
    struct dist_req *r = (struct dist_req *)req_mem;
    if (len && msg != r->packet + 1 + clen)
        memcpy(r->packet + 1 + clen, msg, len);
    r->type = DIST_REQ_PACKET;
    r->len = 1 + (uint32_t)clen + len;
    r->packet[0] = DIST_PASS_THROUGH;
    return queue_for(node, r, (uint32_t)sizeof *r + r->len);
}

/* {SEND, Unused, ToPid} into b, at the start of req's packet. */
static void send_control(struct term_buf *b, uint8_t *req, const struct term_pid *to)
{
    term_begin(b, req + sizeof(struct dist_req) + 1, DIST_REQ_MAX - 1);
    term_tuple(b, 3);
    term_int(b, CTRL_SEND);
    term_atom(b, "");
    term_pid(b, to);
}

int dist_send(const struct term_pid *to, const void *msg, uint32_t len)
{
    _Alignas(8) uint8_t req[MSG_MAX];
    struct term_buf b;
    send_control(&b, req, to);
    return hand_over(&to->node, req, &b, msg, len);
}

int dist_send_binary(const struct term_pid *to, const void *bytes, uint32_t len)
{
    /* One buffer: the binary is encoded in place after the control (a
     * process's default 8 KiB stack holds this, not a second MSG_MAX copy) */
    _Alignas(8) uint8_t req[MSG_MAX];
    struct term_buf b, m;
    send_control(&b, req, to);
    long clen = term_end(&b);
    if (clen < 0)
        return -2;
    uint8_t *msg = req + sizeof(struct dist_req) + 1 + clen;
    term_begin(&m, msg, DIST_REQ_MAX - 1 - (uint32_t)clen);
    term_binary(&m, bytes, len);
    long mlen = term_end(&m);
    if (mlen < 0)
        return -2;
    return hand_over(&to->node, req, &b, msg, (uint32_t)mlen); /* msg is in place: the copy is to itself */
}

bool dist_kill(const struct term_pid *remote)
{
    _Alignas(8) uint8_t req[MSG_MAX];
    struct term_buf b;
    struct term_pid me;
    dist_pid_of(self(), &me);
    term_begin(&b, req + sizeof(struct dist_req) + 1, DIST_REQ_MAX - 1);
    term_tuple(&b, 4); /* {EXIT2, FromPid, ToPid, Reason}: kill, which no trap_exit stops */
    term_int(&b, CTRL_EXIT2);
    term_pid(&b, &me);
    term_pid(&b, remote);
    term_atom(&b, "kill");
    return hand_over(&remote->node, req, &b, NULL, 0) == 0;
}

int dist_reg_send(const char *node, const char *name, const void *msg, uint32_t len)
{
    struct term_text node_text = {(const uint8_t *)node, (uint16_t)strlen(node), false};
    _Alignas(8) uint8_t req[MSG_MAX];
    struct term_buf b;
    struct term_pid from;
    dist_pid_of(self(), &from);
    term_begin(&b, req + sizeof(struct dist_req) + 1, DIST_REQ_MAX - 1);
    term_tuple(&b, 4); /* {REG_SEND, FromPid, Unused, ToName} */
    term_int(&b, CTRL_REG_SEND);
    term_pid(&b, &from);
    term_atom(&b, "");
    term_atom(&b, name);
    return hand_over(&node_text, req, &b, msg, len);
}

/* An Erlang reference made here: our node, a counter in its first word
 * (returned: remote monitors' pid_t references carry it). */
uint32_t dist_make_ref(struct term_ref *r)
{
    static uint32_t next; /* per-boot uniqueness is all a ping needs; a race may repeat one, harmlessly */
    r->node.bytes = (const uint8_t *)dist_node.name;
    r->node.len = (uint16_t)strlen(dist_node.name);
    r->node.latin1 = false;
    r->creation = dist_node.creation;
    r->n_ids = 3;
    r->ids[0] = ++next;
    r->ids[1] = (uint32_t)self();
    r->ids[2] = (uint32_t)(self() >> 32);
    return r->ids[0];
}

struct ping_wait {
    const struct term_ref *ref;
};

static bool is_ping_reply(const void *d, uint32_t l, const struct msg_info *i, void *ctx)
{
    const struct ping_wait *w = ctx;
    const struct dist_msg *m = d;
    struct term t;
    struct term_ref r;
    if (!dist_is_msg(d, l, i, NULL) || term_decode_exact(m->term, m->len, &t) < 0 || !term_match(&t, "{~r, yes}", &r))
        return false;
    return r.n_ids == w->ref->n_ids && !memcmp(r.ids, w->ref->ids, 4 * r.n_ids);
}

bool dist_ping(const char *name, uint64_t timeout_ms)
{
    uint8_t msg[512];
    struct term_buf b;
    struct term_pid me;
    struct term_ref ref;
    dist_pid_of(self(), &me);
    dist_make_ref(&ref);
    term_begin(&b, msg, sizeof msg); /* {'$gen_call', {self(), Ref}, {is_auth, node()}} */
    term_tuple(&b, 3);
    term_atom(&b, "$gen_call");
    term_tuple(&b, 2);
    term_pid(&b, &me);
    term_ref(&b, &ref);
    term_tuple(&b, 2);
    term_atom(&b, "is_auth");
    term_atom(&b, dist_node.name);
    long n = term_end(&b);
    if (n < 0 || dist_reg_send(name, "net_kernel", msg, (uint32_t)n) < 0)
        return false;
    struct ping_wait w = {&ref};
    _Alignas(8) uint8_t reply[MSG_MAX];
    return receive(is_ping_reply, &w, reply, sizeof reply, timeout_ms, NULL) >= 0;
}

/* A request that holds a link or a monitor: the remote pid's encoding kept
 * for the connection process, the control term {Op, Self, Remote[, Ref]}. */
static bool hold(uint32_t type, int op, const struct term_pid *remote, struct term_ref *ref, uint64_t signal_ref)
{
    _Alignas(8) uint8_t req[MSG_MAX];
    struct dist_req_monitor *r = (struct dist_req_monitor *)req;
    struct term_buf b;
    struct term_pid me;
    dist_pid_of(self(), &me);
    r->type = type;
    r->local = self();
    r->signal_ref = signal_ref;
    if (ref)
        memcpy(r->ids, ref->ids, sizeof r->ids);
    uint8_t target[sizeof r->target + 1]; /* the pid's encoding, after its version byte */
    term_begin(&b, target, sizeof target);
    term_pid(&b, remote);
    long tn = term_end(&b);
    if (tn < 1)
        return false;
    memcpy(r->target, target + 1, (size_t)tn - 1);
    r->target_len = (uint16_t)(tn - 1);
    uint8_t *packet = r->packet.packet;
    uint32_t cap = MSG_MAX - (uint32_t)(packet - req);
    r->packet.type = DIST_REQ_PACKET;
    r->packet.len = 0;
    if (op == CTRL_DEMONITOR_P) /* the connection holds the term reference: it writes the packet */
        return queue_for(&remote->node, r, (uint32_t)(packet - req)) == 0;
    if (op == CTRL_UNLINK_ID) { /* {UNLINK_ID, Id, FromPid, ToPid} */
        dist_control_begin(&b, packet, cap, 4, op);
        term_uint(&b, ref->ids[0]);
        term_pid(&b, &me);
        term_pid(&b, remote);
    } else { /* {LINK, FromPid, ToPid} or {MONITOR_P, FromPid, ToProc, Ref} */
        dist_control_begin(&b, packet, cap, ref ? 4 : 3, op);
        term_pid(&b, &me);
        term_pid(&b, remote);
        if (ref)
            term_ref(&b, ref);
    }
    long n = term_end(&b);
    if (n < 0)
        return false;
    r->packet.len = 1 + (uint32_t)n;
    return queue_for(&remote->node, r, (uint32_t)(packet - req) + r->packet.len) == 0;
}

bool dist_monitor(const struct term_pid *remote, struct term_ref *ref)
{
    dist_make_ref(ref);
    return hold(DIST_REQ_MONITOR, CTRL_MONITOR_P, remote, ref, 0); /* {MONITOR_P, FromPid, ToProc, Ref} */
}

bool dist_monitor_signalled(const struct term_pid *remote, struct term_ref *ref, uint64_t signal_ref)
{
    return hold(DIST_REQ_MONITOR, CTRL_MONITOR_P, remote, ref, signal_ref);
}

void dist_demonitor_signalled(const struct term_pid *remote, uint64_t signal_ref)
{
    /* The connection knows the term reference: it writes {DEMONITOR_P, FromPid, ToProc, Ref}. */
    hold(DIST_REQ_DEMONITOR, CTRL_DEMONITOR_P, remote, NULL, signal_ref);
}

bool dist_link(const struct term_pid *remote)
{
    return hold(DIST_REQ_LINK, CTRL_LINK, remote, NULL, 0); /* {LINK, FromPid, ToPid} */
}

void dist_unlink(const struct term_pid *remote)
{
    static uint32_t next_id; /* the peer only echoes it in its ack: per-boot uniqueness, a race harmless */
    struct term_ref id = {.n_ids = 1, .ids = {++next_id}};
    hold(DIST_REQ_UNLINK, CTRL_UNLINK_ID, remote, &id, 0); /* {UNLINK_ID, Id, FromPid, ToPid} */
}
