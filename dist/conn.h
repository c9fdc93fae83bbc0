/* A distribution connection: one process per connected node (conn.c). It
 * runs the handshake, then reads the peer's packets and delivers them, writes
 * what local processes hand it (struct dist_req), and ticks. */
#ifndef ARMADA_DIST_CONN_H
#define ARMADA_DIST_CONN_H

#include <dist/dist.h>

#define DIST_REQ_PACKET (0x4453u << 16 | 2) /* to a connection process: write this packet */
struct dist_req {
    uint32_t type;
    uint32_t len;
    uint8_t packet[]; /* 'p', the control term, the message term */
};
#define DIST_REQ_MAX (MSG_MAX - (uint32_t)sizeof(struct dist_req))
/* ... and hold a monitor: DOWN for it goes to `local` (a struct dist_req follows) */
#define DIST_REQ_MONITOR (0x4453u << 16 | 5)
#define DIST_REQ_LINK (0x4453u << 16 | 6) /* ... and hold a link (the same struct; ids unused) */
#define DIST_REQ_UNLINK (0x4453u << 16 | 7) /* ... and drop that link */
/* Drop the monitor whose signal_ref this is and write its DEMONITOR_P (no packet comes) */
#define DIST_REQ_DEMONITOR (0x4453u << 16 | 8)
struct dist_req_monitor {
    uint32_t type;
    pid_t local;
    uint64_t signal_ref; /* a monitor(): its DOWN as MSG_DOWN with this ref (0: dist_monitor's term DOWN) */
    uint32_t ids[3]; /* the reference's words */
    uint16_t target_len;
    uint8_t target[128]; /* the monitored pid's encoding, no version byte */
    struct dist_req packet;
};
/* ps (dist/ps.c): the connection's links and monitors, answered to reply_to
 * as one struct dist_ps_reply with the same tag. */
#define DIST_REQ_PS (0x4453u << 16 | 9)
#define DIST_PS_REPLY (0x4453u << 16 | 10)
struct dist_req_ps {
    uint32_t type, tag;
    pid_t reply_to;
};
struct dist_ps_reply {
    uint32_t type, tag, n;
    struct {
        pid_t local, remote; /* remote: its pid_t (dist_pid), 0 if none could be kept */
        uint32_t kind;       /* enum ps_remote_kind (sched.h) */
    } e[2 * 32];             /* 2 * WATCH_MAX: the peer's watches and our monitors */
};
_Static_assert(sizeof(struct dist_ps_reply) <= MSG_MAX, "a ps reply is one message");
/* The peer called again, and said this connection is dead ("alive"): end it. */
#define DIST_REQ_CLOSE (0x4453u << 16 | 11)
struct dist_req_close {
    uint32_t type, unused;
};
#define DIST_PASS_THROUGH 112 /* 'p': a packet without a distribution header */

/* Start a control message in buf: 'p', then the tuple {Op, ...} of `arity`
 * elements with Op written; the caller adds the rest and ends it. */
static inline void dist_control_begin(struct term_buf *b, uint8_t *buf, uint32_t cap, uint32_t arity,
                                      int64_t op)
{
    buf[0] = DIST_PASS_THROUGH;
    term_begin(b, buf + 1, cap - 1);
    term_tuple(b, arity);
    term_int(b, op);
}

/* A connection the listener accepted: a process of its own takes it. */
bool dist_conn_accept(uint32_t conn);

#endif
