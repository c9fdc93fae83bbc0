/* Inside the network process (net/): the pieces of netproc.c's loop. */
#ifndef ARMADA_NET_NETPROC_H
#define ARMADA_NET_NETPROC_H

#include <net/net.h>

#define NET_MAX_CONNS 64

void netconn_table_init(void);
uint32_t netconn_table_used(void);
void netconn_close_counts(uint32_t *deferred, uint32_t *aborted);
void netconn_request(const struct net_msg *m, uint32_t len, pid_t from); /* one net.h request */
void netconn_owner_down(uint64_t monitor_ref);
void ping_init(void);
void ping_request(uint32_t addr, uint16_t seq, pid_t from);
void netproc_fill_info(struct net_info *i);

#endif
