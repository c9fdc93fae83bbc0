/* Exact reads from one TCP connection (stream.h). */
#include <dist/stream.h>
#include <string.h>

void stream_init(struct dist_stream *s, uint32_t conn)
{
    s->conn = conn;
    s->head = s->have = 0;
    s->closed = false;
}

int stream_read(struct dist_stream *s, void *dst, uint32_t n, uint64_t timeout_ms)
{
    uint8_t *out = dst;
    while (n) {
        if (s->head < s->have) {
            uint32_t k = s->have - s->head < n ? s->have - s->head : n;
            memcpy(out, s->buf + s->head, k);
            s->head += k, out += k, n -= k;
            continue;
        }
        if (s->closed)
            return STREAM_CLOSED;
        if (net_receive(&s->msg, timeout_ms) < 0)
            return STREAM_TIMEOUT;
        stream_push(s, &s->msg);
    }
    return 0;
}

bool stream_push(struct dist_stream *s, const struct net_msg *m)
{
    if (m->conn != s->conn)
        return true;
    if (m->type == MSG_TCP_CLOSED) {
        s->closed = true;
        return true;
    }
    if (m->type != MSG_TCP_DATA)
        return true;
    if (s->head) { /* what was read makes room at the front */
        memmove(s->buf, s->buf + s->head, s->have - s->head);
        s->have -= s->head;
        s->head = 0;
    }
    if (DIST_STREAM_BUF - s->have < m->len)
        return false;
    memcpy(s->buf + s->have, m->data, m->len);
    s->have += m->len;
    return true;
}
