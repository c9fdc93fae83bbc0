/* One process per connected node (conn.h): the handshake, then a loop that
 * takes the peer's packets and local processes' requests from one mailbox.
 * A peer that breaks the protocol loses this connection only; a slow one
 * blocks only this process (senders queue here and go on, even during the
 * handshake). */
#include <arch/timer.h>
#include <dist/conn.h>
#include <dist/epmd.h>
#include <dist/handshake.h>
#include <dist/spawn.h>
#include <dist/watch.h>
#include <lib/bootargs.h>
#include <lib/print.h>
#include <string.h>

#define CTRL_SEND 2
#define CTRL_REG_SEND 6
#define CTRL_SEND_SENDER 22
#define CONN_STACK MAX_STACK_SIZE /* the stream (16 KiB), a message (4 KiB), the watches (13 KiB) live on it */

struct conn_state {
    struct dist_stream s;
    struct dist_peer peer;
    uint64_t last_rx, last_tx; /* ms */
    uint64_t write_started;    /* ms: when the packet being written began */
    uint32_t dropped;          /* messages for nobody, too big, or of terms we do not take */
    uint32_t skip;             /* bytes still to come of a packet too long to keep (dropped) */
    struct watches watches;    /* the peer's links and monitors on our processes */
    struct {                   /* our processes' monitors on the peer's */
        bool used;
        pid_t local;
        uint64_t signal_ref; /* monitor(): DOWN as MSG_DOWN with this ref; 0: a term DOWN */
        uint32_t ids[3];
        uint16_t target_len;
        uint8_t target[128];
    } outmon[WATCH_MAX];
    _Alignas(8) uint8_t mail[MSG_MAX];
    uint8_t out[MSG_MAX + 512]; /* a control message of ours: an EXIT carries a reason of up to MSG_MAX */
};

static void conn_state_init(struct conn_state *c, uint32_t conn)
{
    memset(&c->watches, 0, sizeof c->watches);
    memset(c->outmon, 0, sizeof c->outmon);
    stream_init(&c->s, conn);
    c->dropped = c->skip = 0;
    c->peer.name[0] = 0;
    trap_exit(true); /* linked local processes' ends come as MSG_EXIT (watch.c) */
}

static uint64_t now_ms(void) { return timer_ticks_to_ns(timer_now()) / 1000000; }

/* A write waits while the peer's window is shut, but not for ever: a peer
 * that takes none of our data for the tick time (dead, or never reading)
 * is as down as a silent one. */
static bool write_may_wait(void *arg)
{
    struct conn_state *c = arg;
    if (now_ms() - c->write_started < dist_node.ticktime_ms)
        return true;
    kprintf("dist: %s took none of our data for %u ms: connection down\n", c->peer.name, dist_node.ticktime_ms);
    return false;
}

static bool send_within_tick(struct conn_state *c, const void *data, uint32_t len)
{
    return net_send_while(c->s.conn, data, len, 500, write_may_wait, c) == (int)len;
}

static bool write_packet(struct conn_state *c, const uint8_t *packet, uint32_t len)
{
    uint8_t head[4];
    put_be32(head, len);
    c->write_started = now_ms();
    if (!send_within_tick(c, head, 4) || (len && !send_within_tick(c, packet, len)))
        return false;
    c->last_tx = now_ms();
    return true;
}

/* The message term at msg (len bytes, from 131), to a local process, from
 * the remote pid of its sender when the packet names one (else from us). */
static void deliver(struct conn_state *c, pid_t to, const uint8_t *msg, uint32_t len, const struct term *sender)
{
    struct dist_msg *m = (struct dist_msg *)c->mail;
    if (len > DIST_MSG_TERM_MAX) {
        kprintf("dist: a message of %u bytes from %s dropped: one Armada message carries at most %u (%u dropped so far)\n",
                len, c->peer.name, DIST_MSG_TERM_MAX, ++c->dropped);
        return;
    }
    if (!to) {
        c->dropped++;
        return;
    }
    m->type = DIST_MSG_TERM;
    m->len = len;
    memcpy(m->term, msg, len);
    pid_t from = sender && sender->kind == TERM_PID ? dist_pid(&sender->pid) : 0;
    if ((from ? send_as(to, from, m, (uint32_t)sizeof *m + len) : send(to, m, (uint32_t)sizeof *m + len)) != 0)
        c->dropped++;
}

