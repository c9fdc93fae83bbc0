/* TCP connections and listeners for processes (net.h), on lwIP's raw API.
 * A slot per connection: its owner, the received bytes not yet handed over,
 * the credit the owner has not consumed, and at most one send waiting for
 * room in the send buffer (its sender waits for MSG_TCP_SENT). */
#include <lwip/tcp.h>
#include <string.h>

#include "netproc.h"

struct conn {
    bool used, listener, ready; /* ready: the owner takes data */
    uint16_t gen;
    struct tcp_pcb *pcb;
    pid_t owner;
    uint64_t monitor_ref;
    struct pbuf *rx;      /* received, not yet sent to the owner */
    uint32_t unconsumed;  /* sent to the owner, not yet net_receive()d */
    bool peer_closed, closed_told;
    pid_t send_waiter;    /* a send that did not fit yet */
    uint16_t send_len;
    uint8_t send_buf[NET_DATA_MAX];
};
static struct conn conns[NET_MAX_CONNS];
static uint32_t used_count;

static uint32_t conn_id(const struct conn *c) { return (uint32_t)(c - conns) | (uint32_t)c->gen << 16; }
static struct conn *conn_get(uint32_t id)
{
    uint32_t i = id & 0xffff;
    if (i >= NET_MAX_CONNS || !conns[i].used || conns[i].gen != (uint16_t)(id >> 16))
        return NULL;
    return &conns[i];
}

void netconn_table_init(void) { memset(conns, 0, sizeof conns); }
uint32_t netconn_table_used(void) { return used_count; }

static struct conn *conn_alloc(pid_t owner)
{
    for (int i = 0; i < NET_MAX_CONNS; i++)
        if (!conns[i].used) {
            struct conn *c = &conns[i];
            uint16_t gen = (uint16_t)(c->gen + 1);
            memset(c, 0, sizeof *c);
            c->used = true, c->gen = gen ? gen : 1, c->owner = owner;
            used_count++;
            return c;
        }
    return NULL;
}

static void event(pid_t to, uint32_t type, uint32_t conn, int32_t status, uint32_t addr, uint16_t port)
{
    struct net_msg_header h = {.type = type, .conn = conn, .status = status, .addr = addr, .port = port};
    send(to, &h, sizeof h);
}

/* Detach from lwIP and free the slot (the pcb is closed or gone). */
static void conn_free(struct conn *c)
{
    if (c->pcb) {
        tcp_arg(c->pcb, NULL);
        if (!c->listener) {
            tcp_recv(c->pcb, NULL);
            tcp_sent(c->pcb, NULL);
            tcp_err(c->pcb, NULL);
            tcp_poll(c->pcb, NULL, 0);
        } else {
            tcp_accept(c->pcb, NULL);
        }
    }
    if (c->rx)
        pbuf_free(c->rx);
    if (c->send_waiter)
        event(c->send_waiter, MSG_TCP_SENT, conn_id(c), -1, 0, 0);
    if (c->monitor_ref)
        demonitor(c->monitor_ref);
    c->used = false;
    c->pcb = NULL;
    c->rx = NULL;
    used_count--;
}

/* tcp_close() fails only for want of memory for the FIN (lwIP says: try
 * again later). An abort there would be a reset that throws away what the
 * connection still has queued, so a detached pcb retries from lwIP's poll
 * timer, its try count in the callback argument, and resets only at the end. */
#define CLOSE_TRIES 20 /* polls of 1 s */
static uint32_t closes_deferred, closes_aborted;

void netconn_close_counts(uint32_t *deferred, uint32_t *aborted)
{
    *deferred = closes_deferred, *aborted = closes_aborted;
}

