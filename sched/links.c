/*
 * Links, monitors, exit signals and the name registry, as in Erlang:
 * - a link is two-way: when one side ends abnormally the other gets an exit
 *   signal, which kills it unless it traps exits (then it is a MSG_EXIT
 *   message); a normal end is only seen by trapping processes;
 * - a monitor is one-way: the watcher gets one MSG_DOWN message when the
 *   watched process ends, with the reason, or at once if it is already gone.
 * Each process keeps its links and monitors in a list under its links_lock.
 */
#include <arch/barrier.h>
#include <mm/page_alloc.h>
#include <sched/internal.h>
#include <sched/race_hooks.h>
#include <string.h>

enum link_kind { LINK, MONITORING, MONITORED_BY };

struct link {
    struct link *next;
    pid_t other;
    uint64_t ref;
    uint8_t kind;
};

/* Link nodes: a small shared free list refilled a page at a time. */
static DEFINE_SPINLOCK(node_lock, "link-nodes");
static struct link *free_nodes;
static uint64_t nodes_in_use; /* under node_lock; read racily by the leak check */
static uint64_t next_ref = 1;

static struct link *node_alloc(void)
{
    uint64_t flags = spin_lock_irqsave(&node_lock);
    if (!free_nodes) {
        struct link *page = (struct link *)page_alloc(1);
        for (uint64_t i = 0; page && i < PAGE_SIZE / sizeof *page; i++) {
            page[i].next = free_nodes;
            free_nodes = &page[i];
        }
    }
    struct link *n = free_nodes;
    if (n) {
        free_nodes = n->next;
        nodes_in_use++;
    }
    spin_unlock_irqrestore(&node_lock, flags);
    return n;
}

static void node_free(struct link *n)
{
    uint64_t flags = spin_lock_irqsave(&node_lock);
    n->next = free_nodes;
    free_nodes = n;
    nodes_in_use--;
    spin_unlock_irqrestore(&node_lock, flags);
}

uint64_t sched_link_nodes_in_use(void) { return __atomic_load_n(&nodes_in_use, __ATOMIC_RELAXED); }

static bool add(struct proc *p, uint8_t kind, pid_t other, uint64_t ref)
{
    /* Masked from the node's allocation until it is listed: killed at an
     * interrupt's exit in between, the caller would leak it. */
    uint64_t flags = irq_save();
    struct link *n = node_alloc();
    if (!n) {
        irq_restore(flags);
        return false;
    }
    *n = (struct link){.other = other, .ref = ref, .kind = kind};
    spin_lock(&p->links_lock);
    /* An exiting process has taken its list (links_on_exit, under this
     * lock, after it became EXITING): nothing may be added after that. */
    uint8_t st = __atomic_load_n(&p->state, __ATOMIC_ACQUIRE);
    bool alive = st != PROC_EXITING && st != PROC_FREE;
    if (alive) {
        RACE_HOOK(link_adding, p->pid);
        n->next = p->links;
        WRITE_ONCE(p->links, n); /* links_on_exit may look without the lock */
        /* Full barrier: our entry is visible before we read the state again.
         * An exiting p stores EXITING, then (full barrier) reads its list
         * without this lock when it may be empty (links_on_exit): one of us
         * sees the other. If it became EXITING, it may have seen an empty
         * list: the entry comes off again (still ours, under the lock). */
        smp_mb();
        st = __atomic_load_n(&p->state, __ATOMIC_RELAXED);
        if (st == PROC_EXITING || st == PROC_FREE) {
            WRITE_ONCE(p->links, n->next);
            alive = false;
        }
    }
    spin_unlock(&p->links_lock);
    if (!alive)
        node_free(n);
    irq_restore(flags);
    return alive;
}

/* Remove the first entry of `kind` matching other (and ref, if nonzero). */
static bool drop(struct proc *p, uint8_t kind, pid_t other, uint64_t ref)
{
    struct link *found = NULL;
    uint64_t flags = spin_lock_irqsave(&p->links_lock);
    for (struct link **lp = &p->links; *lp; lp = &(*lp)->next) {
        struct link *n = *lp;
        if (n->kind == kind && (!other || n->other == other) && (!ref || n->ref == ref)) {
            *lp = n->next;
            found = n;
            break;
        }
    }
    spin_unlock(&p->links_lock);
    if (found)
        node_free(found); /* still masked: off the list and not yet free, a kill here would leak it */
    irq_restore(flags);
    return found != NULL;
}