/* {'DOWN', Ref, process, Pid, Reason} to the local monitorer of outmon[i]; reason: an encoding, or noconnection */
static void deliver_down(struct conn_state *c, int i, const struct term *reason)
{
    uint8_t down[512];
    struct term_buf b;
    struct term_ref ref = {{(const uint8_t *)dist_node.name, (uint16_t)strlen(dist_node.name), false},
                           dist_node.creation, 3, {c->outmon[i].ids[0], c->outmon[i].ids[1], c->outmon[i].ids[2]}};
    struct term target = {.ext = c->outmon[i].target, .ext_len = c->outmon[i].target_len};
    if (c->outmon[i].signal_ref) { /* monitor() of a remote pid: MSG_DOWN from it */
        struct exit_reason why = {.kind = EXIT_NOCONNECTION};
        uint32_t bytes_len = 0;
        if (reason) {
            dist_exit_reason_of_term(reason, &why);
            bytes_len = dist_reason_bytes(reason, &why, c->mail, sizeof c->mail); /* mail: free until the next receive */
        }
        pid_t from = watch_pid_of_encoding(c->outmon[i].target, c->outmon[i].target_len);
        c->outmon[i].used = false;
        send_down_as(c->outmon[i].local, from, c->outmon[i].signal_ref, &why, c->mail, bytes_len);
        return;
    }
    term_begin(&b, down, sizeof down);
    term_tuple(&b, 5);
    term_atom(&b, "DOWN");
    term_ref(&b, &ref);
    term_atom(&b, "process");
    term_copy(&b, &target);
    if (reason)
        term_copy(&b, reason);
    else
        term_atom(&b, "noconnection");
    long n = term_end(&b);
    c->outmon[i].used = false;
    if (n > 0)
        deliver(c, c->outmon[i].local, down, (uint32_t)n, NULL);
}

static void monitor_exit(struct conn_state *c, const struct term *ctrl)
{
    struct term_ref ref;
    struct term reason;
    if (!term_match(ctrl, "{21, _, _, ~r, ~t}", &ref, &reason) || ref.n_ids != 3)
        return;
    for (int i = 0; i < WATCH_MAX; i++)
        if (c->outmon[i].used && !memcmp(c->outmon[i].ids, ref.ids, sizeof ref.ids[0] * 3))
            deliver_down(c, i, &reason);
}

static void outmon_add(struct conn_state *c, const struct dist_req_monitor *r)
{
    for (int i = 0; i < WATCH_MAX; i++) {
        if (!c->outmon[i].used) {
            c->outmon[i].used = true;
            c->outmon[i].local = r->local;
            c->outmon[i].signal_ref = r->signal_ref;
            memcpy(c->outmon[i].ids, r->ids, sizeof r->ids);
            c->outmon[i].target_len = r->target_len;
            memcpy(c->outmon[i].target, r->target, r->target_len);
            return;
        }
    }
    c->dropped++; /* no room: that monitor never fires */
}

/* A request that holds, or lets go of, a link or a monitor (conn.h). */
static bool is_hold(const uint8_t *mail)
{
    uint32_t t = ((const struct dist_req_monitor *)mail)->type;
    return t == DIST_REQ_MONITOR || t == DIST_REQ_LINK || t == DIST_REQ_UNLINK || t == DIST_REQ_DEMONITOR;
}

/* demonitor() of a remote pid: the monitor goes, and its DEMONITOR_P
 * {20, FromPid, ToProc, Ref} is built in c->out (its length; 0: no such monitor). */
