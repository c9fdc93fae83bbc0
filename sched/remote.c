/* Remote pids (sched.h): the operations the distribution registers, and
 * what a remote pid means without them (a node that cannot be reached). */
#include <sched/internal.h>
#include <sched/sched.h>

static const struct remote_ops *remote_ops; /* set once by the distribution, then read-only */

void sched_set_remote_ops(const struct remote_ops *ops)
{
    /* Release: the table's contents before the pointer that reaches them. */
    __atomic_store_n(&remote_ops, ops, __ATOMIC_RELEASE);
}

static const struct remote_ops *ops(void)
{
    /* Acquire: pairs with the release above; the table is read after. */
    return __atomic_load_n(&remote_ops, __ATOMIC_ACQUIRE);
}

int remote_send(pid_t to, const void *data, uint32_t len)
{
    const struct remote_ops *o = ops();
    return o ? o->send(to, data, len) : SEND_NO_CONNECTION;
}

bool remote_link(pid_t to)
{
    const struct remote_ops *o = ops();
    if (o)
        return o->link(to);
    exit_signal_from(self(), to, &(struct exit_reason){.kind = EXIT_NOCONNECTION}, NULL, 0);
    return false;
}

void remote_unlink(pid_t to)
{
    const struct remote_ops *o = ops();
    if (o)
        o->unlink(to);
}

uint64_t remote_monitor(pid_t to, uint64_t local_ref)
{
    const struct remote_ops *o = ops();
    if (o)
        return o->monitor(to);
    uint64_t ref = local_ref | PID_REMOTE;
    send_signal(self(), to, MSG_DOWN, ref, &(struct exit_reason){.kind = EXIT_NOCONNECTION});
    return ref;
}

void remote_demonitor(uint64_t ref)
{
    const struct remote_ops *o = ops();
    if (o)
        o->demonitor(ref);
}

bool remote_kill(pid_t to)
{
    const struct remote_ops *o = ops();
    return o && o->kill(to); /* no distribution: a node that cannot be reached */
}