/* bytes, len: the reason's own bytes (a remote term, exit_signal_from): a
 * trapping receiver's MSG_EXIT data, or what a receiver that dies of it keeps
 * for its own links and monitors. A process that dies of an exit signal takes
 * its reason as its own (Erlang: exit reason R from a link is the receiver's R;
 * a killed process's links get `killed`, which they may trap). */
static void exit_signal_with(pid_t to, pid_t from, struct exit_reason why, const void *bytes, uint32_t len)
{
    uint64_t flags = irq_save(); /* held: a stale `to` cannot kill its slot's next process */
    struct proc *p = proc_hold(to, &sched_race_hooks.kill_looked_up);
    if (!p) {
        irq_restore(flags);
        return;
    }
    bool trapping = p->trap_exit;
    bool dies = !trapping && why.kind != EXIT_NORMAL; /* a normal end does not take linked processes with it */
    if (dies)
        proc_kill(p, why, bytes, len); /* the caller itself: does not return */
    proc_unhold(p);
    irq_restore(flags);
    if (trapping)
        send_signal_with(to, from, MSG_EXIT, 0, &why, bytes, len);
}

static void exit_signal(pid_t to, pid_t from, struct exit_reason why) { exit_signal_with(to, from, why, NULL, 0); }

void exit_signal_from(pid_t to, pid_t from, const struct exit_reason *why, const void *reason_bytes,
                      uint32_t reason_len)
{
    exit_signal_with(to, from, *why, reason_bytes, reason_len);
}

bool link(pid_t pid)
{
    if (pid_is_remote(pid))
        return remote_link(pid);
    struct proc *me = current_proc();
    struct proc *other = proc_lookup(pid);
    if (!other) {
        exit_signal(me->pid, pid, (struct exit_reason){.kind = EXIT_NOPROC});
        return false;
    }
    if (!add(me, LINK, pid, 0))
        return false;
    if (!add(other, LINK, me->pid, 0)) { /* it died after the lookup */
        drop(me, LINK, pid, 0);
        exit_signal(me->pid, pid, (struct exit_reason){.kind = EXIT_NOPROC});
        return false;
    }
    return true;
}

void unlink(pid_t pid)
{
    if (pid_is_remote(pid)) {
        remote_unlink(pid);
        return;
    }
    struct proc *me = current_proc();
    drop(me, LINK, pid, 0);
    struct proc *other = proc_lookup(pid);
    if (other)
        drop(other, LINK, me->pid, 0);
}

uint64_t monitor(pid_t pid)
{
    struct proc *me = current_proc();
    uint64_t ref = __atomic_fetch_add(&next_ref, 1, __ATOMIC_RELAXED); /* unique, no ordering */
    if (pid_is_remote(pid))
        return remote_monitor(pid, ref);
    struct proc *other = proc_lookup(pid);
    struct exit_reason noproc = {.kind = EXIT_NOPROC};
    if (!other) {
        send_signal(me->pid, pid, MSG_DOWN, ref, &noproc);
        return ref;
    }
    add(me, MONITORING, pid, ref);
    if (!add(other, MONITORED_BY, me->pid, ref)) { /* it died after the lookup */
        drop(me, MONITORING, pid, ref);
        send_signal(me->pid, pid, MSG_DOWN, ref, &noproc);
    }
    return ref;
}

void demonitor(uint64_t ref)
{
    if (ref & PID_REMOTE) {
        remote_demonitor(ref);
        return;
    }
    struct proc *me = current_proc();
    pid_t target = 0;
    uint64_t flags = spin_lock_irqsave(&me->links_lock);
    for (struct link *n = me->links; n; n = n->next)
        if (n->kind == MONITORING && n->ref == ref)
            target = n->other;
    spin_unlock_irqrestore(&me->links_lock, flags);
    if (!target)
        return;
    drop(me, MONITORING, target, ref);
    struct proc *other = proc_lookup(target);
    if (other)
        drop(other, MONITORED_BY, me->pid, ref);
}

