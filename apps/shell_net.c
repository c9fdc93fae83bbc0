/* The shell's network commands: net (the interface and its counters), ping,
 * and nc (a TCP connection out, data both ways). They talk to the network
 * process through net.h only, as any process would. */
#include <apps/shell_net.h>
#include <drivers/console.h>
#include <lib/bootargs.h>
#include <lib/bits.h>
#include <net/net.h>
#include <stdlib.h>
#include <string.h>

#define ADDRESS_WAIT_MS 8000 /* DHCP's answer, right after boot */

static bool get_info(struct net_info *i, const char *who)
{
    if (!net_pid() || !net_get_info(i)) {
        kprintf("%s: no network (no virtio-net device; try make run-net)\n", who);
        return false;
    }
    return true;
}

/* Commands typed right after boot: wait for DHCP rather than fail. */
static bool wait_address(struct net_info *i, const char *who)
{
    for (int waited = 0; get_info(i, who); waited += 100) {
        if (i->up)
            return true;
        if (waited >= ADDRESS_WAIT_MS) {
            kprintf("%s: the interface has no address yet\n", who);
            return false;
        }
        sleep_ms(100);
    }
    return false;
}

static bool parse_ip(const char *s, uint32_t *out) { return bootargs_parse_ipv4(s, (unsigned)strlen(s), out); }

void cmd_net(int argc, char **argv)
{
    (void)argc, (void)argv;
    struct net_info i;
    if (!get_info(&i, "net"))
        return;
    char ip[16], gw[16];
    net_format_ip(ip, sizeof ip, i.ip);
    net_format_ip(gw, sizeof gw, i.gw);
    kprintf("vn0: virtio-net (%s interface), MAC %02x:%02x:%02x:%02x:%02x:%02x\n",
            i.virtio_version == 2 ? "modern" : "legacy", i.mac[0], i.mac[1], i.mac[2], i.mac[3], i.mac[4], i.mac[5]);
    if (i.up)
        kprintf("  address %s/%d gw %s (%s)\n", ip, (int)bits_set(i.mask), gw, i.dhcp ? "dhcp" : "static");
    else
        kprintf("  no address yet (DHCP under way)\n");
    kprintf("  packets in %lu out %lu, bytes in %lu out %lu, interrupts %lu\n", (unsigned long)i.rx_packets,
            (unsigned long)i.tx_packets, (unsigned long)i.rx_bytes, (unsigned long)i.tx_bytes,
            (unsigned long)i.interrupts);
    kprintf("  drops: driver %lu, ip %lu, tcp %lu, udp %lu; rx ring full %lu, tx ring full %lu\n",
            (unsigned long)i.rx_dropped, (unsigned long)i.ip_drop, (unsigned long)i.tcp_drop,
            (unsigned long)i.udp_drop, (unsigned long)i.rx_ring_full, (unsigned long)i.tx_ring_full);
    kprintf("  tcp segments in %lu out %lu, retransmissions %lu, resets sent %lu; connections %u\n",
            (unsigned long)i.tcp_recv, (unsigned long)i.tcp_xmit, (unsigned long)i.tcp_rexmit,
            (unsigned long)i.tcp_resets_sent, i.conns);
}

static void print_ms(const char *label, uint32_t us) { kprintf("%s%u.%03u", label, us / 1000, us % 1000); }

void cmd_ping(int argc, char **argv)
{
    uint32_t addr, count = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 0) : 4;
    if (argc < 2 || !parse_ip(argv[1], &addr) || !count) {
        kprintf("usage: ping <a.b.c.d> [count]\n");
        return;
    }
    struct net_info i;
    if (!wait_address(&i, "ping"))
        return;
    uint32_t got = 0, min = UINT32_MAX, max = 0;
    uint64_t sum = 0;
    for (uint32_t seq = 1; seq <= count; seq++) {
        int us = net_ping(addr, (uint16_t)seq, 1000);
        if (us < 0) {
            kprintf("no reply from %s: seq=%u (1 s)\n", argv[1], seq);
            continue;
        }
        got++, sum += (uint32_t)us;
        min = (uint32_t)us < min ? (uint32_t)us : min, max = (uint32_t)us > max ? (uint32_t)us : max;
        kprintf("reply from %s: seq=%u", argv[1], seq);
        print_ms(" time=", (uint32_t)us);
        kprintf(" ms\n");
        if (seq < count)
            sleep_ms(200);
    }
    kprintf("ping %s: %u sent, %u received, %u%% loss", argv[1], count, got, (count - got) * 100 / count);
    if (got) {
        print_ms(", rtt min/avg/max ", min);
        print_ms("/", (uint32_t)(sum / got));
        print_ms("/", max);
        kprintf(" ms");
    }
    kprintf("\n");
}

/* A byte of nc's test stream: not periodic within a megabyte. */
static uint8_t pattern(uint32_t i) { return (uint8_t)((i ^ (i >> 8) ^ (i >> 16)) * 31 + 7); }

/* Take what came back (waiting up to timeout_ms for the first message);
 * false once the connection is closed. */
static bool take_echo(uint32_t conn, uint32_t *back, uint32_t *bad, uint64_t timeout_ms)
{
    static struct net_msg m; /* one shell */
    while (net_receive(&m, timeout_ms) >= 0) {
        timeout_ms = 0;
        if (m.conn != conn)
            continue;
        if (m.type == MSG_TCP_CLOSED)
            return false;
        if (m.type != MSG_TCP_DATA)
            continue;
        for (uint32_t k = 0; k < m.len; k++)
            *bad += m.data[k] != pattern(*back + k);
        *back += m.len;
    }
    return true;
}

/* nc <ip> <port> <bytes>: connect, send the bytes of pattern(), and expect
 * the peer (an echo) to send every one back. */
void cmd_nc(int argc, char **argv)
{
    uint32_t addr, port = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 0) : 0;
    uint32_t total = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 0) : 1000;
    if (argc < 3 || !parse_ip(argv[1], &addr) || !port || port > 65535) {
        kprintf("usage: nc <a.b.c.d> <port> [bytes]\n");
        return;
    }
    struct net_info i;
    if (!wait_address(&i, "nc"))
        return;
    int conn = net_connect(addr, (uint16_t)port, 5000);
    if (conn < 0) {
        kprintf("nc: cannot connect to %s:%u (%d)\n", argv[1], port, conn);
        return;
    }
    static uint8_t chunk[NET_DATA_MAX];
    uint32_t sent = 0, back = 0, bad = 0;
    bool open = true;
    while (open && sent < total) {
        uint32_t n = total - sent > sizeof chunk ? (uint32_t)sizeof chunk : total - sent;
        for (uint32_t k = 0; k < n; k++)
            chunk[k] = pattern(sent + k);
        if (net_send((uint32_t)conn, chunk, n) < 0)
            break;
        sent += n;
        open = take_echo((uint32_t)conn, &back, &bad, 0); /* keep the credit flowing: no deadlock */
    }
    for (int idle = 0; open && back < sent && idle < 50; idle++) /* 5 s without data: give up */
        if (take_echo((uint32_t)conn, &back, &bad, 100) && back >= sent)
            break;
    net_close((uint32_t)conn);
    kprintf("nc: %u bytes sent, %u back, %u differ: %s\n", sent, back, bad,
            sent == total && back == total && !bad ? "all echoed" : "BROKEN");
}
