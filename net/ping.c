/* ICMP echo for `ping`: a raw PCB sends the request, and takes the replies
 * that answer ours (everything else goes on to lwIP's own ICMP). */
#include <arch/timer.h>
#include <lwip/inet_chksum.h>
#include <lwip/prot/icmp.h>
#include <lwip/prot/ip4.h>
#include <lwip/raw.h>
#include <string.h>

#include "netproc.h"

#define PING_ID 0xa4d0
#define PING_DATA 32

static struct raw_pcb *pcb;
static struct {
    pid_t from;
    uint16_t seq;
    uint64_t sent_at;
} waiting[8];

static u8_t on_icmp(void *arg, struct raw_pcb *p, struct pbuf *b, const ip_addr_t *addr)
{
    (void)arg, (void)p;
    struct icmp_echo_hdr h;
    if (b->tot_len < PBUF_IP_HLEN + sizeof h)
        return 0;
    uint16_t ihl = (uint16_t)(IPH_HL_BYTES((struct ip_hdr *)b->payload));
    if (pbuf_copy_partial(b, &h, sizeof h, ihl) != sizeof h || h.type != ICMP_ER || h.id != lwip_htons(PING_ID))
        return 0; /* not a reply to us */
    uint16_t seq = lwip_ntohs(h.seqno);
    for (unsigned i = 0; i < sizeof waiting / sizeof waiting[0]; i++)
        if (waiting[i].from && waiting[i].seq == seq) {
            struct net_msg_header r = {.type = MSG_NET_PING_REPLY, .addr = lwip_ntohl(ip4_addr_get_u32(addr)),
                                       .port = seq};
            r.status = (int32_t)(timer_ticks_to_ns(timer_now() - waiting[i].sent_at) / 1000);
            send(waiting[i].from, &r, sizeof r);
            waiting[i].from = 0;
        }
    pbuf_free(b);
    return 1;
}

void ping_init(void)
{
    pcb = raw_new(IP_PROTO_ICMP);
    if (pcb)
        raw_recv(pcb, on_icmp, NULL);
}

void ping_request(uint32_t addr, uint16_t seq, pid_t from)
{
    static unsigned next;
    struct pbuf *b = pcb ? pbuf_alloc(PBUF_IP, sizeof(struct icmp_echo_hdr) + PING_DATA, PBUF_RAM) : NULL;
    if (!b)
        return; /* the caller times out */
    struct icmp_echo_hdr *h = b->payload;
    h->type = ICMP_ECHO, h->code = 0, h->chksum = 0, h->id = lwip_htons(PING_ID), h->seqno = lwip_htons(seq);
    memset(h + 1, 0xa5, PING_DATA);
    h->chksum = inet_chksum(h, b->len);
    unsigned slot = next++ % (sizeof waiting / sizeof waiting[0]);
    waiting[slot].from = from, waiting[slot].seq = seq, waiting[slot].sent_at = timer_now();
    ip_addr_t to;
    ip4_addr_set_u32(&to, lwip_htonl(addr));
    raw_sendto(pcb, b, &to);
    pbuf_free(b);
}
