/* The table of nodes: name -> the process that owns the connection, and
 * whether it is up or still in its handshake (ours to them, or theirs to
 * us). Shared by every process that sends to another node, so under one
 * lock; entries change only when a connection starts, comes up or goes
 * down. A handshake in progress holds the name, so that two connections
 * to one node never both come up (dist_nodes_accepting: simultaneous
 * connects, decided as OTP decides them). */
#include <dist/dist.h>
#include <string.h>
#include <sync/spinlock.h>

enum node_state { NODE_FREE, NODE_CALLING, NODE_CALLED, NODE_UP };

static DEFINE_SPINLOCK(nodes_lock, "dist_nodes");
static struct {
    char name[256];
    pid_t conn;
    uint8_t state; /* enum node_state; NODE_FREE: a free slot */
} nodes[DIST_MAX_NODES];

/* Under nodes_lock: the slot holding `name` (any state but free), or -1. */
static int find_locked(const char *name)
{
    for (int i = 0; i < DIST_MAX_NODES; i++)
        if (nodes[i].state != NODE_FREE && !strcmp(nodes[i].name, name))
            return i;
    return -1;
}

/* Under nodes_lock: a new entry; false when the table is full. */
static bool add_locked(const char *name, pid_t conn, enum node_state state)
{
    for (int i = 0; i < DIST_MAX_NODES; i++) {
        if (nodes[i].state == NODE_FREE) {
            strlcpy(nodes[i].name, name, sizeof nodes[i].name);
            nodes[i].conn = conn;
            nodes[i].state = (uint8_t)state;
            return true;
        }
    }
    return false;
}

enum dist_claim dist_nodes_calling(const char *name, pid_t conn)
{
    spin_lock(&nodes_lock);
    enum dist_claim r = find_locked(name) >= 0        ? DIST_CLAIM_BUSY
                        : add_locked(name, conn, NODE_CALLING) ? DIST_CLAIM_OK
                                                               : DIST_CLAIM_FULL;
    spin_unlock(&nodes_lock);
    return r;
}

enum dist_claim dist_nodes_accepting(const char *name, pid_t conn, pid_t *up)
{
    enum dist_claim r;
    spin_lock(&nodes_lock);
    int i = find_locked(name);
    if (i < 0) {
        r = add_locked(name, conn, NODE_CALLED) ? DIST_CLAIM_OK : DIST_CLAIM_FULL;
    } else if (nodes[i].state == NODE_UP) {
        *up = nodes[i].conn;
        r = DIST_CLAIM_ALIVE;
    } else if (nodes[i].state == NODE_CALLING && strcmp(name, dist_node.name) > 0) {
        /* We are calling them as they call us, and their name is the greater:
         * their connection wins; our caller's will be refused ("nok") by
         * them, and finds the name no longer its own either way. */
        nodes[i].conn = conn;
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
    bool ok = i >= 0 && nodes[i].conn == old && nodes[i].state == NODE_UP;
    if (ok) {
        nodes[i].conn = conn;
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
        if (nodes[i].state == NODE_FREE || nodes[i].conn != conn)
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

void dist_nodes_remove(pid_t conn)
{
    spin_lock(&nodes_lock);
    for (int i = 0; i < DIST_MAX_NODES; i++)
        if (nodes[i].state != NODE_FREE && nodes[i].conn == conn)
            nodes[i].state = NODE_FREE;
    spin_unlock(&nodes_lock);
}

/* The node's connection process once up; *pending: a handshake holds the name. */
static pid_t lookup(const struct term_text *name, bool *pending)
{
    pid_t found = 0;
    *pending = false;
    spin_lock(&nodes_lock);
    for (int i = 0; i < DIST_MAX_NODES; i++) {
        if (nodes[i].state == NODE_FREE || !term_text_eq_str(name, nodes[i].name))
            continue;
        if (nodes[i].state == NODE_UP)
            found = nodes[i].conn;
        else
            *pending = true;
        break;
    }
    spin_unlock(&nodes_lock);
    return found;
}

pid_t dist_nodes_find(const struct term_text *name)
{
    bool pending;
    return lookup(name, &pending);
}

pid_t dist_nodes_wait(const struct term_text *name, uint64_t timeout_ms)
{
    bool pending;
    pid_t conn;
    for (uint64_t waited = 0; !(conn = lookup(name, &pending)) && pending && waited < timeout_ms; waited += 10)
        sleep_ms(10);
    return conn;
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

uint32_t dist_nodes_conns(pid_t *conns, uint32_t max)
{
    uint32_t n = 0;
    spin_lock(&nodes_lock);
    for (int i = 0; i < DIST_MAX_NODES && n < max; i++)
        if (nodes[i].state == NODE_UP)
            conns[n++] = nodes[i].conn;
    spin_unlock(&nodes_lock);
    return n;
}