static err_t retry_close(void *arg, struct tcp_pcb *pcb)
{
    uintptr_t tries = (uintptr_t)arg;
    if (tcp_close(pcb) == ERR_OK)
        return ERR_OK;
    if (tries >= CLOSE_TRIES) {
        closes_aborted++;
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    tcp_arg(pcb, (void *)(tries + 1));
    return ERR_OK;
}

static void close_pcb(struct conn *c)
{
    if (!c->pcb)
        return;
    struct tcp_pcb *pcb = c->pcb;
    conn_free(c); /* detaches the callbacks first */
    if (tcp_close(pcb) != ERR_OK) {
        closes_deferred++;
        tcp_arg(pcb, (void *)1);
        tcp_poll(pcb, retry_close, 2);
    }
}

static void tell_closed(struct conn *c, int32_t why)
{
    if (!c->closed_told) {
        c->closed_told = true;
        event(c->owner, MSG_TCP_CLOSED, conn_id(c), why, 0, 0);
    }
}

/* Hand the owner what it has credit for; the end once the data is out. */
static void deliver(struct conn *c)
{
    struct net_msg m;
    while (c->ready && c->rx && c->unconsumed < NET_RX_CREDIT) {
        uint16_t n = c->rx->tot_len > NET_DATA_MAX ? NET_DATA_MAX : c->rx->tot_len;
        pbuf_copy_partial(c->rx, m.data, n, 0);
        m.type = MSG_TCP_DATA, m.conn = conn_id(c), m.status = 0, m.addr = 0, m.port = 0, m.len = n;
        if (send(c->owner, &m, NET_MSG_HEADER + n) < 0)
            return; /* no memory: the next request or segment tries again */
        /* (a dead owner's send is dropped: its MSG_DOWN frees the slot) */
        c->unconsumed += n;
        c->rx = n == c->rx->tot_len ? (pbuf_free(c->rx), NULL) : pbuf_free_header(c->rx, n);
    }
    if (c->ready && !c->rx && c->peer_closed)
        tell_closed(c, NET_CLOSED_BY_PEER);
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct conn *c = arg;
    (void)pcb, (void)err;
    if (!c) {
        if (p)
            pbuf_free(p);
        return ERR_OK;
    }
    if (!p)
        c->peer_closed = true;
    else if (c->rx)
        pbuf_cat(c->rx, p);
    else
        c->rx = p;
    deliver(c);
    return ERR_OK;
}

static bool try_send(struct conn *c, const void *data, uint16_t len)
{
    if (tcp_sndbuf(c->pcb) < len || tcp_sndqueuelen(c->pcb) + 4 > TCP_SND_QUEUELEN)
        return false;
    if (tcp_write(c->pcb, data, len, TCP_WRITE_FLAG_COPY) != ERR_OK)
        return false;
    tcp_output(c->pcb);
    return true;
}

static void retry_waiting_send(struct conn *c)
{
    if (c && c->send_waiter && try_send(c, c->send_buf, c->send_len)) {
        event(c->send_waiter, MSG_TCP_SENT, conn_id(c), c->send_len, 0, 0);
        c->send_waiter = 0;
    }
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)pcb, (void)len;
    retry_waiting_send(arg);
    return ERR_OK;
}

/* Also from the poll timer: a tcp_write() that failed for want of memory
 * with nothing in flight would otherwise wait for an ACK that never comes. */
static err_t on_poll(void *arg, struct tcp_pcb *pcb)
{
    (void)pcb;
    retry_waiting_send(arg);
    return ERR_OK;
}

static void on_err(void *arg, err_t err)
{
    struct conn *c = arg;
    if (!c)
        return;
    c->pcb = NULL; /* lwIP has freed it */
    tell_closed(c, err == ERR_RST ? NET_CLOSED_RESET : NET_CLOSED_ERROR);
    conn_free(c);
}

