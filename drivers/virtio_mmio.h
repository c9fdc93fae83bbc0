/* virtio over memory-mapped registers (virtio 1.x, 4.2): the modern interface
 * (version 2) and the legacy one QEMU offers by default (version 1), found
 * from the DT's virtio,mmio transports by device ID. */
#ifndef ARMADA_DRIVERS_VIRTIO_MMIO_H
#define ARMADA_DRIVERS_VIRTIO_MMIO_H

#include <drivers/virtqueue.h>
#include <stdbool.h>
#include <stdint.h>

#define VIRTIO_ID_NET 1
#define VIRTIO_F_VERSION_1 (1ull << 32)

struct virtio_mmio {
    uintptr_t base;
    uint32_t version; /* 1 legacy, 2 modern */
    uint32_t intid;   /* 0: none in the DT */
    uint64_t features; /* negotiated */
};

/* The first of the DT's transports (p->virtio) with a device of
 * `device_id` behind it, mapped. */
struct platform;
bool virtio_mmio_find(const struct platform *p, uint32_t device_id, struct virtio_mmio *dev);
/* Reset, acknowledge, and agree on features: the device's & `wanted`
 * (VERSION_1 added for the modern interface). False: the device refused. */
bool virtio_mmio_negotiate(struct virtio_mmio *dev, uint64_t wanted);
/* Queue `index` of up to `size` entries over `mem` (zeroed, page aligned,
 * virtqueue_layout(size, 4096).total bytes). Returns the size used, 0 on failure. */
uint16_t virtio_mmio_queue_setup(struct virtio_mmio *dev, uint32_t index, struct virtqueue *vq, uint16_t size,
                                 void *mem);
void virtio_mmio_driver_ok(struct virtio_mmio *dev);
void virtio_mmio_notify(struct virtio_mmio *dev, uint32_t index);
uint32_t virtio_mmio_ack_interrupt(struct virtio_mmio *dev); /* the causes, now acknowledged */
uint8_t virtio_mmio_config8(struct virtio_mmio *dev, uint32_t offset);

#endif
