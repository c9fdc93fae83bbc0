/* Starting the distribution: this node's identity from the boot arguments,
 * and the process that registers it with epmd and holds the registration. */
#include <dist/conn.h>
#include <dist/dist.h>
#include <dist/epmd.h>
#include <lib/fmt.h>
#include <lib/print.h>
#include <net/net.h>
#include <string.h>

struct dist_node dist_node;

static void format_endpoint(char *buf, uint32_t size, uint32_t addr, uint16_t port)
{
    char ip[16];
    net_format_ip(ip, sizeof ip, addr);
    fmt_snprintf(buf, size, "%s:%u", ip, port);
}

/* The gateway (QEMU's user network: the host) once DHCP or the boot
 * arguments gave an address; 0 if none came in time. */
static uint32_t wait_for_gateway(void)
{
    struct net_info info;
    for (uint32_t waited = 0; waited < DIST_NET_WAIT_MS; waited += 100) {
        if (net_get_info(&info) && info.up)
            return info.gw;
        sleep_ms(100);
    }
    return 0;
}

/* Armada's own PORT_PLEASE2: epmd now gives out our port (a process of its
 * own, so the listener's events are not read by its stream). */
static void epmd_check(void *arg)
{
    (void)arg;
    static struct dist_stream lookup; /* one check per boot */
    int port = epmd_port_please(&lookup, dist_node.epmd_addr, dist_node.epmd_port, dist_node.alive);
    if (port == dist_node.port)
        kprintf("dist: epmd gives out %s at port %u\n", dist_node.alive, port);
    else
        kprintf("dist: epmd lookup of %s: %s (%d)\n", dist_node.alive, port < 0 ? epmd_strerror(port) : "wrong port",
                port);
}

static bool is_hello(const void *d, uint32_t l, const struct msg_info *i, void *ctx)
{
    (void)ctx;
    const struct dist_msg *m = d;
    struct term t;
    return dist_is_msg(d, l, i, NULL) && term_decode_exact(m->term, m->len, &t) > 0 &&
           term_match(&t, "{hello, from, _}");
}

/* {echo, Node} ! {self(), {hello, from, node()}}: one process here, one
 * there, messaging through the cluster. */
static void echo_at(const char *node)
{
    uint8_t msg[512];
    struct term_buf b;
    struct term_pid me;
    dist_pid_of(self(), &me);
    term_begin(&b, msg, sizeof msg);
    term_tuple(&b, 2);
    term_pid(&b, &me);
    term_tuple(&b, 3);
    term_atom(&b, "hello");
    term_atom(&b, "from");
    term_atom(&b, dist_node.name);
    long n = term_end(&b);
    _Alignas(8) static uint8_t reply[MSG_MAX]; /* one boot-time connector */
    bool answered = n > 0 && dist_reg_send(node, "echo", msg, (uint32_t)n) == 0 &&
                    receive(is_hello, NULL, reply, sizeof reply, DIST_PING_TIMEOUT_MS, NULL) >= 0;
    kprintf("dist: echo on %s: %s\n", node, answered ? "answered" : "no answer");
}

/* dist.connect=A,B: each pinged once, in order, the answer logged. */
static void connect_at_boot(void *arg)
{
    (void)arg;
    char name[256];
    const char *p = dist_node.connect;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (n && n < sizeof name) {
            memcpy(name, p, n);
            name[n] = 0;
            bool pong = dist_ping(name, DIST_PING_TIMEOUT_MS);
            kprintf("dist: ping %s: %s\n", name, pong ? "pong" : "pang");
            if (pong)
                echo_at(name);
        }
        p += n + (comma != NULL);
    }
}

/* Listens on the distribution port, registers it with epmd, then holds the
 * registration (epmd forgets the name when this connection closes) and
 * gives each connection that comes in to a process of its own. */
static void dist_listener(void *arg)
{
    (void)arg;
    static struct dist_stream reg; /* one listener per node */
    char where[32];
    if (!dist_node.epmd_addr)
        dist_node.epmd_addr = wait_for_gateway();
    format_endpoint(where, sizeof where, dist_node.epmd_addr, dist_node.epmd_port);
    if (!dist_node.epmd_addr) {
        kprintf("dist: epmd registration of %s failed: no network address after %u ms\n", dist_node.name,
                DIST_NET_WAIT_MS);
        return;
    }
    int listener = net_listen(dist_node.port);
    if (listener < 0) {
        kprintf("dist: cannot listen on port %u (%d): not starting the distribution\n", dist_node.port, listener);
        return;
    }
    uint32_t creation;
    int conn = epmd_register(&reg, dist_node.epmd_addr, dist_node.epmd_port, dist_node.alive, dist_node.port,
                             &creation);
    if (conn < 0) {
        kprintf("dist: epmd registration of %s at %s failed: %s\n", dist_node.name, where, epmd_strerror(conn));
        return;
    }
    dist_node.creation = creation; /* before any connection process: each is spawned after this */
    kprintf("dist: registered %s with epmd at %s: port %u, creation %u\n", dist_node.name, where, dist_node.port,
            creation);
    spawn(epmd_check, NULL);
    if (dist_node.connect[0]) {
        struct spawn_opts o = SPAWN_OPTS_DEFAULT;
        o.stack_size = 16 * 1024;
        spawn_opt(connect_at_boot, NULL, &o, NULL);
    }
    for (;;) {
        if (net_receive(&reg.msg, RECEIVE_FOREVER) < 0)
            continue;
        if (reg.msg.type == MSG_TCP_ACCEPTED)
            dist_conn_accept(reg.msg.conn);
        else if (reg.msg.type == MSG_TCP_CLOSED && reg.msg.conn == (uint32_t)conn)
            break;
    }
    kprintf("dist: epmd closed the registration of %s\n", dist_node.name);
}

bool dist_start(const struct bootargs *b)
{
    if (!b->node[0])
        return true; /* not asked for */
    if (!net_pid()) {
        kprintf("dist: node=%s given, but there is no network: not starting the distribution\n", b->node);
        return false;
    }
    if (!b->cookie[0]) {
        kprintf("dist: node=%s given without cookie=: not starting the distribution\n", b->node);
        return false;
    }
    strlcpy(dist_node.name, b->node, sizeof dist_node.name);
    strlcpy(dist_node.alive, b->node, sizeof dist_node.alive);
    *strchr(dist_node.alive, '@') = 0; /* bootargs checked there is one */
    strlcpy(dist_node.cookie, b->cookie, sizeof dist_node.cookie);
    dist_node.port = b->dist_port ? b->dist_port : DIST_PORT_DEFAULT;
    dist_node.epmd_addr = b->epmd_addr;
    dist_node.epmd_port = b->epmd_port ? b->epmd_port : EPMD_PORT_DEFAULT;
    strlcpy(dist_node.connect, b->dist_connect, sizeof dist_node.connect);
    dist_node.ticktime_ms = 1000 * (b->dist_ticktime ? b->dist_ticktime : DIST_TICKTIME_DEFAULT_S);
    kprintf("dist: node %s, distribution port %u\n", dist_node.name, dist_node.port);
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.stack_size = 16 * 1024;
    dist_remote_start(); /* remote pids as pids, before any process can hold one */
    dist_ps_start();     /* ps shows the links and monitors with other nodes */
    if (!spawn_opt(dist_listener, NULL, &o, NULL) || !dist_echo_start()) {
        kprintf("dist: cannot start the distribution's processes: %s\n", spawn_error());
        return false;
    }
    return true;
}
