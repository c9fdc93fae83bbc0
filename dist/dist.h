/* The Erlang distribution: Armada as a node of an Erlang cluster.
 *
 * Started at boot when the boot arguments name the node (node=NAME@HOST,
 * cookie=C) and there is a network. It listens on the distribution port
 * (dist.port=, 4370 if left out) and registers the name and port with the
 * epmd on the host (epmd=, the gateway's 4369 if left out); a process holds
 * that registration open for the node's lifetime. */
#ifndef ARMADA_DIST_DIST_H
#define ARMADA_DIST_DIST_H

#include <lib/bootargs.h>
#include <stdbool.h>
#include <stdint.h>

#define DIST_PORT_DEFAULT 4370
#define DIST_NET_WAIT_MS 10000 /* for DHCP to give an address before epmd is tried */

/* This node: written by dist_start before it starts any process, read-only after. */
struct dist_node {
    char name[64];   /* alive@host */
    char alive[64];  /* the part before '@': epmd's key */
    char cookie[64];
    uint16_t port;
    uint32_t epmd_addr; /* host byte order */
    uint16_t epmd_port;
};
extern struct dist_node dist_node;

/* Start the distribution if the boot arguments ask for it; false (with a
 * boot-log line saying why) when they ask and it cannot start. */
bool dist_start(const struct bootargs *b);

#endif
