/* lwIP's configuration for Armada (lwIP 2.1.3, Debian's source package).
 *
 * NO_SYS=1: lwIP's raw API, driven by one process (net/netproc.c) that owns
 * the NIC's interrupt, runs the timers and is the only code that ever calls
 * into lwIP. Other processes talk to it by copied messages (net/net.h),
 * so lwIP needs no locks, no semaphores, no threads: its core is single
 * threaded by design, and Armada's processes are single threaded too. */
#ifndef ARMADA_LWIPOPTS_H
#define ARMADA_LWIPOPTS_H

#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0 /* one process only: nothing to protect against */
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_RAW 1 /* ping */
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_DHCP 1
#define LWIP_DNS 0
#define LWIP_IGMP 0
#define LWIP_AUTOIP 0
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK 1
#define LWIP_STATS 1
#define LWIP_STATS_DISPLAY 0
#define MEM_STATS 1
#define MEMP_STATS 1
#define MIB2_STATS 1 /* counts TCP retransmissions */
#define LWIP_SINGLE_NETIF 0

/* Memory: lwIP's own heap and pools, static arrays in the image's .bss. */
#define MEM_LIBC_MALLOC 0
#define MEMP_MEM_MALLOC 0
#define MEM_ALIGNMENT 8
#define MEM_SIZE (1024 * 1024)
#define PBUF_POOL_SIZE 256
#define PBUF_POOL_BUFSIZE 1536
#define MEMP_NUM_PBUF 128
#define MEMP_NUM_RAW_PCB 4
#define MEMP_NUM_UDP_PCB 4
#define MEMP_NUM_TCP_PCB 32
#define MEMP_NUM_TCP_PCB_LISTEN 8
#define MEMP_NUM_TCP_SEG 512

/* TCP: a window the size QEMU's user network can fill. */
#define TCP_MSS 1460
#define TCP_WND (32 * TCP_MSS)
#define TCP_SND_BUF (32 * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_QUEUE_OOSEQ 1
#define LWIP_TCP_KEEPALIVE 0
#define TCP_MSL 1000UL /* TIME_WAIT 2 s: 1000 short connections must not exhaust the PCBs */

#define LWIP_CHKSUM_ALGORITHM 3
#define LWIP_DEBUG 0

#endif
