/* The TCP echo service: a listener process that gives each connection to a
 * process of its own, which sends back every byte it gets. With quit_after,
 * it powers the machine off once that many connections have ended, after
 * checking that the stack's resources came back to their idle level, and
 * says how the connections ended and on which cores their processes ran. */
#include <arch/cpu.h>
#include <drivers/console.h>
#include <lib/bits.h>
#include <net/net.h>
#include <psci/psci.h>

static uint16_t echo_port;
static uint32_t echo_quit;
static pid_t echo_listener; /* set before the first handler is spawned */

#define ECHO_DONE (0x4543u << 16) /* handler -> listener: how it ended, where it ran */
struct echo_done {
    uint32_t type;
    int32_t why; /* NET_CLOSED_*, or 1: closed without MSG_TCP_CLOSED */
    uint64_t cores; /* bit n: ran on core n */
    uint32_t send_failed; /* net_send failed while the connection was open: the rest was not echoed */
};

static void echo_conn(void *arg)
{
    uint32_t conn = (uint32_t)(uintptr_t)arg;
    _Static_assert(sizeof(struct net_msg) < 4096, "one message on the stack");
    struct net_msg m;
    struct echo_done done = {ECHO_DONE, 1, 0, 0};
    bool send_failed = false;
    while (net_receive(&m, send_failed ? 2000 : RECEIVE_FOREVER) >= 0) {
        done.cores |= 1ull << this_cpu_id();
        if (m.type == MSG_TCP_DATA && m.conn == conn && !send_failed) {
            /* A failed send means the connection is gone: its MSG_TCP_CLOSED follows. */
            send_failed = net_send(conn, m.data, m.len) < 0;
        } else if (m.type == MSG_TCP_CLOSED && m.conn == conn) {
            done.why = m.status;
            break;
        }
    }
    net_close(conn);
    done.send_failed = send_failed;
    send(echo_listener, &done, sizeof done);
}

static bool is_done(const void *d, uint32_t l, const struct msg_info *i, void *ctx)
{
    (void)ctx;
    return i->kind == MSG_USER && l == sizeof(struct echo_done) && ((const struct echo_done *)d)->type == ECHO_DONE;
}

static uint32_t closed[4]; /* by peer, reset, error, without MSG_TCP_CLOSED */
static uint64_t cores_used;
static uint32_t sends_failed;
static void count_done(const struct echo_done *d)
{
    sends_failed += d->send_failed;
    closed[d->why == NET_CLOSED_BY_PEER ? 0 : d->why == NET_CLOSED_RESET ? 1 : d->why == NET_CLOSED_ERROR ? 2 : 3]++;
    cores_used |= d->cores;
}

static void print_resources(const char *when, const struct net_info *i)
{
    kprintf("echo: %s: conns %u tcp_pcbs %u tcp_segs %u pbufs %u/%u heap %u rx_posted %u/%u tx_free %u\n", when,
            i->conns, i->tcp_pcbs, i->tcp_segs, i->pbufs_pool, i->pbufs_ref, i->mem_used, i->rx_posted,
            i->queue_size, i->tx_free);
}

static bool at_baseline(const struct net_info *now, const struct net_info *base)
{
    return now->conns == base->conns && now->tcp_pcbs == base->tcp_pcbs && now->tcp_segs == base->tcp_segs &&
           now->pbufs_pool == base->pbufs_pool && now->pbufs_ref == base->pbufs_ref &&
           now->mem_used == base->mem_used && now->rx_posted == base->rx_posted && now->tx_free == now->queue_size; /* every frame sent */
}

static void echo_main(void *arg)
{
    (void)arg;
    echo_listener = self();
    int listener = net_listen(echo_port);
    if (listener < 0) {
        kprintf("echo: cannot listen on port %u (%d)\n", echo_port, listener);
        return;
    }
    struct net_info base, now;
    net_get_info(&base);
    kprintf("echo: listening on port %u\n", echo_port);
    print_resources("idle", &base);
    uint32_t ended = 0, accepted = 0;
    static struct net_msg m;
    struct msg_info info;
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.stack_size = 16 * 1024;
    o.monitor = true;
    for (;;) {
        int n = receive(NULL, NULL, &m, sizeof m, RECEIVE_FOREVER, &info);
        if (n >= (int)NET_MSG_HEADER && info.kind == MSG_USER && m.type == MSG_TCP_ACCEPTED) {
            uint64_t ref;
            pid_t p = spawn_opt(echo_conn, (void *)(uintptr_t)m.conn, &o, &ref);
            if (p)
                net_give(m.conn, p);
            else
                net_close(m.conn);
            accepted++;
        } else if (is_done(&m, (uint32_t)n, &info, NULL)) {
            count_done((const struct echo_done *)&m);
        } else if (info.kind == MSG_DOWN) {
            ended++;
            if (echo_quit && ended == echo_quit)
                break;
        }
    }
    /* Closing connections linger a little in lwIP (LAST_ACK): give them 5 s. */
    for (int tries = 0; tries < 50 && net_get_info(&now) && !at_baseline(&now, &base); tries++)
        sleep_ms(100);
    struct echo_done d;
    while (receive(is_done, NULL, &d, sizeof d, 0, NULL) >= 0) /* the last handlers' reports */
        count_done(&d);
    kprintf("echo: %u connections accepted, %u ended\n", accepted, ended);
    kprintf("echo: closed by peer %u, reset %u, error %u, other %u; a send failed in %u\n", closed[0], closed[1],
            closed[2], closed[3], sends_failed);
    kprintf("echo: handlers ran on cores");
    for (uint32_t c = 0; c < 64; c++)
        if (cores_used & (1ull << c))
            kprintf(" %u", c);
    kprintf(" (%u of %u)\n", bits_set(cores_used), cpus_online_count());
    print_resources(at_baseline(&now, &base) ? "back to idle" : "LEAK", &now);
    kprintf("echo: retransmissions %lu, drops: driver %lu, udp %lu; rx ring full %lu\n", (unsigned long)now.tcp_rexmit,
            (unsigned long)now.rx_dropped, (unsigned long)now.udp_drop, (unsigned long)now.rx_ring_full);
    kprintf("echo: resets sent %lu; closes deferred %u, aborted %u\n", (unsigned long)now.tcp_resets_sent,
            now.closes_deferred, now.closes_aborted);
    system_off();
}

bool echo_start(uint16_t port, uint32_t quit_after)
{
    echo_port = port, echo_quit = quit_after;
    return spawn(echo_main, NULL) != 0;
}
