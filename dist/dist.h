/* The Erlang distribution: Armada as a node of an Erlang cluster.
 *
 * Started at boot when the boot arguments name the node (node=NAME@HOST,
 * cookie=C) and there is a network. It listens on the distribution port
 * (dist.port=, 4370 if left out) and registers the name and port with the
 * epmd on the host (epmd=, the gateway's 4369 if left out); a process holds
 * that registration open for the node's lifetime. */
#ifndef ARMADA_DIST_DIST_H
#define ARMADA_DIST_DIST_H

#include <lib/bootargs.h>
#include <lib/term/term.h>
#include <sched/sched.h>
#include <stdbool.h>
#include <stdint.h>

#define DIST_PORT_DEFAULT 4370
#define DIST_PING_TIMEOUT_MS 10000
#define DIST_NET_WAIT_MS 10000 /* for DHCP to give an address before epmd is tried */

/* This node: written by dist_start before it starts any process, read-only after. */
struct dist_node {
    char name[64];   /* alive@host */
    char alive[64];  /* the part before '@': epmd's key */
    char cookie[64];
    uint16_t port;
    uint32_t epmd_addr; /* host byte order */
    uint16_t epmd_port;
    uint32_t creation;    /* from epmd; set before any connection process is spawned (spawn orders it) */
    uint32_t ticktime_ms; /* a peer silent this long is down; we tick every quarter of it */
    char connect[BOOTARGS_LIST]; /* dist.connect= */
};
extern struct dist_node dist_node;

#define DIST_TICKTIME_DEFAULT_S 60 /* erl's net_ticktime */
/* A peer's packet is kept whole up to DIST_PACKET_MAX bytes (dist/conn.c);
 * a longer one, up to DIST_PACKET_DROP_MAX, is dropped as it streams in
 * (logged with its size, counted) and the connection goes on; a longer
 * length than that is no packet a peer sends: the connection closes. The
 * message term a packet carries reaches a process in one Armada message: at
 * most DIST_MSG_TERM_MAX bytes (more: dropped the same way). */
#define DIST_PACKET_MAX (16 * 1024 - 4)
#define DIST_PACKET_DROP_MAX (64u << 20)
#define DIST_MSG_TERM_MAX (MSG_MAX - 8) /* MSG_MAX less struct dist_msg's header */

/* A message from another node, as a local process gets it: the message
 * term's bytes (from its version byte 131), ready for term_decode. */
#define DIST_MSG_TERM (0x4453u << 16) /* 'DS' */
struct dist_msg {
    uint32_t type; /* DIST_MSG_TERM */
    uint32_t len;
    uint8_t term[];
};
_Static_assert(sizeof(struct dist_msg) + DIST_MSG_TERM_MAX == MSG_MAX, "a dist_msg of the longest term is one message");
bool dist_is_msg(const void *data, uint32_t len, const struct msg_info *info, void *ctx); /* a receive() match */

/* Erlang pids for local processes, and back. */
void dist_pid_of(pid_t local, struct term_pid *out); /* out->node points at dist_node.name */
bool dist_pid_local(const struct term_pid *p, pid_t *out); /* false: not one of this node's */

/* Send the encoded term msg (from its byte 131) to a process on another
 * node, by pid or by registered name, from the calling process; through
 * that node's connection process. 0, or < 0: no connection, too big. */
int dist_send(const struct term_pid *to, const void *msg, uint32_t len);
/* As dist_send, with the message the binary of bytes (encoded in place). */
int dist_send_binary(const struct term_pid *to, const void *bytes, uint32_t len);
int dist_reg_send(const char *node, const char *name, const void *msg, uint32_t len);

/* Monitor a process on another node from the calling process: a DIST_MSG_TERM
 * {'DOWN', Ref, process, Pid, Reason} comes when it ends, or with
 * noconnection when the connection goes first. False: no connection. */
bool dist_monitor(const struct term_pid *remote, struct term_ref *ref);

/* Pids as pid_t (dist/remote.c): an Erlang pid of this node is its local
 * pid, one of another node a remote pid (PID_REMOTE, sched.h) that send,
 * link, monitor and the rest take like a local one; 0 when no more remote
 * pids fit. And back: false for a remote pid this node never handed out. */
pid_t dist_pid(const struct term_pid *p);
bool dist_term_pid(pid_t pid, struct term_pid *out);
void dist_remote_start(void); /* registers the remote pid operations with sched */

/* The term reference a monitor gets (our node, a fresh counter: returned). */
uint32_t dist_make_ref(struct term_ref *ref);
/* monitor() on a remote pid: as dist_monitor, but the DOWN comes as MSG_DOWN
 * with signal_ref and the remote pid in info.from; and its demonitor. */