static void attach(struct conn *c, struct tcp_pcb *pcb)
{
    c->pcb = pcb;
    tcp_arg(pcb, c);
    tcp_recv(pcb, on_recv);
    tcp_sent(pcb, on_sent);
    tcp_err(pcb, on_err);
    tcp_poll(pcb, on_poll, 2); /* every 1 s */
    tcp_nagle_disable(pcb);
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct conn *l = arg;
    if (err != ERR_OK || !pcb || !l)
        return ERR_VAL;
    struct conn *c = conn_alloc(l->owner);
    if (!c) {
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    attach(c, pcb);
    event(l->owner, MSG_TCP_ACCEPTED, conn_id(c), 0, lwip_ntohl(ip4_addr_get_u32(&pcb->remote_ip)), pcb->remote_port);
    return ERR_OK;
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct conn *c = arg;
    (void)pcb;
    if (!c)
        return ERR_OK;
    c->ready = true;
    c->monitor_ref = monitor(c->owner);
    event(c->owner, MSG_TCP_CONNECTED, conn_id(c), err == ERR_OK ? 0 : -1, 0, 0);
    return ERR_OK;
}

static void do_listen(uint16_t port, pid_t from)
{
    struct conn *c = conn_alloc(from);
    struct tcp_pcb *pcb = c ? tcp_new() : NULL;
    if (!pcb || tcp_bind(pcb, IP_ADDR_ANY, port) != ERR_OK || !(pcb = tcp_listen(pcb))) {
        if (pcb)
            tcp_close(pcb);
        if (c)
            conn_free(c);
        event(from, MSG_TCP_LISTENING, 0, -1, 0, port);
        return;
    }
    c->listener = true, c->pcb = pcb;
    c->monitor_ref = monitor(from);
    tcp_arg(pcb, c);
    tcp_accept(pcb, on_accept);
    event(from, MSG_TCP_LISTENING, conn_id(c), (int32_t)conn_id(c), 0, port);
}

static void do_connect(uint32_t addr, uint16_t port, pid_t from)
{
    struct conn *c = conn_alloc(from);
    struct tcp_pcb *pcb = c ? tcp_new() : NULL;
    ip_addr_t ip;
    ip4_addr_set_u32(&ip, lwip_htonl(addr));
    if (pcb) {
        attach(c, pcb);
        if (tcp_connect(pcb, &ip, port, on_connected) == ERR_OK)
            return;
        close_pcb(c);
        c = NULL;
    }
    if (c)
        conn_free(c);
    event(from, MSG_TCP_CONNECTED, 0, -1, addr, port);
}

void netconn_request(const struct net_msg *m, uint32_t len, pid_t from)
{
    struct conn *c = conn_get(m->conn);
    switch (m->type) {
    case NET_REQ_LISTEN: do_listen(m->port, from); return;
    case NET_REQ_CONNECT: do_connect(m->addr, m->port, from); return;
    case NET_REQ_PING: ping_request(m->addr, m->port, from); return;
    case NET_REQ_INFO: {
        struct net_msg r;
        struct net_info info; /* aligned; r.data is not */
        memset(&r, 0, NET_MSG_HEADER);
        r.type = MSG_NET_INFO, r.len = sizeof info;
        netproc_fill_info(&info);
        memcpy(r.data, &info, sizeof info);
        send(from, &r, NET_MSG_HEADER + r.len);
        return;
    }
    case NET_REQ_SEND:
        if (!c || !c->pcb || c->listener || c->send_waiter || len != NET_MSG_HEADER + m->len) {
            event(from, MSG_TCP_SENT, m->conn, -1, 0, 0);
        } else if (try_send(c, m->data, m->len)) {
            event(from, MSG_TCP_SENT, m->conn, m->len, 0, 0);
        } else { /* full: the sender waits until on_sent finds room */
            memcpy(c->send_buf, m->data, m->len);
            c->send_len = m->len, c->send_waiter = from;
        }
        return;
    case NET_REQ_CONSUMED:
        if (c && !c->listener) {
            uint32_t n = m->port <= c->unconsumed ? m->port : c->unconsumed;
            c->unconsumed -= n;
            if (c->pcb)
                tcp_recved(c->pcb, (u16_t)n);
            deliver(c);
        }
        return;
    case NET_REQ_GIVE:
        if (c && !c->listener) {
            pid_t to = (pid_t)m->addr | (pid_t)(uint32_t)m->status << 32;
            if (c->monitor_ref)
                demonitor(c->monitor_ref);
            c->owner = to, c->ready = true;
            c->monitor_ref = monitor(to);
            deliver(c);
        }
        return;
    case NET_REQ_CLOSE:
        if (c && c->pcb)
            close_pcb(c);
        else if (c)
            conn_free(c);
        return;
    default:
        return;
    }
}

void netconn_owner_down(uint64_t ref)
{
    for (int i = 0; i < NET_MAX_CONNS; i++) {
        struct conn *c = &conns[i];
        if (c->used && c->monitor_ref == ref) {
            c->monitor_ref = 0; /* it fired: nothing to demonitor */
            if (c->pcb && !c->listener) {
                struct tcp_pcb *pcb = c->pcb;
                conn_free(c);
                tcp_abort(pcb);
            } else {
                close_pcb(c);
            }
        }
    }
}
