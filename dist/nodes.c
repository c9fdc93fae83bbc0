/* The table of nodes: name -> the process that owns the connection, and
 * whether it is up or still in its handshake (ours to them, or theirs to
 * us). Shared by every process that sends to another node, so under one
 * lock; entries change only when a connection starts, comes up or goes
 * down. A handshake in progress holds the name, so that two connections
 * to one node never both come up (dist_nodes_accepting: simultaneous
 * connects, decided as OTP decides them).
 *
 * Senders never wait for a handshake: they hand their request to the
 * entry's sink, the process that queues for the node, whatever state the
 * entry is in. The sink is the owner (the connection process), except
 * after a simultaneous connect our call lost: then the loser stays the
 * sink and relays to the winner, so that a sender's requests before and
 * after the race reach the node in the order sent. Each sender holds the
 * entry (inflight) from its lookup until its request is queued: a sink
 * that ends first releases the entry, then waits until no sender holds it
 * (dist_nodes_quiesce), so every request handed to it is in its mailbox
 * when it drains and fails what is left. */
#include <dist/dist.h>
#include <string.h>
#include <sync/spinlock.h>

enum node_state { NODE_FREE, NODE_CALLING, NODE_CALLED, NODE_UP, NODE_GONE };

#define QUIESCE_MAX_MS 2000 /* a sender holds an entry for one send(): far less */

static DEFINE_SPINLOCK(nodes_lock, "dist_nodes");
static struct {
    char name[256];
    pid_t sink;  /* where senders queue; 0 once it has let the entry go */
    pid_t owner; /* the connection process; 0 once it has ended */
    uint8_t state; /* enum node_state; NODE_FREE: a free slot; NODE_GONE: its sink is finishing */
    uint32_t inflight; /* senders between their lookup and their send (atomic) */
} nodes[DIST_MAX_NODES];

/* Under nodes_lock: the live slot holding `name` (calling, called or up), or -1. */
static int find_locked(const char *name)
{
    for (int i = 0; i < DIST_MAX_NODES; i++)
        if (nodes[i].state != NODE_FREE && nodes[i].state != NODE_GONE && !strcmp(nodes[i].name, name))
            return i;
    return -1;
}

/* Under nodes_lock: the slot whose owner or sink is conn, or -1. */
static int slot_of_locked(pid_t conn)
{
    for (int i = 0; i < DIST_MAX_NODES; i++)
        if (nodes[i].state != NODE_FREE && (nodes[i].owner == conn || nodes[i].sink == conn))
            return i;
    return -1;
}

/* Under nodes_lock: a sender's hold on slot i (see dist_nodes_unhold). */
static pid_t hold_locked(int i, int *slot)
{
    /* Relaxed: the lock orders it against the release that frees the slot. */
    __atomic_fetch_add(&nodes[i].inflight, 1, __ATOMIC_RELAXED);
    *slot = i;
    return nodes[i].sink;
}

/* Under nodes_lock: a new entry (its sink and owner conn); -1 when the table is full. */
static int add_locked(const char *name, pid_t conn, enum node_state state)
{
    for (int i = 0; i < DIST_MAX_NODES; i++) {
        /* Acquire: a freed slot's last sender has finished (its release). */
        if (nodes[i].state == NODE_FREE && !__atomic_load_n(&nodes[i].inflight, __ATOMIC_ACQUIRE)) {
            strlcpy(nodes[i].name, name, sizeof nodes[i].name);
            nodes[i].sink = nodes[i].owner = conn;
            nodes[i].state = (uint8_t)state;
            return i;
        }
    }
    return -1;
}

pid_t dist_nodes_hold(const char *name, int *slot)
{
    spin_lock(&nodes_lock);
    int i = find_locked(name);
    pid_t sink = i >= 0 && nodes[i].sink ? hold_locked(i, slot) : 0;
    spin_unlock(&nodes_lock);
    return sink;
}

void dist_nodes_unhold(int slot)
{
    /* Release: the request this sender queued happens-before a quiescing
     * sink's acquire read of zero, and so before its drain. */
    __atomic_fetch_sub(&nodes[slot].inflight, 1, __ATOMIC_RELEASE);
}

enum dist_claim dist_nodes_calling(const char *name, pid_t conn, int *slot, pid_t *sink)
{
    enum dist_claim r = DIST_CLAIM_FULL;
    spin_lock(&nodes_lock);
    int i = find_locked(name);
    if (i >= 0) {
        *sink = hold_locked(i, slot);
        r = DIST_CLAIM_BUSY;
    } else if ((i = add_locked(name, conn, NODE_CALLING)) >= 0) {
        *sink = hold_locked(i, slot);
        r = DIST_CLAIM_OK;
    }
    spin_unlock(&nodes_lock);
    return r;
}