bool dist_monitor_signalled(const struct term_pid *remote, struct term_ref *ref, uint64_t signal_ref);
void dist_demonitor_signalled(const struct term_pid *remote, uint64_t signal_ref);
/* unlink() on a remote pid: UNLINK_ID to its node, and the link dropped here. */
void dist_unlink(const struct term_pid *remote);

/* exit(Remote, kill) from the calling process: EXIT2 to its node. False: no connection. */
bool dist_kill(const struct term_pid *remote);

/* A MSG_EXIT or MSG_DOWN from a remote pid whose reason has no kind here
 * (EXIT_REMOTE: {shutdown, foo}, any Erlang term) carries that term as its
 * data: a struct dist_msg. With the data and length receive() gave (not
 * more than its buffer), out is the reason term; false: there is none (the
 * reason is all in info->reason), or the buffer was too small for it. */
bool dist_exit_reason_term_of(const void *data, uint32_t len, const struct msg_info *info, struct term *out);

/* Link the calling process to a process on another node: its end (or the
 * connection's: noconnection) is an exit signal to the caller from its
 * remote pid, and the caller's end reaches it as EXIT with the reason.
 * False: no connection. */
bool dist_link(const struct term_pid *remote);

/* The process that queues requests for node `name` (see dist/nodes.c), with
 * the node's entry held in *slot until the caller has sent its request and
 * calls dist_nodes_unhold(*slot); starts a call to the node first if none
 * is under way (its port from epmd, the handshake as the one who calls).
 * Never waits for the handshake: what is queued goes once the connection is
 * up, and if it never comes up, messages are dropped and links and
 * monitors get noconnection (as in Erlang). 0: no entry free, or our own
 * name (said in the log). */
pid_t dist_connect_hold(const char *name, int *slot);

/* net_adm:ping from here: true for pong. */
bool dist_ping(const char *name, uint64_t timeout_ms);

/* The connected nodes, and those in their handshake (dist/nodes.c). A
 * name is claimed before the handshake (calling: by the first sender, before
 * the node is even looked up; called: once the peer said its name), marked
 * up after, and released when its connection process ends. */
#define DIST_MAX_NODES 16
enum dist_claim {
    DIST_CLAIM_OK,           /* the name is ours: go on ("ok") */
    DIST_CLAIM_SIMULTANEOUS, /* called while calling them, their name the greater: theirs wins ("ok_simultaneous") */
    DIST_CLAIM_BUSY,         /* another handshake holds it (called: ours wins, "nok") */
    DIST_CLAIM_ALIVE,        /* called while connected ("alive": the peer says whether the old one is dead) */
    DIST_CLAIM_FULL,         /* DIST_MAX_NODES are held */
};
pid_t dist_nodes_hold(const char *name, int *slot); /* the entry's sink, held; 0: no entry */
void dist_nodes_unhold(int slot);                   /* the held sender's request is queued */
/* Claim a new entry for conn (calling); BUSY: *sink is the existing one. Either way held in *slot. */
enum dist_claim dist_nodes_calling(const char *name, pid_t conn_process, int *slot, pid_t *sink);
enum dist_claim dist_nodes_accepting(const char *name, pid_t conn_process, pid_t *up); /* up: ALIVE's */
bool dist_nodes_replace(const char *name, pid_t old, pid_t conn_process); /* "alive" answered true */
bool dist_nodes_up(const char *name, pid_t conn_process); /* false: the name was taken from us */
bool dist_nodes_pending(pid_t conn_process); /* it owns its name's entry, still calling */
/* A sink whose call lost a simultaneous connect: the winner it relays to, else 0. */
pid_t dist_nodes_relay_target(pid_t sink);
/* conn ends: senders no longer find it. The slot to quiesce on (name: found
 * by name if conn was replaced), or -1. */
int dist_nodes_release(pid_t conn_process, const char *name);
void dist_nodes_quiesce(int slot); /* until no sender that found us is between lookup and send */
uint32_t dist_nodes_list(char names[][256], uint32_t max);
uint32_t dist_nodes_conns(pid_t *conns, char names[][256], uint32_t max); /* their connection processes */

/* ps's remote lines (dist/ps.c): registers the hook with sched. */
void dist_ps_start(void);

/* Start the distribution if the boot arguments ask for it; false (with a
 * boot-log line saying why) when they ask and it cannot start. */
bool dist_start(const struct bootargs *b);

/* The registered process "echo": {From, Msg} from any node gets Msg back
 * to From (dist/echo.c). */
bool dist_echo_start(void);

#endif
