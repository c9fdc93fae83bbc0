/* ps's lines for links and monitors with other nodes (sched.h's ps hook).
 * Their ends are held by the connection processes (watch.c, conn.c), each in
 * its own state, so ps asks each one (DIST_REQ_PS) and waits for its answer
 * a short while: a connection busy writing to a slow peer is left out (and
 * said to be), not waited for. */
#include <dist/conn.h>
#include <dist/dist.h>
#include <lib/fmt.h>
#include <lib/print.h>
#include <string.h>

#define PS_ANSWER_MS 1000

static bool is_ps_reply(const void *d, uint32_t l, const struct msg_info *i, void *ctx)
{
    const struct dist_ps_reply *r = d;
    return i->kind == MSG_USER && l >= offsetof(struct dist_ps_reply, e) && r->type == DIST_PS_REPLY &&
           (!ctx || r->tag == *(const uint32_t *)ctx);
}

/* A remote pid as its node names it: <node.id.serial>. */
static void remote_text(pid_t pid, char *out, uint32_t cap)
{
    struct term_pid tp;
    char node[80];
    if (!pid || !dist_term_pid(pid, &tp) || !term_text_utf8(&tp.node, node, sizeof node))
        fmt_snprintf(out, cap, "<a pid of another node>");
    else
        fmt_snprintf(out, cap, "<%s.%u.%u>", node, tp.id, tp.serial);
}

/* sched calls it one call at a time (ps owns its buffers meanwhile): one reply buffer. */
static uint32_t dist_ps_remote(struct ps_remote *out, uint32_t max)
{
    _Alignas(8) static uint8_t mail[MSG_MAX];
    static uint32_t tag;
    const struct dist_ps_reply *r = (const struct dist_ps_reply *)mail;
    pid_t conns[DIST_MAX_NODES];
    static char names[DIST_MAX_NODES][256];
    uint32_t total = 0, nconns = dist_nodes_conns(conns, names, DIST_MAX_NODES);
    while (receive(is_ps_reply, NULL, mail, sizeof mail, 0, NULL) >= 0)
        ; /* a late answer to an earlier ps */
    for (uint32_t k = 0; k < nconns; k++) {
        struct dist_req_ps q = {DIST_REQ_PS, ++tag, self()};
        if (send(conns[k], &q, sizeof q) != 0 ||
            receive(is_ps_reply, &q.tag, mail, sizeof mail, PS_ANSWER_MS, NULL) < 0) {
            kprintf("ps: the connection to %s did not answer in %u ms: its links and monitors are left out\n",
                    names[k], PS_ANSWER_MS);
            continue;
        }
        for (uint32_t i = 0; i < r->n && i < sizeof r->e / sizeof r->e[0]; i++, total++) {
            if (total >= max)
                continue;
            out[total].local = r->e[i].local;
            out[total].kind = (uint8_t)r->e[i].kind;
            remote_text(r->e[i].remote, out[total].remote, sizeof out[total].remote);
        }
    }
    return total;
}

void dist_ps_start(void)
{
    sched_set_ps_remote(dist_ps_remote);
}
