/* The table of connected nodes: name -> the process that owns the
 * connection. Shared by every process that sends to another node, so under
 * one lock; entries change only when a connection comes up or goes down. */
#include <dist/dist.h>
#include <string.h>
#include <sync/spinlock.h>

static struct spinlock nodes_lock = SPINLOCK_INIT("dist_nodes");
static struct {
    char name[256];
    pid_t conn; /* 0: a free slot */
} nodes[DIST_MAX_NODES];

bool dist_nodes_add(const char *name, pid_t conn)
{
    bool added = false;
    spin_lock(&nodes_lock);
    int free_slot = -1;
    for (int i = 0; i < DIST_MAX_NODES; i++) {
        if (nodes[i].conn && !strcmp(nodes[i].name, name))
            goto out;
        if (!nodes[i].conn && free_slot < 0)
            free_slot = i;
    }
    if (free_slot >= 0) {
        strlcpy(nodes[free_slot].name, name, sizeof nodes[free_slot].name);
        nodes[free_slot].conn = conn;
        added = true;
    }
out:
    spin_unlock(&nodes_lock);
    return added;
}

void dist_nodes_remove(pid_t conn)
{
    spin_lock(&nodes_lock);
    for (int i = 0; i < DIST_MAX_NODES; i++)
        if (nodes[i].conn == conn)
            nodes[i].conn = 0;
    spin_unlock(&nodes_lock);
}

pid_t dist_nodes_find(const struct term_text *name)
{
    pid_t found = 0;
    spin_lock(&nodes_lock);
    for (int i = 0; i < DIST_MAX_NODES && !found; i++)
        if (nodes[i].conn && term_text_eq_str(name, nodes[i].name))
            found = nodes[i].conn;
    spin_unlock(&nodes_lock);
    return found;
}

uint32_t dist_nodes_list(char names[][256], uint32_t max)
{
    uint32_t n = 0;
    spin_lock(&nodes_lock);
    for (int i = 0; i < DIST_MAX_NODES && n < max; i++)
        if (nodes[i].conn)
            strlcpy(names[n++], nodes[i].name, 256);
    spin_unlock(&nodes_lock);
    return n;
}

uint32_t dist_nodes_conns(pid_t *conns, uint32_t max)
{
    uint32_t n = 0;
    spin_lock(&nodes_lock);
    for (int i = 0; i < DIST_MAX_NODES && n < max; i++)
        if (nodes[i].conn)
            conns[n++] = nodes[i].conn;
    spin_unlock(&nodes_lock);
    return n;
}
