/* Links and monitors that other nodes' processes hold on this node's
 * processes (watch.c). The connection process stands in for the remote
 * process: it monitors or links the local one itself, and turns the
 * MSG_DOWN / MSG_EXIT it gets into MONITOR_P_EXIT / EXIT for the peer. */
#ifndef ARMADA_DIST_WATCH_H
#define ARMADA_DIST_WATCH_H

#include <dist/dist.h>

#define WATCH_MAX 32       /* per connection; more are refused (noproc / an immediate exit) */
#define WATCH_TERM_MAX 128 /* an encoded pid, ref or name; longer ones are refused the same way */

struct watch {
    bool used, link;
    pid_t local;
    uint64_t mref; /* a monitor: our monitor(local)'s reference */
    uint8_t remote[WATCH_TERM_MAX], ref[WATCH_TERM_MAX], target[WATCH_TERM_MAX]; /* encodings, no version byte */
    uint16_t remote_len, ref_len, target_len; /* target: the pid or name the monitor named */
};

struct watches {
    struct watch w[WATCH_MAX];
};

/* Control messages built for the peer: the packet ('p' and the control term)
 * in buf, its length returned, or 0 when it has nothing to say. */
uint32_t watch_monitor(struct watches *ws, const struct term *ctrl, uint8_t *buf, uint32_t cap);   /* MONITOR_P */
void watch_demonitor(struct watches *ws, const struct term *ctrl);                                   /* DEMONITOR_P */
uint32_t watch_link(struct watches *ws, const struct term *ctrl, uint8_t *buf, uint32_t cap);      /* LINK */
uint32_t watch_unlink(struct watches *ws, const struct term *ctrl, uint8_t *buf, uint32_t cap);    /* UNLINK_ID */
/* EXIT, EXIT2; scratch (8-aligned) holds what the signal carries (dist_reason_bytes) */
void watch_remote_exit(struct watches *ws, const struct term *ctrl, uint8_t *scratch, uint32_t cap);
/* For a process spawned at the peer's request: its link, or its monitor
 * under the request's reference. False: no room. */
bool watch_add_link(struct watches *ws, pid_t local, const struct term *remote);
bool watch_add_monitor(struct watches *ws, pid_t local, const struct term *remote, const struct term *ref);
/* A MSG_DOWN or MSG_EXIT the connection process got (data, len: its data,
 * an EXIT_REMOTE reason's term, passed on as it came): the peer's message. */
uint32_t watch_local_end(struct watches *ws, const struct msg_info *info, const void *data, uint32_t len,
                         uint8_t *buf, uint32_t cap);
/* The pid_t (dist_pid) of a kept pid encoding (no version byte); 0 if it is none. */
pid_t watch_pid_of_encoding(const uint8_t *enc, uint16_t len);
/* A link the local process dropped (unlink of a remote pid): false if none. */
bool watch_drop_link(struct watches *ws, pid_t local, const struct term *remote);
/* The connection is gone: the links' local ends get their exit (noconnection). */
void watch_connection_lost(struct watches *ws);
uint32_t watch_count(const struct watches *ws, bool links);

/* An Armada exit reason as an Erlang term: normal, killed, noproc,
 * noconnection, {error, Code}, {fault, Class, Address, Pc}; an EXIT_REMOTE
 * one whose term did not come with it: remote_reason_too_long. */
void dist_exit_reason_term(struct term_buf *b, const struct exit_reason *r);
/* And back, for a reason from another node: normal, killed (or kill),
 * noproc, noconnection, {error, N}; anything else is EXIT_REMOTE. */
void dist_exit_reason_of_term(const struct term *t, struct exit_reason *out);
/* What a signal with that reason carries (dist_exit_reason_term_of): for an
 * EXIT_REMOTE one, a struct dist_msg holding the term, built in buf; its
 * length, or 0 for none (a reason with a kind, or one longer than cap). */
uint32_t dist_reason_bytes(const struct term *t, const struct exit_reason *why, uint8_t *buf, uint32_t cap);

#endif