static uint32_t outmon_drop(struct conn_state *c, pid_t local, uint64_t signal_ref)
{
    for (int i = 0; i < WATCH_MAX; i++) {
        if (!c->outmon[i].used || c->outmon[i].local != local || c->outmon[i].signal_ref != signal_ref)
            continue;
        c->outmon[i].used = false;
        struct term_pid me;
        struct term_ref ref = {{(const uint8_t *)dist_node.name, (uint16_t)strlen(dist_node.name), false},
                               dist_node.creation, 3, {c->outmon[i].ids[0], c->outmon[i].ids[1], c->outmon[i].ids[2]}};
        struct term target = {.ext = c->outmon[i].target, .ext_len = c->outmon[i].target_len};
        struct term_buf b;
        dist_pid_of(local, &me);
        dist_control_begin(&b, c->out, sizeof c->out, 4, 20);
        term_pid(&b, &me);
        term_copy(&b, &target);
        term_ref(&b, &ref);
        long n = term_end(&b);
        return n < 0 ? 0 : 1 + (uint32_t)n;
    }
    return 0;
}

/* ps asks (dist/ps.c): our links and monitors, one reply. */
static void ps_answer(struct conn_state *c)
{
    _Static_assert(sizeof ((struct dist_ps_reply *)0)->e / sizeof ((struct dist_ps_reply *)0)->e[0] == 2 * WATCH_MAX,
                   "room for every watch and every monitor");
    struct dist_req_ps q = *(const struct dist_req_ps *)c->mail;
    struct dist_ps_reply *r = (struct dist_ps_reply *)c->mail; /* the request is copied out: mail is free */
    r->type = DIST_PS_REPLY;
    r->tag = q.tag;
    r->n = 0;
    for (int i = 0; i < WATCH_MAX; i++) {
        const struct watch *w = &c->watches.w[i];
        if (w->used) {
            r->e[r->n].local = w->local;
            r->e[r->n].remote = watch_pid_of_encoding(w->remote, w->remote_len);
            r->e[r->n++].kind = w->link ? PS_REMOTE_LINK : PS_REMOTE_MONITORED_BY;
        }
        if (c->outmon[i].used) {
            r->e[r->n].local = c->outmon[i].local;
            r->e[r->n].remote = watch_pid_of_encoding(c->outmon[i].target, c->outmon[i].target_len);
            r->e[r->n++].kind = PS_REMOTE_MONITORS;
        }
    }
    send(q.reply_to, r, (uint32_t)(offsetof(struct dist_ps_reply, e) + r->n * sizeof r->e[0]));
}

/* net_kernel's part of net_adm:ping: {'$gen_call', {From, Tag}, {is_auth, _}} -> From ! {Tag, yes} */
static void net_kernel_call(struct conn_state *c, const struct term *msg)
{
    struct term_pid from;
    struct term tag;
    if (!term_match(msg, "{'$gen_call', {~p, ~t}, {is_auth, _}}", &from, &tag)) {
        c->dropped++;
        return;
    }
    uint8_t reply[512];
    struct term_buf b;
    term_begin(&b, reply, sizeof reply);
    term_tuple(&b, 2);
    term_copy(&b, &tag);
    term_atom(&b, "yes");
    long n = term_end(&b);
    if (n < 0 || dist_send(&from, reply, (uint32_t)n) < 0)
        c->dropped++;
}

