/* The TCP echo service: a listener process that gives each connection to a
 * process of its own, which sends back every byte it gets. With quit_after,
 * it powers the machine off once that many connections have ended, after
 * checking that the stack's resources came back to their idle level. */
#include <drivers/console.h>
#include <net/net.h>
#include <psci/psci.h>

static uint16_t echo_port;
static uint32_t echo_quit;

static void echo_conn(void *arg)
{
    uint32_t conn = (uint32_t)(uintptr_t)arg;
    _Static_assert(sizeof(struct net_msg) < 4096, "one message on the stack");
    struct net_msg m;
    while (net_receive(&m, RECEIVE_FOREVER) >= 0) {
        if (m.type == MSG_TCP_DATA && m.conn == conn) {
            if (net_send(conn, m.data, m.len) < 0)
                break;
        } else if (m.type == MSG_TCP_CLOSED && m.conn == conn) {
            break;
        }
    }
    net_close(conn);
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
        } else if (info.kind == MSG_DOWN) {
            ended++;
            if (echo_quit && ended == echo_quit)
                break;
        }
    }
    /* Closing connections linger a little in lwIP (LAST_ACK): give them 5 s. */
    for (int tries = 0; tries < 50 && net_get_info(&now) && !at_baseline(&now, &base); tries++)
        sleep_ms(100);
    kprintf("echo: %u connections accepted, %u ended\n", accepted, ended);
    print_resources(at_baseline(&now, &base) ? "back to idle" : "LEAK", &now);
    kprintf("echo: retransmissions %lu, drops %lu\n", (unsigned long)now.tcp_rexmit, (unsigned long)now.rx_dropped);
    system_off();
}

bool echo_start(uint16_t port, uint32_t quit_after)
{
    echo_port = port, echo_quit = quit_after;
    return spawn(echo_main, NULL) != 0;
}
