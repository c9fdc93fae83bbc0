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
        if (s->msg.conn != s->conn)
            continue;
        if (s->msg.type == MSG_TCP_CLOSED) {
            s->closed = true;
        } else if (s->msg.type == MSG_TCP_DATA) {
            s->head = 0;
            s->have = s->msg.len; /* empty buffer: refill from the start */
            memcpy(s->buf, s->msg.data, s->msg.len);
        }
    }
    return 0;
}
