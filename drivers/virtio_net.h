/* virtio-net over virtio-mmio: one receive and one transmit queue, frames
 * copied in and out of buffers the driver owns. Used by one process only
 * (the network process, net/netproc.c), which owns its interrupt. */
#ifndef ARMADA_DRIVERS_VIRTIO_NET_H
#define ARMADA_DRIVERS_VIRTIO_NET_H

#include <stdbool.h>
#include <stdint.h>

#define VIRTIO_NET_MTU 1500
#define VIRTIO_NET_FRAME_MAX 1514 /* Ethernet header + MTU, no FCS */

struct virtio_net_stats {
    uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
    uint64_t rx_dropped; /* frames the stack had no room for */
    uint64_t tx_ring_full; /* sends refused: every transmit buffer in flight */
    uint64_t rx_ring_full; /* services that found every receive buffer filled: the
                              device had nowhere to put what came next */
    uint64_t interrupts;
};

struct platform;
bool virtio_net_init(const struct platform *p); /* false: no virtio-net device (or it refused us) */
const uint8_t *virtio_net_mac(void);
uint32_t virtio_net_intid(void);
uint32_t virtio_net_version(void); /* 1 legacy, 2 modern */
/* Copy one frame into a transmit buffer and tell the device; false: none free. */
bool virtio_net_send(const void *frame, uint32_t len);
/* After an interrupt: acknowledge it, then hand each received frame to
 * deliver() (at most `budget`), and give its buffer back to the device.
 * deliver returns false when it dropped the frame. Returns frames handled. */
typedef bool (*virtio_net_deliver_fn)(const void *frame, uint32_t len, void *ctx);
uint32_t virtio_net_service(virtio_net_deliver_fn deliver, void *ctx, uint32_t budget);
const struct virtio_net_stats *virtio_net_stats(void);
/* Descriptors the device holds for receiving / the driver holds free for
 * sending: both back to their full counts when nothing leaks. */
uint32_t virtio_net_rx_posted(void);
uint32_t virtio_net_tx_free(void);
uint32_t virtio_net_queue_size(void);

#endif
