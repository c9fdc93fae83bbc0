/* A split virtqueue (virtio 1.x, 2.6): the driver's side of the descriptor
 * table, the available ring and the used ring. Pure logic over memory the
 * caller lays out (virtqueue_layout), host-tested (tests/unit/test_virtqueue). */
#ifndef ARMADA_DRIVERS_VIRTQUEUE_H
#define ARMADA_DRIVERS_VIRTQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2 /* the device writes this buffer */
#define VIRTQ_MAX_SIZE 256

struct virtq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};
struct virtq_avail {
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[];
};
struct virtq_used_elem {
    uint32_t id;
    uint32_t len;
};
struct virtq_used {
    uint16_t flags;
    uint16_t idx;
    struct virtq_used_elem ring[];
};

/* Offsets of the three parts in one block, in the legacy interface's layout
 * (used ring on its own `align` boundary), which suits the modern one too. */
struct virtqueue_layout {
    size_t avail_off, used_off, total;
};
struct virtqueue_layout virtqueue_layout(uint16_t size, size_t align);

struct virtqueue_buf {
    uint64_t addr; /* what the device sees (identity-mapped: a physical address) */
    uint32_t len;
    bool device_writes;
};

struct virtqueue {
    uint16_t size; /* a power of two */
    struct virtq_desc *desc;
    struct virtq_avail *avail;
    struct virtq_used *used;
    uint16_t free_head, free_count;
    uint16_t last_used; /* the next used entry to look at (free running) */
    uint16_t avail_idx; /* our copy of avail->idx (free running) */
    uint64_t cookie[VIRTQ_MAX_SIZE]; /* per chain head: given back with it */
};

/* `mem` holds virtqueue_layout(size, align).total bytes, zeroed. */
void virtqueue_init(struct virtqueue *vq, uint16_t size, void *mem, size_t align);
/* Chain `n` buffers and offer them to the device. Returns the head index,
 * or -1 when fewer than n descriptors are free. Does not notify. */
int virtqueue_add(struct virtqueue *vq, const struct virtqueue_buf *bufs, uint16_t n, uint64_t cookie);
/* The next chain the device has finished with: frees its descriptors, sets
 * *len (bytes written by the device) and *cookie. False if none. */
bool virtqueue_get_used(struct virtqueue *vq, uint32_t *len, uint64_t *cookie);
static inline uint16_t virtqueue_free(const struct virtqueue *vq) { return vq->free_count; }
/* Chains the device has given back that virtqueue_get_used has not taken yet. */
uint16_t virtqueue_used_pending(const struct virtqueue *vq);

#endif
