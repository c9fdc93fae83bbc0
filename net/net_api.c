/* The client side of net.h: runs in the calling process, and talks to the
 * network process by copied messages only. */
#include <lib/fmt.h>
#include <net/net.h>
#include <string.h>

pid_t net_pid(void) { return whereis("net"); }

struct want {
    uint32_t type, conn;
    bool any_conn;
};
static bool is_wanted(const void *d, uint32_t l, const struct msg_info *i, void *ctx)
{
    const struct net_msg *m = d;
    const struct want *w = ctx;
    return i->kind == MSG_USER && l >= NET_MSG_HEADER && m->type == w->type && (w->any_conn || m->conn == w->conn);
}

/* A request to the network process. send() fails here only for want of
 * memory for the message (or with the network process gone): a moment later
 * there may be some, and a caller must not take a full moment for a closed
 * connection, so try for up to a second. */
static bool to_net(const void *req, uint32_t len)
{
    for (int tries = 0; tries < 100; tries++) {
        pid_t net = net_pid();
        if (!net)
            return false;
        if (send(net, req, len) == 0)
            return true;
        sleep_ms(10);
    }
    return false;
}

/* A request with data, built in the caller's *r. */
static bool request_in(struct net_msg *r, uint32_t type, uint32_t conn, uint32_t addr, uint16_t port,
                       int32_t status, const void *data, uint32_t len)
{
    if (len > NET_DATA_MAX)
        return false;
    r->type = type, r->conn = conn, r->addr = addr, r->port = port, r->status = status, r->len = (uint16_t)len;
    if (len)
        memcpy(r->data, data, len);
    return to_net(r, NET_MSG_HEADER + len);
}

static bool request(uint32_t type, uint32_t conn, uint32_t addr, uint16_t port, int32_t status)
{
    struct net_msg_header h = {.type = type, .conn = conn, .status = status, .addr = addr, .port = port};
    return to_net(&h, sizeof h);
}

static int await(uint32_t type, uint32_t conn, bool any_conn, struct net_msg *m, uint64_t timeout_ms)
{
    struct want w = {type, conn, any_conn};
    return receive(is_wanted, &w, m, sizeof *m, timeout_ms, NULL);
}

int net_listen(uint16_t port)
{
    struct net_msg m;
    if (!request(NET_REQ_LISTEN, 0, 0, port, 0) || await(MSG_TCP_LISTENING, 0, true, &m, 5000) < 0)
        return -1;
    return m.status;
}

int net_connect(uint32_t addr, uint16_t port, uint64_t timeout_ms)
{
    struct net_msg m;
    if (!request(NET_REQ_CONNECT, 0, addr, port, 0) ||
        await(MSG_TCP_CONNECTED, 0, true, &m, timeout_ms) < 0)
        return -1;
    return m.status < 0 ? m.status : (int)m.conn;
}

void net_give(uint32_t conn, pid_t to) { request(NET_REQ_GIVE, conn, (uint32_t)to, 0, (int32_t)(uint32_t)(to >> 32)); }
void net_close(uint32_t conn) { request(NET_REQ_CLOSE, conn, 0, 0, 0); }

int net_send_while(uint32_t conn, const void *data, uint32_t len, uint64_t step_ms, bool (*keep_waiting)(void *),
                   void *ctx)
{
    const uint8_t *p = data;
    uint32_t done = 0;
    while (done < len) {
        uint32_t n = len - done > NET_DATA_MAX ? NET_DATA_MAX : len - done;
        struct net_msg m; /* the request, then the answer */
        if (!request_in(&m, NET_REQ_SEND, conn, 0, 0, 0, p + done, n))
            return -1;
        /* The answer comes once the stack took the bytes: the backpressure. */
        while (await(MSG_TCP_SENT, conn, false, &m, step_ms) < 0)
            if (!keep_waiting(ctx))
                return NET_SEND_GAVE_UP; /* the request stays with the stack: close conn */
        if (m.status < 0)
            return -1;
        done += n;
    }
    return (int)done;
}

static bool forever(void *ctx)
{
    (void)ctx;
    return true;
}

int net_send(uint32_t conn, const void *data, uint32_t len)
{
    return net_send_while(conn, data, len, RECEIVE_FOREVER, forever, NULL);
}

bool net_is_event(const void *d, uint32_t l, const struct msg_info *i)
{
    const struct net_msg *m = d;
    return i->kind == MSG_USER && l >= NET_MSG_HEADER && m->type >= MSG_TCP_LISTENING && m->type != MSG_TCP_SENT;
}

static bool is_event(const void *d, uint32_t l, const struct msg_info *i, void *ctx)
{
    (void)ctx;
    return net_is_event(d, l, i);
}

void net_consumed(const struct net_msg *m)
{
    if (m->type == MSG_TCP_DATA)
        request(NET_REQ_CONSUMED, m->conn, 0, m->len, 0);
}

int net_receive(struct net_msg *m, uint64_t timeout_ms)
{
    int n = receive(is_event, NULL, m, sizeof *m, timeout_ms, NULL);
    if (n >= 0)
        net_consumed(m);
    return n;
}

bool net_get_info(struct net_info *out)
{
    struct net_msg m;
    if (!request(NET_REQ_INFO, 0, 0, 0, 0) || await(MSG_NET_INFO, 0, true, &m, 2000) < 0)
        return false;
    memcpy(out, m.data, sizeof *out);
    return true;
}

int net_ping(uint32_t addr, uint16_t seq, uint64_t timeout_ms)
{
    struct net_msg m;
    if (!request(NET_REQ_PING, 0, addr, seq, 0))
        return -1;
    for (;;) {
        if (await(MSG_NET_PING_REPLY, 0, true, &m, timeout_ms) < 0)
            return -1;
        if (m.port == seq && m.addr == addr)
            return m.status;
    }
}

void net_format_ip(char *buf, uint32_t size, uint32_t a)
{
    fmt_snprintf(buf, size, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}
