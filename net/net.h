/* The network, for processes: a socket-like API over messages.
 *
 * One process, "net" (net/netproc.c), owns the NIC's interrupt and is the
 * only code that calls lwIP. Others ask it by message and hear back by
 * message: a connection's data arrives as MSG_TCP_DATA, its end as
 * MSG_TCP_CLOSED. Everything is copied; no memory is shared with the stack.
 *
 * Flow control both ways: net_send() returns once the stack has taken the
 * bytes, so a sender blocks while the send window is full; the stack hands
 * a connection's owner at most NET_RX_CREDIT unconsumed bytes, and opens
 * the TCP window only as net_receive() consumes them. */
#ifndef ARMADA_NET_NET_H
#define ARMADA_NET_NET_H

#include <sched/sched.h>
#include <stdbool.h>
#include <stdint.h>

#define NET_DATA_MAX 2920 /* bytes per MSG_TCP_DATA / send request (two segments) */
#define NET_RX_CREDIT (8 * NET_DATA_MAX)

enum net_msg_type {
    /* requests, to the network process */
    NET_REQ_LISTEN = 0x4e45u << 16, NET_REQ_CONNECT, NET_REQ_SEND, NET_REQ_CONSUMED, NET_REQ_CLOSE,
    NET_REQ_GIVE, NET_REQ_PING, NET_REQ_INFO,
    /* events, from it */
    MSG_TCP_LISTENING, /* status: listener id, or < 0 */
    MSG_TCP_ACCEPTED,  /* conn, addr:port of the peer; data waits until net_give() */
    MSG_TCP_CONNECTED, /* conn (status < 0: failed) */
    MSG_TCP_DATA,      /* conn, len bytes of data */
    MSG_TCP_SENT,      /* conn, status: bytes taken, or < 0 (connection gone) */
    MSG_TCP_CLOSED,    /* conn, status: NET_CLOSED_* */
    MSG_NET_PING_REPLY, /* addr, port = sequence, status = round trip in microseconds */
    MSG_NET_INFO,      /* data: struct net_info */
};
enum { NET_CLOSED_BY_PEER = 0, NET_CLOSED_RESET = -1, NET_CLOSED_ERROR = -2 };

/* type: enum net_msg_type; addr: IPv4, host byte order */
#define NET_MSG_FIELDS \
    uint32_t type;     \
    uint32_t conn;     \
    int32_t status;    \
    uint32_t addr;     \
    uint16_t port;     \
    uint16_t len;
struct net_msg_header {
    NET_MSG_FIELDS
};
struct net_msg {
    NET_MSG_FIELDS
    uint8_t data[NET_DATA_MAX];
};
#define NET_MSG_HEADER ((uint32_t)sizeof(struct net_msg_header))

struct net_info {
    uint8_t mac[6];
    bool up, dhcp;  /* an address; it came from DHCP */
    uint32_t ip, mask, gw;
    uint32_t virtio_version;
    uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes, rx_dropped, rx_ring_full, tx_ring_full, interrupts;
    uint64_t tcp_xmit, tcp_recv, tcp_rexmit, tcp_drop, ip_drop, udp_drop;
    uint64_t tcp_resets_sent;  /* each one ends a connection, and what it had queued */
    uint32_t closes_deferred;  /* tcp_close() found no memory for the FIN: retried */
    uint32_t closes_aborted;   /* ... and gave up: a reset */
    /* resources that must come back to their idle level (leak checks) */
    uint32_t conns, tcp_pcbs, tcp_segs, pbufs_pool, pbufs_ref, mem_used;
    uint32_t rx_posted, tx_free, queue_size;
};

/* The network process: started at boot when a virtio-net device exists. */
bool net_start(void);
pid_t net_pid(void); /* 0: no network */

/* Calls from any process; each waits for the network process's answer. */
int net_listen(uint16_t port);                                      /* listener id, or < 0 */
int net_connect(uint32_t addr, uint16_t port, uint64_t timeout_ms); /* conn, or < 0 */
void net_give(uint32_t conn, pid_t to); /* to owns it now; its data starts to flow */
int net_send(uint32_t conn, const void *data, uint32_t len);        /* len, or < 0: closed */
/* As net_send, but while the stack has no room, every step_ms it asks
 * keep_waiting(ctx): false gives up (NET_SEND_GAVE_UP; the connection is
 * then the caller's to close). */
#define NET_SEND_GAVE_UP (-2)
int net_send_while(uint32_t conn, const void *data, uint32_t len, uint64_t step_ms, bool (*keep_waiting)(void *),
                   void *ctx);
void net_close(uint32_t conn);
/* The next network event for the caller (MSG_TCP_DATA consumed, so the
 * window reopens); RECEIVE_TIMEOUT when none came in time. */
int net_receive(struct net_msg *m, uint64_t timeout_ms);
/* For a process that takes network events with its own receive() among
 * other messages: hand each MSG_TCP_DATA it took back here, so the window
 * reopens (what net_receive does itself). */
void net_consumed(const struct net_msg *m);
/* Is this received message a network event (for a receive() match)? */
bool net_is_event(const void *data, uint32_t len, const struct msg_info *info);
bool net_get_info(struct net_info *out);
int net_ping(uint32_t addr, uint16_t seq, uint64_t timeout_ms); /* round trip in us, or < 0 */
void net_format_ip(char *buf, uint32_t size, uint32_t addr);

/* The TCP echo service (net/echo.c): one process per connection. */
bool echo_start(uint16_t port, uint32_t quit_after);

#endif
