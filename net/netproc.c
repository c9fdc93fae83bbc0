/* The network process: owns the virtio-net interrupt (MSG_IRQ), runs lwIP's
 * timers and DHCP, and serves the requests of net.h. The only caller of
 * lwIP (NO_SYS=1), so lwIP needs no locking. */
#include <arch/timer.h>
#include <boot/boot.h>
#include <drivers/console.h>
#include <drivers/virtio_net.h>
#include <lib/bits.h>
#include <lwip/dhcp.h>
#include <lwip/etharp.h>
#include <lwip/init.h>
#include <lwip/memp.h>
#include <lwip/netif.h>
#include <lwip/stats.h>
#include <lwip/timeouts.h>
#include <netif/ethernet.h>
#include <string.h>

#include "netproc.h"

#define DHCP_WAIT_MS 4000 /* then the static address from the boot args, if any */

static struct netif nic;
static bool dhcp_running, address_shown;
static uint64_t started_ms;

static uint64_t now_ms(void) { return timer_ticks_to_ns(timer_now()) / 1000000; }

static err_t linkoutput(struct netif *n, struct pbuf *p)
{
    (void)n;
    static uint8_t frame[VIRTIO_NET_FRAME_MAX]; /* only this process sends */
    if (p->tot_len > sizeof frame)
        return ERR_IF;
    pbuf_copy_partial(p, frame, p->tot_len, 0);
    return virtio_net_send(frame, p->tot_len) ? ERR_OK : ERR_MEM;
}

static err_t nic_init(struct netif *n)
{
    n->name[0] = 'v', n->name[1] = 'n';
    n->output = etharp_output;
    n->linkoutput = linkoutput;
    n->mtu = VIRTIO_NET_MTU;
    n->hwaddr_len = 6;
    memcpy(n->hwaddr, virtio_net_mac(), 6);
    n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    return ERR_OK;
}

static void show_address(struct netif *n)
{
    if (ip4_addr_isany_val(*netif_ip4_addr(n)) || address_shown)
        return;
    address_shown = true;
    char ip[16], gw[16];
    net_format_ip(ip, sizeof ip, lwip_ntohl(ip4_addr_get_u32(netif_ip4_addr(n))));
    net_format_ip(gw, sizeof gw, lwip_ntohl(ip4_addr_get_u32(netif_ip4_gw(n))));
    uint32_t mask = lwip_ntohl(ip4_addr_get_u32(netif_ip4_netmask(n)));
    kprintf("net: address %s/%d gw %s (%s)\n", ip, (int)bits_set(mask), gw,
            dhcp_supplied_address(n) ? "dhcp" : "static");
}

static void use_static(void)
{
    ip4_addr_t ip, mask, gw;
    ip4_addr_set_u32(&ip, lwip_htonl(bootargs.net_ip));
    ip4_addr_set_u32(&mask, lwip_htonl(bootargs.net_prefix >= 32 ? 0xffffffffu : ~(0xffffffffu >> bootargs.net_prefix)));
    ip4_addr_set_u32(&gw, lwip_htonl(bootargs.net_gw));
    if (dhcp_running)
        dhcp_stop(&nic);
    dhcp_running = false;
    netif_set_addr(&nic, &ip, &mask, &gw);
}

static bool deliver(const void *frame, uint32_t len, void *ctx)
{
    struct netif *n = ctx;
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
    if (!p)
        return false;
    pbuf_take(p, frame, (u16_t)len);
    if (n->input(p, n) != ERR_OK) {
        pbuf_free(p);
        return false;
    }
    return true;
}

