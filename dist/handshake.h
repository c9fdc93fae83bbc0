/* The distribution handshake, version 6 (OTP 23 and later), both sides:
 * names and flags, then each side proves it holds the cookie with the MD5
 * of the cookie and the other's random challenge (as decimal text). The
 * handshake's messages carry 2-byte lengths; the connection's, 4-byte. */
#ifndef ARMADA_DIST_HANDSHAKE_H
#define ARMADA_DIST_HANDSHAKE_H

#include <dist/stream.h>
#include <stdint.h>

#define HANDSHAKE_TIMEOUT_MS 7000 /* net_kernel's setup time */

struct dist_peer {
    char name[256];
    uint64_t flags;
    uint32_t creation;
};

enum handshake_error {
    HS_ERR_IO = -1,       /* the connection closed or went silent */
    HS_ERR_PROTOCOL = -2, /* a message the handshake does not have here */
    HS_ERR_FLAGS = -3,    /* the peer lacks a flag OTP 25 makes mandatory */
    HS_ERR_COOKIE = -4,   /* the peer's digest is not of our cookie */
    HS_ERR_REFUSED = -5,  /* the peer's status was not ok */
    HS_ERR_NOK = -6,      /* the peer calls us as we call it, and its connection wins ("nok") */
    HS_ERR_OURS_WINS = -7, /* called while we call the peer, our connection the winner: we said "nok" */
    HS_ERR_FULL = -8,     /* DIST_MAX_NODES connections are held */
    HS_ERR_BUSY = -9,     /* another connection to that node is in its handshake */
    HS_ERR_ALIVE = -10,   /* called by a node we are connected to, which said the old connection lives */
};
const char *handshake_strerror(int error);

/* B: a peer connected to us, in three steps. Its name (peer->name filled as
 * soon as it said it); then our status for it ("ok", "ok_simultaneous",
 * "nok", "not_allowed", "alive": the caller decides, from the table of nodes);
 * then the challenges. Each 0, or < 0 (enum handshake_error). */
int handshake_accept_name(struct dist_stream *s, struct dist_peer *peer);
int handshake_send_status(struct dist_stream *s, const char *status);
int handshake_alive_answer(struct dist_stream *s); /* after "alive": 1 (true: the old one is dead), 0, or < 0 */
int handshake_accept_challenge(struct dist_stream *s, struct dist_peer *peer);
/* A: we connected to the node `name`. */
int handshake_connect(struct dist_stream *s, const char *name, struct dist_peer *peer);

/* MD5(cookie ++ integer_to_list(challenge)): the digest both sides check. */
void dist_digest(const char *cookie, uint32_t challenge, uint8_t out[16]);

#endif