/* One packet: 'p', control, message. False: malformed (the connection ends). */
static bool handle_packet(struct conn_state *c, const uint8_t *p, uint32_t len)
{
    if (len == 0)
        return true; /* a tick */
    if (p[0] != DIST_PASS_THROUGH) {
        kprintf("dist: %s sent a packet of type %u (no distribution header was agreed): closing\n", c->peer.name,
                p[0]);
        return false;
    }
    struct term ctrl, msg;
    long n = term_decode(p + 1, len - 1, &ctrl);
    if (n < 0 || ctrl.kind != TERM_TUPLE) {
        kprintf("dist: %s sent a malformed control message (%s): closing\n", c->peer.name,
                n < 0 ? term_strerror((int)n) : "not a tuple");
        return false;
    }
    const uint8_t *rest = p + 1 + n;
    uint32_t rest_len = len - 1 - (uint32_t)n;
    long m = rest_len ? term_decode(rest, rest_len, &msg) : 0;
    if (m < 0) {
        /* a term we do not take (a fun): that message alone is lost */
        kprintf("dist: a message from %s dropped: %s\n", c->peer.name, term_strerror((int)m));
        c->dropped++;
        return true;
    }
    struct term op, to;
    if (!term_element(&ctrl, 0, &op) || op.kind != TERM_INTEGER)
        return true;
    switch (op.integer) {
    case CTRL_REG_SEND: { /* {6, From, Unused, ToName} */
        char name[64];
        if (!m || !term_element(&ctrl, 3, &to) || to.kind != TERM_ATOM || !term_text_utf8(&to.atom, name, sizeof name)) {
            c->dropped++;
            break;
        }
        pid_t dest = 0;
        if (!strcmp(name, "net_kernel")) {
            net_kernel_call(c, &msg);
        } else if ((dest = whereis(name))) {
            deliver(c, dest, rest, (uint32_t)m, term_element(&ctrl, 1, &to) ? &to : NULL);
        } else {
            kprintf("dist: a message from %s to '%s' dropped: no process here has that name\n", c->peer.name, name);
            c->dropped++;
        }
        break;
    }
    case CTRL_SEND:        /* {2, Unused, ToPid} */
    case CTRL_SEND_SENDER: { /* {22, From, ToPid} */
        pid_t local = 0;
        struct term from;
        if (!m || !term_element(&ctrl, 2, &to) || to.kind != TERM_PID || !dist_pid_local(&to.pid, &local)) {
            c->dropped++;
            break;
        }
        bool named = op.integer == CTRL_SEND_SENDER && term_element(&ctrl, 1, &from);
        deliver(c, local, rest, (uint32_t)m, named ? &from : NULL);
        break;
    }
    case 19: /* MONITOR_P */
        if ((n = watch_monitor(&c->watches, &ctrl, c->out, sizeof c->out)))
            write_packet(c, c->out, (uint32_t)n);
        break;
    case 20: /* DEMONITOR_P */
        watch_demonitor(&c->watches, &ctrl);
        break;
    case 1: /* LINK */
        if ((n = watch_link(&c->watches, &ctrl, c->out, sizeof c->out)))
            write_packet(c, c->out, (uint32_t)n);
        break;
    case 35: /* UNLINK_ID */
        if ((n = watch_unlink(&c->watches, &ctrl, c->out, sizeof c->out)))
            write_packet(c, c->out, (uint32_t)n);
        break;
    case 3: /* EXIT */
    case 8: /* EXIT2 */
        watch_remote_exit(&c->watches, &ctrl, c->mail, sizeof c->mail); /* mail: free while a packet is handled */
        break;
    case 21: /* MONITOR_P_EXIT: a process one of ours monitors ended */
        monitor_exit(c, &ctrl);
        break;
    case 29: /* SPAWN_REQUEST, ArgList after it */
        if ((n = dist_spawn_request(&c->watches, &ctrl, rest, (uint32_t)m, c->out, sizeof c->out)))
            write_packet(c, c->out, (uint32_t)n);
        break;
    default: /* aliases, group leaders, traces: not taken */
        break;
    }
    return true;
}

_Static_assert(DIST_PACKET_MAX + 4 <= DIST_STREAM_BUF, "a packet kept whole fits the stream with its length");

/* Every whole packet in the stream; false when one is malformed. A packet
 * too long to keep is thrown away as it comes (c->skip), and the next read. */