void netproc_fill_info(struct net_info *i)
{
    const struct virtio_net_stats *s = virtio_net_stats();
    memset(i, 0, sizeof *i);
    memcpy(i->mac, virtio_net_mac(), 6);
    i->ip = lwip_ntohl(ip4_addr_get_u32(netif_ip4_addr(&nic)));
    i->mask = lwip_ntohl(ip4_addr_get_u32(netif_ip4_netmask(&nic)));
    i->gw = lwip_ntohl(ip4_addr_get_u32(netif_ip4_gw(&nic)));
    i->up = i->ip != 0;
    i->dhcp = dhcp_supplied_address(&nic);
    i->virtio_version = virtio_net_version();
    i->rx_packets = s->rx_packets, i->tx_packets = s->tx_packets;
    i->rx_bytes = s->rx_bytes, i->tx_bytes = s->tx_bytes;
    i->rx_dropped = s->rx_dropped + lwip_stats.link.drop, i->tx_ring_full = s->tx_ring_full;
    i->rx_ring_full = s->rx_ring_full;
    i->interrupts = s->interrupts;
    i->tcp_xmit = lwip_stats.tcp.xmit, i->tcp_recv = lwip_stats.tcp.recv;
    i->tcp_rexmit = lwip_stats.mib2.tcpretranssegs, i->tcp_drop = lwip_stats.tcp.drop;
    i->ip_drop = lwip_stats.ip.drop, i->udp_drop = lwip_stats.udp.drop;
    i->tcp_resets_sent = lwip_stats.mib2.tcpoutrsts;
    netconn_close_counts(&i->closes_deferred, &i->closes_aborted);
    i->conns = netconn_table_used();
    i->tcp_pcbs = lwip_stats.memp[MEMP_TCP_PCB]->used;
    i->tcp_segs = lwip_stats.memp[MEMP_TCP_SEG]->used;
    i->pbufs_pool = lwip_stats.memp[MEMP_PBUF_POOL]->used;
    i->pbufs_ref = lwip_stats.memp[MEMP_PBUF]->used;
    i->mem_used = (uint32_t)lwip_stats.mem.used;
    i->rx_posted = virtio_net_rx_posted();
    i->tx_free = virtio_net_tx_free();
    i->queue_size = virtio_net_queue_size();
}

static void net_main(void *arg)
{
    (void)arg;
    static struct net_msg m; /* one network process */
    struct msg_info info;
    lwip_init();
    ip4_addr_t any = {0};
    netif_add(&nic, &any, &any, &any, NULL, nic_init, ethernet_input);
    netif_set_default(&nic);
    netif_set_status_callback(&nic, show_address);
    netif_set_up(&nic);
    netif_set_link_up(&nic);
    netconn_table_init();
    ping_init();
    started_ms = now_ms();
    if (bootargs.net_dhcp_off && bootargs.net_ip) {
        use_static();
    } else {
        dhcp_start(&nic);
        dhcp_running = true;
    }
    uint32_t intid = virtio_net_intid();
    if (!intid || !irq_give_to_process(intid, self()))
        kprintf("net: no interrupt for the NIC: polling every 10 ms\n");
    for (;;) {
        u32_t sleep = sys_timeouts_sleeptime();
        int n = receive(NULL, NULL, &m, sizeof m, intid ? (sleep > 250 ? 250 : sleep) : 10, &info);
        if (n != RECEIVE_TIMEOUT && info.kind == MSG_IRQ) {
            while (virtio_net_service(deliver, &nic, 64) == 64)
                ;
            irq_done(intid);
        } else if (n == RECEIVE_TIMEOUT && !intid) {
            while (virtio_net_service(deliver, &nic, 64) == 64)
                ;
        } else if (n >= (int)NET_MSG_HEADER && info.kind == MSG_USER) {
            netconn_request(&m, (uint32_t)n, info.from);
        } else if (n >= 0 && info.kind == MSG_DOWN) {
            netconn_owner_down(info.ref);
        }
        sys_check_timeouts();
        if (dhcp_running && !dhcp_supplied_address(&nic) && bootargs.net_ip &&
            now_ms() - started_ms > DHCP_WAIT_MS) {
            kprintf("net: no DHCP answer in %d ms: static address from the boot args\n", DHCP_WAIT_MS);
            use_static();
        }
    }
}

bool net_start(void)
{
    if (!virtio_net_init(&platform)) {
        if (platform.virtio_count)
            kprintf("net: no virtio-net device behind the %u virtio-mmio transport(s)\n", platform.virtio_count);
        return false;
    }
    const uint8_t *mac = virtio_net_mac();
    kprintf("net: virtio-net (%s interface), MAC %02x:%02x:%02x:%02x:%02x:%02x, irq %u\n",
            virtio_net_version() == 2 ? "modern" : "legacy", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5],
            virtio_net_intid());
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.prio = PRIO_HIGH; /* the stack answers before the applications it serves */
    o.stack_size = 32 * 1024;
    pid_t pid = spawn_opt(net_main, NULL, &o, NULL);
    if (!pid || !register_name("net", pid)) {
        kprintf("net: cannot start the network process: %s\n", spawn_error());
        return false;
    }
    return true;
}
