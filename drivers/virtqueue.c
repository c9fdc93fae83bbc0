/* The split virtqueue's driver side (virtqueue.h). The device is another
 * observer of this memory: the fences below order our ring writes against
 * its reads, and its used-ring writes against ours. */
#include <drivers/virtqueue.h>

static size_t align_up(size_t v, size_t a) { return (v + a - 1) & ~(a - 1); }

struct virtqueue_layout virtqueue_layout(uint16_t size, size_t align)
{
    struct virtqueue_layout l;
    l.avail_off = sizeof(struct virtq_desc) * size;
    size_t avail_end = l.avail_off + sizeof(uint16_t) * (3 + size); /* flags, idx, ring, used_event */
    l.used_off = align_up(avail_end, align);
    l.total = align_up(l.used_off + sizeof(uint16_t) * 3 + sizeof(struct virtq_used_elem) * size, align);
    return l;
}

void virtqueue_init(struct virtqueue *vq, uint16_t size, void *mem, size_t align)
{
    struct virtqueue_layout l = virtqueue_layout(size, align);
    vq->size = size;
    vq->desc = mem;
    vq->avail = (struct virtq_avail *)((char *)mem + l.avail_off);
    vq->used = (struct virtq_used *)((char *)mem + l.used_off);
    for (uint16_t i = 0; i < size; i++)
        vq->desc[i].next = (uint16_t)(i + 1); /* the free list runs through `next` */
    vq->free_head = 0;
    vq->free_count = size;
    vq->last_used = 0;
    vq->avail_idx = 0;
}

int virtqueue_add(struct virtqueue *vq, const struct virtqueue_buf *bufs, uint16_t n, uint64_t cookie)
{
    if (n == 0 || n > vq->free_count)
        return -1;
    uint16_t head = vq->free_head, i = head, last = head;
    for (uint16_t k = 0; k < n; k++) {
        struct virtq_desc *d = &vq->desc[i];
        d->addr = bufs[k].addr;
        d->len = bufs[k].len;
        d->flags = (uint16_t)((bufs[k].device_writes ? VIRTQ_DESC_F_WRITE : 0) | (k + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
        last = i;
        i = d->next;
    }
    vq->free_head = vq->desc[last].next;
    vq->free_count = (uint16_t)(vq->free_count - n);
    vq->cookie[head] = cookie;
    vq->avail->ring[vq->avail_idx & (vq->size - 1)] = head;
    vq->avail_idx++;
    /* Release: the descriptors and the ring slot are written before the
     * device can see the new index (it reads the index, then the slot). */
    __atomic_store_n(&vq->avail->idx, vq->avail_idx, __ATOMIC_RELEASE);
    return head;
}

uint16_t virtqueue_used_pending(const struct virtqueue *vq)
{
    /* Acquire, as in virtqueue_get_used: the entries counted are complete. */
    return (uint16_t)(__atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE) - vq->last_used);
}

bool virtqueue_get_used(struct virtqueue *vq, uint32_t *len, uint64_t *cookie)
{
    /* Acquire: the device wrote the used element (and the buffer) before it
     * published the index; read them only after seeing it. */
    uint16_t used_idx = __atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE);
    if (used_idx == vq->last_used)
        return false;
    struct virtq_used_elem e = vq->used->ring[vq->last_used & (vq->size - 1)];
    vq->last_used++;
    uint16_t head = (uint16_t)e.id, i = head, n = 1;
    while (vq->desc[i].flags & VIRTQ_DESC_F_NEXT) {
        i = vq->desc[i].next;
        n++;
    }
    vq->desc[i].next = vq->free_head; /* the whole chain goes back on the free list */
    vq->free_head = head;
    vq->free_count = (uint16_t)(vq->free_count + n);
    *len = e.len;
    *cookie = vq->cookie[head];
    return true;
}