static bool drain_packets(struct conn_state *c)
{
    for (;;) {
        if (c->skip) {
            uint32_t k = stream_buffered(&c->s) < c->skip ? stream_buffered(&c->s) : c->skip;
            stream_skip(&c->s, k);
            if ((c->skip -= k))
                return true; /* more of it to come */
        }
        if (stream_buffered(&c->s) < 4)
            return true;
        uint32_t len = get_be32(stream_peek(&c->s));
        if (len > DIST_PACKET_DROP_MAX) {
            kprintf("dist: %s sent a packet of %u bytes (at most %u here): closing\n", c->peer.name, len,
                    DIST_PACKET_DROP_MAX);
            return false;
        }
        if (len > DIST_PACKET_MAX) {
            kprintf("dist: %s sent a packet of %u bytes (at most %u kept here): dropped (%u dropped so far)\n",
                    c->peer.name, len, DIST_PACKET_MAX, ++c->dropped);
            stream_skip(&c->s, 4);
            c->skip = len;
            continue;
        }
        if (stream_buffered(&c->s) < 4 + len)
            return true;
        bool ok = handle_packet(c, stream_peek(&c->s) + 4, len);
        stream_skip(&c->s, 4 + len);
        if (!ok)
            return false;
    }
}

enum req_outcome { REQ_DONE, REQ_WRITE_FAILED, REQ_REPLACED };

/* A local process's request (n bytes in c->mail). lost NULL: the
 * connection is up, so what it asks is written; otherwise it never will be:
 * a link or a monitor is only noted (connection_lost tells its holder
 * noconnection) and a message is counted in *lost. */
static enum req_outcome handle_request(struct conn_state *c, int n, const struct msg_info *info, uint32_t *lost)
{
    bool live = !lost;
    uint32_t len = 0;
    const uint8_t *packet = NULL;
    if (info->kind == MSG_DOWN || info->kind == MSG_EXIT) {
        uint32_t got = (uint32_t)n < sizeof c->mail ? (uint32_t)n : (uint32_t)sizeof c->mail;
        len = live ? watch_local_end(&c->watches, info, c->mail, got, c->out, sizeof c->out) : 0;
        packet = c->out;
    } else if (info->kind == MSG_USER && n >= (int)sizeof(struct dist_req_monitor) && is_hold(c->mail)) {
        const struct dist_req_monitor *r = (const struct dist_req_monitor *)c->mail;
        struct term remote = {.kind = TERM_PID, .ext = r->target, .ext_len = r->target_len};
        len = r->packet.len;
        packet = r->packet.packet;
        if (r->type == DIST_REQ_MONITOR) {
            outmon_add(c, r);
        } else if (r->type == DIST_REQ_LINK) { /* a link is a link whichever side asked: the peer's watch */
            if (!watch_add_link(&c->watches, r->local, &remote))
                c->dropped++;
        } else if (r->type == DIST_REQ_UNLINK) {
            watch_drop_link(&c->watches, r->local, &remote);
        } else { /* DIST_REQ_DEMONITOR: the packet is ours to write */
            len = outmon_drop(c, r->local, r->signal_ref);
            packet = c->out;
        }
    } else if (info->kind == MSG_USER && n == (int)sizeof(struct dist_req_close) &&
               ((struct dist_req_close *)c->mail)->type == DIST_REQ_CLOSE) {
        return REQ_REPLACED;
    } else if (info->kind == MSG_USER && n == (int)sizeof(struct dist_req_ps) &&
               ((struct dist_req_ps *)c->mail)->type == DIST_REQ_PS) {
        ps_answer(c);
    } else if (info->kind == MSG_USER && n >= (int)sizeof(struct dist_req) &&
               ((struct dist_req *)c->mail)->type == DIST_REQ_PACKET) {
        const struct dist_req *r = (const struct dist_req *)c->mail;
        len = r->len;
        packet = r->packet;
        if (lost)
            (*lost)++;
    }
    return !live || !len || write_packet(c, packet, len) ? REQ_DONE : REQ_WRITE_FAILED;
}

