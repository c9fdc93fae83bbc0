/* The version 6 handshake (handshake.h), as Erlang/OTP's distribution
 * protocol documents it. */
#include <arch/timer.h>
#include <dist/dist.h>
#include <dist/flags.h>
#include <dist/handshake.h>
#include <lib/fmt.h>
#include <string.h>

#define MSG_NAME 'N'      /* flags(8) creation(4) nlen(2) name */
#define MSG_STATUS 's'    /* status text */
#define MSG_CHALLENGE 'N' /* flags(8) challenge(4) creation(4) nlen(2) name */
#define MSG_REPLY 'r'     /* challenge(4) digest(16) */
#define MSG_ACK 'a'       /* digest(16) */
#define HS_MSG_MAX 300    /* the longest: a challenge with a 255-byte name */

const char *handshake_strerror(int error)
{
    switch (error) {
    case HS_ERR_IO: return "the connection closed or went silent";
    case HS_ERR_PROTOCOL: return "an unexpected handshake message";
    case HS_ERR_FLAGS: return "the peer lacks distribution flags OTP 25 requires";
    case HS_ERR_COOKIE: return "wrong cookie";
    case HS_ERR_REFUSED: return "the peer refused the connection";
    case HS_ERR_NOK: return "it calls us at the same time, and its connection wins (its name is the greater)";
    case HS_ERR_OURS_WINS: return "we call it at the same time, and our connection wins (our name is the greater)";
    case HS_ERR_FULL: return "no room for more nodes";
    case HS_ERR_BUSY: return "another connection to it is in its handshake";
    case HS_ERR_ALIVE: return "it is connected already (and says that connection lives)";
    }
    return "unknown error";
}

/* Not secret-grade: the counter's low bits mixed (splitmix64). The virt
 * board's Cortex-A72 has no RNDR; what the digest defends against is a
 * peer without the cookie, which a guessable challenge does not help. */
static uint32_t challenge_new(void)
{
    static uint64_t calls; /* only made unequal by the counter; a race costs nothing */
    uint64_t z = timer_now() + 0x9e3779b97f4a7c15ull * ++calls;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (uint32_t)(z ^ (z >> 31));
}

static int send_msg(struct dist_stream *s, const uint8_t *msg, uint16_t len)
{
    uint8_t head[2];
    put_be16(head, len);
    return net_send(s->conn, head, 2) == 2 && net_send(s->conn, msg, len) == len ? 0 : HS_ERR_IO;
}

/* One 2-byte-framed message into buf; its length, or < 0. */
static int recv_msg(struct dist_stream *s, uint8_t *buf, uint32_t cap)
{
    uint8_t head[2];
    if (stream_read(s, head, 2, HANDSHAKE_TIMEOUT_MS))
        return HS_ERR_IO;
    uint16_t len = get_be16(head);
    if (len == 0 || len > cap)
        return HS_ERR_PROTOCOL;
    if (stream_read(s, buf, len, HANDSHAKE_TIMEOUT_MS))
        return HS_ERR_IO;
    return len;
}

static void put_be64(uint8_t *p, uint64_t v) { put_be32(p, (uint32_t)(v >> 32)), put_be32(p + 4, (uint32_t)v); }
static uint64_t get_be64(const uint8_t *p) { return (uint64_t)get_be32(p) << 32 | get_be32(p + 4); }

/* 'N' with our flags, [challenge,] creation and name. */
static int send_name(struct dist_stream *s, bool with_challenge, uint32_t challenge)
{
    uint8_t m[HS_MSG_MAX];
    size_t nlen = strlen(dist_node.name), at = 9;
    m[0] = MSG_NAME;
    put_be64(m + 1, DFLAGS_ARMADA);
    if (with_challenge)
        put_be32(m + at, challenge), at += 4;
    put_be32(m + at, dist_node.creation);
    put_be16(m + at + 4, (uint16_t)nlen);
    memcpy(m + at + 6, dist_node.name, nlen);
    return send_msg(s, m, (uint16_t)(at + 6 + nlen));
}

/* A peer's 'N' (name or challenge): flags, [challenge,] creation, name. */
static int parse_name(const uint8_t *m, int len, bool with_challenge, struct dist_peer *peer, uint32_t *challenge)
{
    int at = 9 + (with_challenge ? 4 : 0);
    if (len < at + 6 || m[0] != MSG_NAME)
        return HS_ERR_PROTOCOL;
    peer->flags = get_be64(m + 1);
    if (with_challenge)
        *challenge = get_be32(m + 9);
    peer->creation = get_be32(m + at);
    uint16_t nlen = get_be16(m + at + 4);
    if (nlen == 0 || nlen >= sizeof peer->name || at + 6 + nlen > len) /* extra data after the name: ignored */
        return HS_ERR_PROTOCOL;
    memcpy(peer->name, m + at + 6, nlen);
    peer->name[nlen] = 0;
    if ((peer->flags & DFLAGS_MANDATORY_25) != DFLAGS_MANDATORY_25)
        return HS_ERR_FLAGS;
    return 0;
}

