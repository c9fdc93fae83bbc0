/* Remote pids as pids (sched.h, dist.h): each Erlang pid of another node
 * that this node is handed gets a slot here, once, and the pid_t
 * PID_REMOTE | slot stands for it; send, link, unlink, monitor and demonitor
 * on such a pid come here (the operations registered at start) and go out
 * through the node's connection process. Slots are never reused: a node
 * keeps at most REMOTE_MAX remote pids (more: dist_pid says 0, once in the
 * log). */
#include <dist/conn.h>
#include <dist/dist.h>
#include <lib/print.h>
#include <string.h>
#include <sync/spinlock.h>

#define REMOTE_MAX 256

struct remote_pid {
    char node[256]; /* UTF-8, NUL-terminated */
    uint32_t id, serial, creation;
};

static DEFINE_SPINLOCK(remote_lock, "dist_remote");
static struct remote_pid remote[REMOTE_MAX];
static uint32_t remote_count; /* slots 0..count-1 are filled and never change after */

pid_t dist_pid(const struct term_pid *p)
{
    pid_t local;
    if (dist_pid_local(p, &local))
        return local;
    char node[256];
    if (!term_text_utf8(&p->node, node, sizeof node))
        return 0;
    pid_t found = 0;
    static bool said_full;
    spin_lock(&remote_lock);
    for (uint32_t i = 0; i < remote_count && !found; i++)
        if (remote[i].id == p->id && remote[i].serial == p->serial && remote[i].creation == p->creation &&
            !strcmp(remote[i].node, node))
            found = PID_REMOTE | (i + 1);
    if (!found && remote_count < REMOTE_MAX) {
        struct remote_pid *r = &remote[remote_count];
        strlcpy(r->node, node, sizeof r->node);
        r->id = p->id, r->serial = p->serial, r->creation = p->creation;
        /* Release: the slot's contents before the count that lets readers see it. */
        __atomic_store_n(&remote_count, remote_count + 1, __ATOMIC_RELEASE);
        found = PID_REMOTE | remote_count;
    }
    bool full = !found && !said_full;
    said_full |= full;
    spin_unlock(&remote_lock);
    if (full)
        kprintf("dist: no room for more remote pids (%u kept): a pid from %s is refused\n", REMOTE_MAX, node);
    return found;
}

/* The slot of a remote pid, or NULL: not one we handed out. */
static const struct remote_pid *slot_of(pid_t pid)
{
    uint64_t i = pid & ~PID_REMOTE;
    /* Acquire: pairs with dist_pid's release; the slot is read after. */
    if (!pid_is_remote(pid) || i == 0 || i > __atomic_load_n(&remote_count, __ATOMIC_ACQUIRE))
        return NULL;
    return &remote[i - 1];
}

bool dist_term_pid(pid_t pid, struct term_pid *out)
{
    if (!pid_is_remote(pid)) {
        dist_pid_of(pid, out);
        return true;
    }
    const struct remote_pid *r = slot_of(pid);
    if (!r)
        return false;
    out->node = (struct term_text){(const uint8_t *)r->node, (uint16_t)strlen(r->node), false};
    out->id = r->id, out->serial = r->serial, out->creation = r->creation;
    return true;
}

/* A message to a remote pid: a struct dist_msg goes as its term (what a
 * remote sender's message looks like here, so a process can pass one on),
 * any other bytes as a binary. */
static int remote_send_op(pid_t to, const void *data, uint32_t len)
{
    struct term_pid tp;
    if (!dist_term_pid(to, &tp))
        return SEND_NO_CONNECTION;
    const struct dist_msg *m = data;
    if (len >= sizeof *m && m->type == DIST_MSG_TERM && sizeof *m + m->len == len)
        return dist_send(&tp, m->term, m->len) < 0 ? SEND_NO_CONNECTION : 0;
    int r = dist_send_binary(&tp, data, len);
    return r == -2 ? SEND_TOO_BIG : r < 0 ? SEND_NO_CONNECTION : 0;
}

static bool remote_link_op(pid_t to)
{
    struct term_pid tp;
    if (dist_term_pid(to, &tp) && dist_link(&tp))
        return true;
    exit_signal_from(self(), to, &(struct exit_reason){.kind = EXIT_NOCONNECTION}, NULL, 0);
    return false;
}

static void remote_unlink_op(pid_t to)
{
    struct term_pid tp;
    if (dist_term_pid(to, &tp))
        dist_unlink(&tp);
}

/* A remote monitor's reference: PID_REMOTE, the remote pid's slot (so
 * demonitor finds the node), and the term reference's counter. */
static uint64_t remote_monitor_op(pid_t to)
{
    struct term_pid tp;
    struct term_ref ref;
    bool known = dist_term_pid(to, &tp);
    uint32_t counter = dist_make_ref(&ref);
    uint64_t mref = PID_REMOTE | (to & 0xffffu) << 32 | counter;
    if (!known || !dist_monitor_signalled(&tp, &ref, mref))
        send_down_as(self(), to, mref, &(struct exit_reason){.kind = EXIT_NOCONNECTION}, NULL, 0);
    return mref;
}

static void remote_demonitor_op(uint64_t mref)
{
    struct term_pid tp;
    if (dist_term_pid(PID_REMOTE | (mref >> 32 & 0xffffu), &tp))
        dist_demonitor_signalled(&tp, mref);
}

static bool remote_kill_op(pid_t to)
{
    struct term_pid tp;
    return dist_term_pid(to, &tp) && dist_kill(&tp);
}

static const struct remote_ops remote_ops = {remote_send_op,    remote_link_op,      remote_unlink_op,
                                             remote_monitor_op, remote_demonitor_op, remote_kill_op};

void dist_remote_start(void)
{
    sched_set_remote_ops(&remote_ops);
}