enum dist_claim dist_nodes_accepting(const char *name, pid_t conn, pid_t *up)
{
    enum dist_claim r;
    spin_lock(&nodes_lock);
    int i = find_locked(name);
    if (i < 0) {
        r = add_locked(name, conn, NODE_CALLED) >= 0 ? DIST_CLAIM_OK : DIST_CLAIM_FULL;
    } else if (nodes[i].state == NODE_UP) {
        *up = nodes[i].owner;
        r = DIST_CLAIM_ALIVE;
    } else if (nodes[i].state == NODE_CALLING && strcmp(name, dist_node.name) > 0) {
        /* We are calling them as they call us, and their name is the greater:
         * their connection wins; our caller's will be refused ("nok") by
         * them, and stays the sink, relaying to this one (see the top). */
        nodes[i].owner = conn;
        nodes[i].state = NODE_CALLED;
        r = DIST_CLAIM_SIMULTANEOUS;
    } else {
        r = DIST_CLAIM_BUSY; /* our call wins, or another of theirs is in its handshake */
    }
    spin_unlock(&nodes_lock);
    return r;
}

bool dist_nodes_replace(const char *name, pid_t old, pid_t conn)
{
    spin_lock(&nodes_lock);
    int i = find_locked(name);
    bool ok = i >= 0 && nodes[i].owner == old && nodes[i].state == NODE_UP;
    if (ok) { /* what was queued for the old one ends with it (a dead connection's) */
        nodes[i].owner = nodes[i].sink = conn;
        nodes[i].state = NODE_CALLED;
    }
    spin_unlock(&nodes_lock);
    return ok;
}

bool dist_nodes_up(const char *name, pid_t conn)
{
    spin_lock(&nodes_lock);
    bool ok = false;
    for (int i = 0; i < DIST_MAX_NODES; i++) {
        if (nodes[i].state == NODE_FREE || nodes[i].state == NODE_GONE || nodes[i].owner != conn)
            continue;
        int other = find_locked(name); /* the peer named itself otherwise than we called it */
        ok = other < 0 || other == i;
        if (ok) {
            strlcpy(nodes[i].name, name, sizeof nodes[i].name);
            nodes[i].state = NODE_UP;
        }
        break;
    }
    spin_unlock(&nodes_lock);
    return ok;
}

bool dist_nodes_pending(pid_t conn)
{
    spin_lock(&nodes_lock);
    int i = slot_of_locked(conn);
    bool pending = i >= 0 && nodes[i].owner == conn && nodes[i].state == NODE_CALLING;
    spin_unlock(&nodes_lock);
    return pending;
}

pid_t dist_nodes_relay_target(pid_t sink)
{
    spin_lock(&nodes_lock);
    int i = slot_of_locked(sink);
    pid_t owner = i >= 0 && nodes[i].sink == sink && nodes[i].owner != sink ? nodes[i].owner : 0;
    spin_unlock(&nodes_lock);
    return owner;
}

int dist_nodes_release(pid_t conn, const char *name)
{
    spin_lock(&nodes_lock);
    int i = slot_of_locked(conn);
    if (i >= 0) {
        if (nodes[i].owner == conn)
            nodes[i].owner = 0;
        if (nodes[i].sink == conn)
            nodes[i].sink = nodes[i].owner; /* a relay that ends leaves the senders to the owner */
        if (!nodes[i].owner)
            nodes[i].state = nodes[i].sink ? NODE_GONE : NODE_FREE; /* GONE: its relay finishes */
    } else if (name) {
        i = find_locked(name); /* replaced: senders that held the entry before may still be ours */
    }
    spin_unlock(&nodes_lock);
    return i;
}

void dist_nodes_quiesce(int slot)
{
    if (slot < 0)
        return;
    /* Acquire: pairs with dist_nodes_unhold; each request handed to us is in our mailbox after. */
    for (uint32_t ms = 0; __atomic_load_n(&nodes[slot].inflight, __ATOMIC_ACQUIRE) && ms < QUIESCE_MAX_MS; ms++)
        sleep_ms(1);
}

uint32_t dist_nodes_list(char names[][256], uint32_t max)
{
    uint32_t n = 0;
    spin_lock(&nodes_lock);
    for (int i = 0; i < DIST_MAX_NODES && n < max; i++)
        if (nodes[i].state == NODE_UP)
            strlcpy(names[n++], nodes[i].name, 256);
    spin_unlock(&nodes_lock);
    return n;
}

uint32_t dist_nodes_conns(pid_t *conns, char names[][256], uint32_t max)
{
    uint32_t n = 0;
    spin_lock(&nodes_lock);
    for (int i = 0; i < DIST_MAX_NODES && n < max; i++)
        if (nodes[i].state == NODE_UP) {
            strlcpy(names[n], nodes[i].name, 256);
            conns[n++] = nodes[i].owner;
        }
    spin_unlock(&nodes_lock);
    return n;
}
