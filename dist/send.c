/* Sending to other nodes (dist.h): the caller builds the packet (control
 * message and message) and hands it to the node's connection process, which
 * frames and writes it; and local pids as Erlang pids. */
#include <dist/conn.h>
#include <dist/dist.h>
#include <string.h>

#define CTRL_SEND 2
#define CTRL_REG_SEND 6

bool dist_is_msg(const void *data, uint32_t len, const struct msg_info *info, void *ctx)
{
    (void)ctx;
    const struct dist_msg *m = data;
    return info->kind == MSG_USER && len >= sizeof *m && m->type == DIST_MSG_TERM;
}

void dist_pid_of(pid_t local, struct term_pid *out)
{
    out->node.bytes = (const uint8_t *)dist_node.name;
    out->node.len = (uint16_t)strlen(dist_node.name);
    out->node.latin1 = false;
    out->id = (uint32_t)local;             /* the slot index */
    out->serial = (uint32_t)(local >> 32); /* its generation */
    out->creation = dist_node.creation;
}

bool dist_pid_local(const struct term_pid *p, pid_t *out)
{
    if (!term_text_eq_str(&p->node, dist_node.name) || p->creation != dist_node.creation)
        return false;
    *out = (pid_t)p->serial << 32 | p->id;
    return true;
}

/* The packet whose control term b holds, with msg after it, to conn. */
static int hand_over(pid_t conn, uint8_t *req_mem, struct term_buf *b, const void *msg, uint32_t len)
{
    long clen = term_end(b);
    if (clen < 0 || 1 + (uint32_t)clen + len > DIST_REQ_MAX)
        return -2;
    struct dist_req *r = (struct dist_req *)req_mem;
    memcpy(r->packet + 1 + clen, msg, len);
    r->type = DIST_REQ_PACKET;
    r->len = 1 + (uint32_t)clen + len;
    r->packet[0] = DIST_PASS_THROUGH;
    return send(conn, r, (uint32_t)sizeof *r + r->len) == 0 ? 0 : -1;
}

int dist_send(const struct term_pid *to, const void *msg, uint32_t len)
{
    pid_t conn = dist_nodes_find(&to->node);
    if (!conn)
        return -1;
    _Alignas(8) uint8_t req[MSG_MAX];
    struct term_buf b;
    term_begin(&b, req + sizeof(struct dist_req) + 1, DIST_REQ_MAX - 1);
    term_tuple(&b, 3); /* {SEND, Unused, ToPid} */
    term_int(&b, CTRL_SEND);
    term_atom(&b, "");
    term_pid(&b, to);
    return hand_over(conn, req, &b, msg, len);
}

int dist_reg_send(const char *node, const char *name, const void *msg, uint32_t len)
{
    struct term_text n = {(const uint8_t *)node, (uint16_t)strlen(node), false};
    pid_t conn = dist_nodes_find(&n);
    if (!conn)
        return -1;
    _Alignas(8) uint8_t req[MSG_MAX];
    struct term_buf b;
    struct term_pid from;
    dist_pid_of(self(), &from);
    term_begin(&b, req + sizeof(struct dist_req) + 1, DIST_REQ_MAX - 1);
    term_tuple(&b, 4); /* {REG_SEND, FromPid, Unused, ToName} */
    term_int(&b, CTRL_REG_SEND);
    term_pid(&b, &from);
    term_atom(&b, "");
    term_atom(&b, name);
    return hand_over(conn, req, &b, msg, len);
}