/* Until the connection ends; true: a new connection from the peer replaced it. */
static bool conn_loop(struct conn_state *c)
{
    uint64_t tick = dist_node.ticktime_ms / 4;
    struct msg_info info;
    c->last_rx = c->last_tx = now_ms();
    for (;;) {
        if (!drain_packets(c))
            return false;
        if (c->s.closed) {
            kprintf("dist: %s closed the connection\n", c->peer.name);
            return false;
        }
        uint64_t t = now_ms();
        if (t - c->last_rx >= dist_node.ticktime_ms) {
            kprintf("dist: %s silent for %u ms: connection down\n", c->peer.name, dist_node.ticktime_ms);
            return false;
        }
        if (t - c->last_tx >= tick && !write_packet(c, NULL, 0)) {
            kprintf("dist: cannot write to %s: connection down\n", c->peer.name);
            return false;
        }
        uint64_t wait_rx = c->last_rx + dist_node.ticktime_ms - t, wait_tx = c->last_tx + tick - t;
        int n = receive(NULL, NULL, c->mail, sizeof c->mail, wait_rx < wait_tx ? wait_rx : wait_tx, &info);
        if (n < 0)
            continue;
        if (net_is_event(c->mail, (uint32_t)n, &info)) {
            const struct net_msg *nm = (const struct net_msg *)c->mail;
            net_consumed(nm);
            if (nm->conn == c->s.conn)
                c->last_rx = now_ms();
            if (!stream_push(&c->s, nm)) {
                kprintf("dist: %s overran the receive buffer: closing\n", c->peer.name);
                return false;
            }
            continue;
        }
        switch (handle_request(c, n, &info, NULL)) {
        case REQ_DONE:
            break;
        case REQ_WRITE_FAILED:
            kprintf("dist: cannot write to %s: connection down\n", c->peer.name);
            return false;
        case REQ_REPLACED:
            kprintf("dist: %s: this connection was replaced by a new one\n", c->peer.name);
            return true;
        }
    }
}

/* Everyone watching across this connection hears it is gone. */
static void connection_lost(struct conn_state *c)
{
    watch_connection_lost(&c->watches);
    for (int i = 0; i < WATCH_MAX; i++)
        if (c->outmon[i].used)
            deliver_down(c, i, NULL);
}

/* The end of a connection process (its handshake failed, or its
 * connection ended, or it relayed for one that ended): senders no longer
 * find it; once none is between its lookup and its send, every request
 * still queued here fails: messages are lost (counted, said), links and
 * monitors get noconnection, with those the connection held. */
static void finish(struct conn_state *c, const char *node, bool replaced)
{
    dist_nodes_quiesce(dist_nodes_release(self(), replaced ? node : NULL));
    struct msg_info info;
    uint32_t lost = 0;
    int n;
    while ((n = receive(NULL, NULL, c->mail, sizeof c->mail, 0, &info)) >= 0) {
        if (net_is_event(c->mail, (uint32_t)n, &info))
            net_consumed((const struct net_msg *)c->mail);
        else
            handle_request(c, n, &info, &lost);
    }
    if (lost)
        kprintf("dist: %u message(s) queued for %s lost: no connection\n", lost, node[0] ? node : "a peer");
    c->dropped += lost;
    connection_lost(c);
}

/* Our call lost a simultaneous connect, but we stay the node's sink (see
 * dist/nodes.c): what senders queue here goes to the winner, in order,
 * until it ends. If no winner comes within the handshake time, we end
 * (finish then fails what was queued). */
static void relay(struct conn_state *c, const char *node)
{
    pid_t to = 0;
    for (uint32_t ms = 0; !(to = dist_nodes_relay_target(self())) && ms < HANDSHAKE_TIMEOUT_MS; ms += 10)
        sleep_ms(10);
    if (!to)
        return;
    kprintf("dist: %s: our call lost to its call; what is sent meanwhile goes to that connection\n", node);
    uint64_t ref = monitor(to);
    struct msg_info info;
    for (;;) {
        int n = receive(NULL, NULL, c->mail, sizeof c->mail, RECEIVE_FOREVER, &info);
        if (n < 0)
            continue;
        if (info.kind == MSG_DOWN && info.ref == ref)
            return;
        if (net_is_event(c->mail, (uint32_t)n, &info))
            net_consumed((const struct net_msg *)c->mail);
        else if (info.kind == MSG_USER)
            send(to, c->mail, (uint32_t)n < sizeof c->mail ? (uint32_t)n : (uint32_t)sizeof c->mail);
    }
}