void trap_exit(bool on) { current_proc()->trap_exit = on; }

/* p is EXITING (stored before a full barrier: exit_bookkeeping): no new
 * entries can be added (link/monitor re-check). An empty list needs no lock:
 * an add() racing with us sees EXITING after its entry and takes it off. */
void links_on_exit(struct proc *p)
{
    if (!READ_ONCE(p->links))
        return;
    uint64_t flags = spin_lock_irqsave(&p->links_lock);
    struct link *list = p->links;
    WRITE_ONCE(p->links, NULL);
    spin_unlock_irqrestore(&p->links_lock, flags);
    while (list) {
        struct link *n = list;
        list = n->next;
        struct proc *other = proc_lookup(n->other);
        if (n->kind == LINK) {
            if (other)
                drop(other, LINK, p->pid, 0);
            exit_signal_with(n->other, p->pid, p->reason, proc_reason_bytes(p), p->reason_bytes_len);
        } else if (n->kind == MONITORED_BY) {
            if (other)
                drop(other, MONITORING, p->pid, n->ref);
            send_signal_with(n->other, p->pid, MSG_DOWN, n->ref, &p->reason, proc_reason_bytes(p),
                             p->reason_bytes_len);
        } else if (other) {
            drop(other, MONITORED_BY, p->pid, n->ref);
        }
        node_free(n);
    }
}

/* The registry: a small table of names. */
#define REGISTRY_SIZE 64
#define NAME_MAX_LEN 24
static DEFINE_SPINLOCK(registry_lock, "registry");
static struct {
    char name[NAME_MAX_LEN];
    pid_t pid;
} registry[REGISTRY_SIZE];

bool register_name(const char *name, pid_t pid)
{
    struct proc *p = proc_lookup(pid);
    if (!p || strlen(name) >= NAME_MAX_LEN || !name[0])
        return false;
    bool ok = false;
    uint64_t flags = spin_lock_irqsave(&registry_lock);
    int slot = -1;
    for (int i = 0; i < REGISTRY_SIZE; i++) {
        if (registry[i].pid && !proc_lookup(registry[i].pid))
            registry[i].pid = 0; /* its owner died without cleaning up */
        if (registry[i].pid && (!strcmp(registry[i].name, name) || registry[i].pid == pid))
            goto out; /* the name, or the process, is taken */
        if (!registry[i].pid && slot < 0)
            slot = i;
    }
    if (slot >= 0) {
        strlcpy(registry[slot].name, name, NAME_MAX_LEN);
        registry[slot].pid = pid;
        p->registered = 1;
        ok = true;
    }
out:
    spin_unlock_irqrestore(&registry_lock, flags);
    return ok;
}

pid_t whereis(const char *name)
{
    pid_t pid = 0;
    uint64_t flags = spin_lock_irqsave(&registry_lock);
    for (int i = 0; i < REGISTRY_SIZE; i++)
        if (registry[i].pid && !strcmp(registry[i].name, name))
            pid = registry[i].pid;
    spin_unlock_irqrestore(&registry_lock, flags);
    return is_alive(pid) ? pid : 0;
}

void unregister_name(const char *name)
{
    uint64_t flags = spin_lock_irqsave(&registry_lock);
    for (int i = 0; i < REGISTRY_SIZE; i++)
        if (registry[i].pid && !strcmp(registry[i].name, name))
            registry[i].pid = 0;
    spin_unlock_irqrestore(&registry_lock, flags);
}

void registry_on_exit(struct proc *p)
{
    uint64_t flags = spin_lock_irqsave(&registry_lock);
    for (int i = 0; i < REGISTRY_SIZE; i++)
        if (registry[i].pid == p->pid)
            registry[i].pid = 0;
    spin_unlock_irqrestore(&registry_lock, flags);
}

bool registry_name_of(pid_t pid, char *out, unsigned cap)
{
    bool found = false;
    uint64_t flags = spin_lock_irqsave(&registry_lock);
    for (int i = 0; i < REGISTRY_SIZE && !found; i++) {
        if (pid && registry[i].pid == pid) {
            strlcpy(out, registry[i].name, cap);
            found = true;
        }
    }
    spin_unlock_irqrestore(&registry_lock, flags);
    return found;
}
