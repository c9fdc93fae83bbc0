/* epmd requests (epmd.h), as Erlang/OTP's distribution protocol documents
 * them: each a 2-byte big-endian length, then the request. */
#include <dist/epmd.h>
#include <string.h>

#define ALIVE2_REQ 120       /* 'x' */
#define ALIVE2_X_RESP 118    /* 'v': creation in 4 bytes (highest version 6) */
#define ALIVE2_RESP 121      /* 'y': creation in 2 bytes */
#define PORT_PLEASE2_REQ 122 /* 'z' */
#define PORT2_RESP 119       /* 'w' */
#define NODE_TYPE_NORMAL 77  /* 'M': a visible Erlang node (72, 'H', is hidden) */
#define PROTOCOL_TCP_IPV4 0
#define DIST_VERSION_LOWEST 6 /* OTP 25 speaks nothing older */

const char *epmd_strerror(int error)
{
    switch (error) {
    case EPMD_ERR_UNREACHABLE: return "cannot connect to epmd";
    case EPMD_ERR_NO_ANSWER: return "epmd did not answer in time";
    case EPMD_ERR_REFUSED: return "epmd refused (name taken, or not registered)";
    case EPMD_ERR_PROTOCOL: return "epmd's answer is not one it gives";
    }
    return "unknown error";
}

/* A connection to epmd with one request sent: conn, or < 0. */
static int request(struct dist_stream *s, uint32_t addr, uint16_t epmd_port, const uint8_t *req, uint16_t len)
{
    int conn = net_connect(addr, epmd_port, EPMD_TIMEOUT_MS);
    if (conn < 0)
        return EPMD_ERR_UNREACHABLE;
    stream_init(s, (uint32_t)conn);
    if (net_send((uint32_t)conn, req, len) != len) {
        net_close((uint32_t)conn);
        return EPMD_ERR_UNREACHABLE;
    }
    return conn;
}

static int fail(int conn, int error)
{
    net_close((uint32_t)conn);
    return error;
}

int epmd_register(struct dist_stream *s, uint32_t addr, uint16_t epmd_port, const char *alive, uint16_t port,
                  uint32_t *creation)
{
    size_t nlen = strlen(alive);
    uint8_t req[2 + 13 + 255 + 2];
    if (!nlen || nlen > 255)
        return EPMD_ERR_REFUSED;
    uint8_t *r = req + 2;
    r[0] = ALIVE2_REQ;
    put_be16(r + 1, port);
    r[3] = NODE_TYPE_NORMAL;
    r[4] = PROTOCOL_TCP_IPV4;
    put_be16(r + 5, DIST_VERSION);
    put_be16(r + 7, DIST_VERSION_LOWEST);
    put_be16(r + 9, (uint16_t)nlen);
    memcpy(r + 11, alive, nlen);
    put_be16(r + 11 + nlen, 0); /* no extra */
    uint16_t len = (uint16_t)(13 + nlen);
    put_be16(req, len);
    int conn = request(s, addr, epmd_port, req, (uint16_t)(2 + len));
    if (conn < 0)
        return conn;
    uint8_t head[2], c[4];
    if (stream_read(s, head, 2, EPMD_TIMEOUT_MS))
        return fail(conn, EPMD_ERR_NO_ANSWER);
    if (head[0] != ALIVE2_X_RESP && head[0] != ALIVE2_RESP)
        return fail(conn, EPMD_ERR_PROTOCOL);
    if (head[1] != 0)
        return fail(conn, EPMD_ERR_REFUSED);
    uint32_t clen = head[0] == ALIVE2_X_RESP ? 4 : 2;
    if (stream_read(s, c, clen, EPMD_TIMEOUT_MS))
        return fail(conn, EPMD_ERR_NO_ANSWER);
    *creation = clen == 4 ? get_be32(c) : get_be16(c);
    return conn;
}

int epmd_port_please(struct dist_stream *s, uint32_t addr, uint16_t epmd_port, const char *alive)
{
    size_t nlen = strlen(alive);
    uint8_t req[2 + 1 + 255];
    if (!nlen || nlen > 255)
        return EPMD_ERR_REFUSED;
    put_be16(req, (uint16_t)(1 + nlen));
    req[2] = PORT_PLEASE2_REQ;
    memcpy(req + 3, alive, nlen);
    int conn = request(s, addr, epmd_port, req, (uint16_t)(3 + nlen));
    if (conn < 0)
        return conn;
    /* 'w', result; then port, type, protocol, versions: the rest is the name */
    uint8_t head[2], info[8];
    int got = stream_read(s, head, 2, EPMD_TIMEOUT_MS);
    if (got)
        return fail(conn, got == STREAM_CLOSED && s->have == 0 ? EPMD_ERR_REFUSED : EPMD_ERR_NO_ANSWER);
    if (head[0] != PORT2_RESP)
        return fail(conn, EPMD_ERR_PROTOCOL);
    if (head[1] != 0)
        return fail(conn, EPMD_ERR_REFUSED);
    if (stream_read(s, info, sizeof info, EPMD_TIMEOUT_MS))
        return fail(conn, EPMD_ERR_NO_ANSWER);
    net_close((uint32_t)conn); /* the name and extra that follow are of no use here */
    if (get_be16(info + 4) < DIST_VERSION || get_be16(info + 6) > DIST_VERSION)
        return EPMD_ERR_PROTOCOL; /* a node that cannot speak version 6 */
    return get_be16(info);
}
