/* drivers/virtqueue.c on the host, against a pretend device that takes the
 * available ring in order and completes chains into the used ring: the
 * layout, descriptor reuse, and the 16-bit indices wrapping around. */
#include <drivers/virtqueue.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

struct device {
    struct virtqueue *vq;
    uint16_t last_avail, used_idx;
};

/* The device side: take one offered chain, complete it with `len` bytes.
 * Returns the chain's length in descriptors, 0 if nothing was offered. */
static int device_complete_one(struct device *d, uint32_t len)
{
    struct virtqueue *vq = d->vq;
    if (vq->avail->idx == d->last_avail)
        return 0;
    uint16_t head = vq->avail->ring[d->last_avail++ & (vq->size - 1)];
    int n = 1;
    for (uint16_t i = head; vq->desc[i].flags & VIRTQ_DESC_F_NEXT; i = vq->desc[i].next)
        n++;
    vq->used->ring[d->used_idx & (vq->size - 1)] = (struct virtq_used_elem){head, len};
    vq->used->idx = ++d->used_idx;
    return n;
}

static void *ring_mem(uint16_t size, size_t align)
{
    struct virtqueue_layout l = virtqueue_layout(size, align);
    void *m = aligned_alloc(align, l.total);
    memset(m, 0, l.total);
    return m;
}

static void layout_matches_the_legacy_interface(void)
{
    /* virtio 1.x 2.7.2 (legacy): desc 16*N, avail 6+2*N, used on its own page. */
    struct virtqueue_layout l = virtqueue_layout(128, 4096);
    CHECK(l.avail_off == 2048 && l.used_off == 4096 && l.total == 8192, "%zu %zu %zu", l.avail_off, l.used_off, l.total);
    l = virtqueue_layout(256, 4096);
    CHECK(l.avail_off == 4096 && l.used_off == 8192 && l.total == 12288, "%zu %zu %zu", l.avail_off, l.used_off, l.total);
}

static void descriptors_are_reused_after_completion(void)
{
    struct virtqueue vq;
    void *mem = ring_mem(16, 4096);
    virtqueue_init(&vq, 16, mem, 4096);
    struct device dev = {&vq, 0, 0};
    struct virtqueue_buf three[3] = {{0x1000, 10, false}, {0x2000, 20, false}, {0x3000, 30, true}};
    /* Five chains of three fill 15 of 16; a sixth does not fit. */
    for (int i = 0; i < 5; i++)
        CHECK(virtqueue_add(&vq, three, 3, 100 + i) >= 0, "chain %d", i);
    CHECK(virtqueue_free(&vq) == 1, "free %u", virtqueue_free(&vq));
    CHECK(virtqueue_add(&vq, three, 3, 999) == -1, "a chain that does not fit was accepted");
    CHECK(virtqueue_free(&vq) == 1, "a failed add changed the free count");
    uint32_t len;
    uint64_t cookie;
    CHECK(!virtqueue_get_used(&vq, &len, &cookie), "used before the device did anything");
    CHECK(virtqueue_used_pending(&vq) == 0, "pending %u before the device did anything", virtqueue_used_pending(&vq));
    for (int i = 0; i < 5; i++)
        CHECK(device_complete_one(&dev, 7 + i) == 3, "chain %d length", i);
    CHECK(virtqueue_used_pending(&vq) == 5, "pending %u with all five used", virtqueue_used_pending(&vq));
    for (int i = 0; i < 5; i++) {
        CHECK(virtqueue_get_used(&vq, &len, &cookie), "chain %d not returned", i);
        CHECK(cookie == (uint64_t)(100 + i) && len == (uint32_t)(7 + i), "chain %d: cookie %lu len %u", i, cookie, len);
    }
    CHECK(virtqueue_free(&vq) == 16, "free %u after all came back", virtqueue_free(&vq));
    /* All 16 as single descriptors now: every index is used once, none twice. */
    int seen[16] = {0};
    for (int i = 0; i < 16; i++) {
        int head = virtqueue_add(&vq, three, 1, (uint64_t)i);
        CHECK(head >= 0 && head < 16, "add %d gave %d", i, head);
        if (head >= 0 && head < 16)
            seen[head]++;
    }
    for (int i = 0; i < 16; i++)
        CHECK(seen[i] == 1, "descriptor %d used %d times", i, seen[i]);
    CHECK(virtqueue_add(&vq, three, 1, 0) == -1, "a 17th descriptor");
    free(mem);
}

static void indices_wrap_around(void)
{
    struct virtqueue vq;
    void *mem = ring_mem(8, 4096);
    virtqueue_init(&vq, 8, mem, 4096);
    struct device dev = {&vq, 0, 0};
    struct virtqueue_buf bufs[4];
    uint64_t next_add = 0, next_done = 0;
    /* 200 000 chains through an 8-entry ring: the 16-bit indices wrap three times. */
    while (next_done < 200000) {
        uint16_t n = (uint16_t)(1 + next_add % 3);
        for (uint16_t k = 0; k < n; k++)
            bufs[k] = (struct virtqueue_buf){0x10000 + next_add * 64 + k, (uint32_t)(k + 1), k == n - 1};
        while (virtqueue_add(&vq, bufs, n, next_add) >= 0) {
            next_add++;
            n = (uint16_t)(1 + next_add % 3);
            for (uint16_t k = 0; k < n; k++)
                bufs[k] = (struct virtqueue_buf){0x10000 + next_add * 64 + k, (uint32_t)(k + 1), k == n - 1};
        }
        int took = device_complete_one(&dev, (uint32_t)(next_done & 0xffff));
        CHECK(took == (int)(1 + next_done % 3), "chain %lu has %d descriptors", next_done, took);
        /* One used, not taken: across the index wrap too. */
        CHECK(virtqueue_used_pending(&vq) == 1, "pending %u at chain %lu", virtqueue_used_pending(&vq), next_done);
        uint32_t len;
        uint64_t cookie;
        if (!virtqueue_get_used(&vq, &len, &cookie)) {
            CHECK(0, "chain %lu not returned", next_done);
            break;
        }
        CHECK(cookie == next_done && len == (next_done & 0xffff), "got %lu/%u, want %lu", cookie, len, next_done);
        if (unit_case_failed)
            break;
        next_done++;
    }
    CHECK(vq.avail->idx == (uint16_t)next_add, "avail idx %u, %lu added", vq.avail->idx, next_add);
    CHECK(vq.last_used == (uint16_t)next_done, "last_used %u", vq.last_used);
    free(mem);
}

int main(void)
{
    RUN(layout_matches_the_legacy_interface);
    RUN(descriptors_are_reused_after_completion);
    RUN(indices_wrap_around);
    printf("%d failed\n", unit_failed_cases);
    return unit_failed_cases != 0;
}