/* Our status for a peer that named itself, from the table of nodes (as
 * OTP decides it): a simultaneous connect keeps the connection the node
 * with the greater name called; a node we hold a connection to is asked
 * whether that one is dead ("alive"), and if so it is replaced. */
static int accept_status(struct conn_state *c)
{
    pid_t old = 0;
    int r;
    switch (dist_nodes_accepting(c->peer.name, self(), &old)) {
    case DIST_CLAIM_OK:
        return handshake_send_status(&c->s, "ok");
    case DIST_CLAIM_SIMULTANEOUS:
        kprintf("dist: %s calls us as we call it: its connection wins (its name is the greater)\n", c->peer.name);
        return handshake_send_status(&c->s, "ok_simultaneous");
    case DIST_CLAIM_BUSY:
        handshake_send_status(&c->s, "nok");
        return HS_ERR_OURS_WINS;
    case DIST_CLAIM_ALIVE:
        if ((r = handshake_send_status(&c->s, "alive")) || (r = handshake_alive_answer(&c->s)) < 0)
            return r;
        if (!r || !dist_nodes_replace(c->peer.name, old, self()))
            return HS_ERR_ALIVE;
        kprintf("dist: %s called again: its old connection is dead, the new one replaces it\n", c->peer.name);
        send(old, &(struct dist_req_close){DIST_REQ_CLOSE, 0}, sizeof(struct dist_req_close));
        return 0;
    case DIST_CLAIM_FULL:
        break;
    }
    handshake_send_status(&c->s, "not_allowed");
    return HS_ERR_FULL;
}

static void conn_accepted_main(void *arg)
{
    struct conn_state c;
    conn_state_init(&c, (uint32_t)(uintptr_t)arg);
    int err = handshake_accept_name(&c.s, &c.peer);
    if (!err)
        err = accept_status(&c);
    if (!err)
        err = handshake_accept_challenge(&c.s, &c.peer);
    if (!err && !dist_nodes_up(c.peer.name, self()))
        err = HS_ERR_BUSY; /* not reached: a called entry is never taken from us */
    bool replaced = false;
    if (err) {
        kprintf("dist: connection from %s refused: %s\n", c.peer.name[0] ? c.peer.name : "a peer",
                handshake_strerror(err));
    } else {
        kprintf("dist: %s connected (it called us)\n", c.peer.name);
        replaced = conn_loop(&c);
    }
    net_close(c.s.conn);
    finish(&c, c.peer.name, replaced);
    if (!err)
        kprintf("dist: %s disconnected (%u messages dropped)\n", c.peer.name, c.dropped);
}

/* We call `name`: its port from the epmd of its host (a node on 127.0.0.1
 * is on the host epmd runs on: QEMU's user network reaches it at the
 * gateway), TCP, the handshake as A; then as an accepted one. Nobody
 * waits for it: senders queue here meanwhile (dist/nodes.c). */
struct connect_request {
    uint32_t type; /* DIST_CONNECT_REQ */
    char name[256]; /* empty: another sender claimed the name first; nothing to do */
};
#define DIST_CONNECT_REQ (0x4453u << 16 | 3)

static bool is_connect_request(const void *d, uint32_t l, const struct msg_info *i, void *ctx)
{
    (void)ctx;
    return i->kind == MSG_USER && l == sizeof(struct connect_request) &&
           ((const struct connect_request *)d)->type == DIST_CONNECT_REQ;
}

/* The address of a node's host: 127.0.0.1 (or our own host) is epmd's host. */
static uint32_t host_addr(const char *host)
{
    uint32_t a;
    const char *ours = strchr(dist_node.name, '@') + 1;
    if (!strcmp(host, "127.0.0.1") || !strcmp(host, "localhost") || !strcmp(host, ours))
        return dist_node.epmd_addr;
    return bootargs_parse_ipv4(host, (unsigned)strlen(host), &a) ? a : 0;
}

