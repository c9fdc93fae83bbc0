/* Exact reads from a TCP connection: the network hands over data in pieces
 * of any size (MSG_TCP_DATA), the protocols here want fields of known size. */
#ifndef ARMADA_DIST_STREAM_H
#define ARMADA_DIST_STREAM_H

#include <net/net.h>
#include <stdint.h>

#define DIST_STREAM_BUF (16 * 1024) /* a whole distribution packet (DIST_PACKET_MAX, dist.h) and its length */

enum { STREAM_CLOSED = -1, STREAM_TIMEOUT = -2 };

struct dist_stream {
    uint32_t conn;
    uint32_t head, have; /* buf[head..have) holds received bytes not yet read */
    bool closed;
    uint8_t buf[DIST_STREAM_BUF];
    struct net_msg msg; /* the network's last message, kept here, off the stack */
};

void stream_init(struct dist_stream *s, uint32_t conn);
/* n bytes into dst, waiting at most timeout_ms for each piece: 0, or
 * STREAM_CLOSED / STREAM_TIMEOUT. Events for other connections are dropped:
 * the calling process owns this one connection. */
int stream_read(struct dist_stream *s, void *dst, uint32_t n, uint64_t timeout_ms);
/* Take in a MSG_TCP_DATA or MSG_TCP_CLOSED the caller received itself;
 * false when the data does not fit (the peer sent more than a packet). */
bool stream_push(struct dist_stream *s, const struct net_msg *m);
static inline uint32_t stream_buffered(const struct dist_stream *s) { return s->have - s->head; }
static inline const uint8_t *stream_peek(const struct dist_stream *s) { return s->buf + s->head; }
static inline void stream_skip(struct dist_stream *s, uint32_t n) { s->head += n; }

static inline void put_be16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v; }
static inline void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}
static inline uint16_t get_be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

#endif