int handshake_accept_name(struct dist_stream *s, struct dist_peer *peer)
{
    uint8_t m[HS_MSG_MAX];
    peer->name[0] = 0;
    int len = recv_msg(s, m, sizeof m);
    if (len < 0)
        return len;
    int err = parse_name(m, len, false, peer, NULL); /* an old 'n' (version 5) is no 'N': refused */
    if (err)
        handshake_send_status(s, "not_allowed");
    return err;
}

int handshake_send_status(struct dist_stream *s, const char *status)
{
    uint8_t m[32] = {MSG_STATUS};
    size_t n = strlen(status);
    memcpy(m + 1, status, n < sizeof m - 1 ? n : sizeof m - 1);
    return send_msg(s, m, (uint16_t)(1 + (n < sizeof m - 1 ? n : sizeof m - 1)));
}

int handshake_alive_answer(struct dist_stream *s)
{
    uint8_t m[16];
    int len = recv_msg(s, m, sizeof m);
    if (len < 0)
        return len;
    if (len == 5 && !memcmp(m, "strue", 5))
        return 1;
    return len == 6 && !memcmp(m, "sfalse", 6) ? 0 : HS_ERR_PROTOCOL;
}

int handshake_accept_challenge(struct dist_stream *s, struct dist_peer *peer)
{
    (void)peer;
    uint8_t m[HS_MSG_MAX];
    uint32_t ours = challenge_new();
    int err = send_name(s, true, ours);
    if (err)
        return err;
    int len = recv_msg(s, m, sizeof m);
    if (len < 0)
        return len;
    if (len != 21 || m[0] != MSG_REPLY)
        return HS_ERR_PROTOCOL;
    uint8_t want[16];
    dist_digest(dist_node.cookie, ours, want);
    if (memcmp(m + 5, want, 16))
        return HS_ERR_COOKIE; /* no ack: the peer sees the connection close */
    uint8_t ack[17] = {MSG_ACK};
    dist_digest(dist_node.cookie, get_be32(m + 1), ack + 1);
    return send_msg(s, ack, sizeof ack);
}

int handshake_connect(struct dist_stream *s, const char *name, struct dist_peer *peer)
{
    uint8_t m[HS_MSG_MAX];
    strlcpy(peer->name, name, sizeof peer->name);
    int err = send_name(s, false, 0);
    if (err)
        return err;
    int len = recv_msg(s, m, sizeof m);
    if (len < 0)
        return len;
    if (m[0] != MSG_STATUS)
        return HS_ERR_PROTOCOL;
    if (len == 6 && !memcmp(m + 1, "alive", 5)) {
        /* It holds a connection with us. If ours is still the pending call
         * for its name (OTP's is_pending), we hold none, so that one is dead:
         * true. If a call from it took the name meanwhile (a simultaneous
         * connect), the connection it holds is that one: false, and we end. */
        bool pending = dist_nodes_pending(self());
        if ((err = handshake_send_status(s, pending ? "true" : "false")))
            return err;
        if (!pending)
            return HS_ERR_BUSY;
    } else if (len == 4 && !memcmp(m + 1, "nok", 3)) {
        return HS_ERR_NOK;
    } else if (!(len == 3 && !memcmp(m + 1, "ok", 2)) && !(len == 16 && !memcmp(m + 1, "ok_simultaneous", 15))) {
        return HS_ERR_REFUSED;
    }
    len = recv_msg(s, m, sizeof m);
    if (len < 0)
        return len;
    uint32_t theirs;
    if ((err = parse_name(m, len, true, peer, &theirs)))
        return err;
    uint8_t reply[21] = {MSG_REPLY};
    uint32_t ours = challenge_new();
    put_be32(reply + 1, ours);
    dist_digest(dist_node.cookie, theirs, reply + 5);
    if ((err = send_msg(s, reply, sizeof reply)))
        return err;
    len = recv_msg(s, m, sizeof m);
    if (len < 0)
        return len == HS_ERR_IO ? HS_ERR_COOKIE : len; /* a peer that dislikes our digest just closes */
    uint8_t want[16];
    dist_digest(dist_node.cookie, ours, want);
    if (len != 17 || m[0] != MSG_ACK)
        return HS_ERR_PROTOCOL;
    return memcmp(m + 1, want, 16) ? HS_ERR_COOKIE : 0;
}