static int connect_out(struct conn_state *c, const char *name)
{
    char alive[256];
    strlcpy(alive, name, sizeof alive);
    char *at = strchr(alive, '@');
    if (!at)
        return HS_ERR_PROTOCOL;
    *at = 0;
    uint32_t addr = host_addr(at + 1);
    if (!addr) {
        kprintf("dist: cannot reach %s: %s is not an IPv4 address (no DNS here)\n", name, at + 1);
        return HS_ERR_IO;
    }
    int port = epmd_port_please(&c->s, addr, dist_node.epmd_port, alive);
    if (port < 0) {
        kprintf("dist: cannot reach %s: epmd: %s\n", name, epmd_strerror(port));
        return HS_ERR_IO;
    }
    int conn = net_connect(addr, (uint16_t)port, EPMD_TIMEOUT_MS);
    if (conn < 0) {
        kprintf("dist: cannot reach %s: no TCP connection to port %d\n", name, port);
        return HS_ERR_IO;
    }
    stream_init(&c->s, (uint32_t)conn);
    int err = handshake_connect(&c->s, name, &c->peer);
    if (err)
        kprintf("dist: connection to %s %s: %s\n", name, err == HS_ERR_NOK ? "given up" : "refused",
                handshake_strerror(err));
    return err;
}

static void conn_initiator_main(void *arg)
{
    (void)arg;
    struct conn_state c;
    struct connect_request req;
    receive(is_connect_request, NULL, &req, sizeof req, RECEIVE_FOREVER, NULL);
    if (!req.name[0])
        return;
    conn_state_init(&c, 0);
    /* The name is already ours (dist_connect_hold claimed it): a call from them meanwhile sees it */
    int err = connect_out(&c, req.name);
    if (!err && !dist_nodes_up(c.peer.name, self()))
        err = HS_ERR_BUSY; /* their call won meanwhile (ok_simultaneous), though they did not say nok */
    bool replaced = false;
    if (!err) {
        kprintf("dist: %s connected (we called it)\n", c.peer.name);
        replaced = conn_loop(&c);
    }
    if (c.s.conn)
        net_close(c.s.conn);
    if (err == HS_ERR_NOK || err == HS_ERR_BUSY)
        relay(&c, req.name);
    finish(&c, req.name, replaced);
    if (!err)
        kprintf("dist: %s disconnected (%u messages dropped)\n", c.peer.name, c.dropped);
}

pid_t dist_connect_hold(const char *name, int *slot)
{
    pid_t sink = dist_nodes_hold(name, slot);
    if (sink || !strcmp(name, dist_node.name) || strlen(name) >= 256)
        return sink;
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.stack_size = CONN_STACK;
    pid_t p = spawn_opt(conn_initiator_main, NULL, &o, NULL);
    if (!p) {
        kprintf("dist: cannot start a connection process: %s\n", spawn_error());
        return 0;
    }
    struct connect_request req = {DIST_CONNECT_REQ, {0}};
    enum dist_claim claim = dist_nodes_calling(name, p, slot, &sink);
    if (claim == DIST_CLAIM_OK)
        strlcpy(req.name, name, sizeof req.name);
    else if (claim == DIST_CLAIM_FULL)
        kprintf("dist: cannot call %s: %u nodes are connected or connecting already\n", name, DIST_MAX_NODES);
    send(p, &req, sizeof req); /* BUSY or FULL: an empty name, and p ends */
    return sink;
}

bool dist_conn_accept(uint32_t conn)
{
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.stack_size = CONN_STACK;
    pid_t p = spawn_opt(conn_accepted_main, (void *)(uintptr_t)conn, &o, NULL);
    if (!p) {
        kprintf("dist: cannot start a connection process: %s\n", spawn_error());
        net_close(conn);
        return false;
    }
    net_give(conn, p);
    return true;
}
