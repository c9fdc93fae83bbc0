/* virtio-net (virtio 1.x, 5.1) on the virtio-mmio transport. Buffers come
 * from the page allocator, i.e. RAM the DT lists; the image is identity
 * mapped, so a buffer's address is what the device sees. */
#include <drivers/virtio_mmio.h>
#include <drivers/virtio_net.h>
#include <mm/page_alloc.h>
#include <string.h>

#define VIRTIO_NET_F_MAC (1ull << 5)
#define QUEUE_RX 0
#define QUEUE_TX 1
#define QUEUE_SIZE 128
#define BUF_SIZE 2048 /* header + largest frame, two to a page */

static struct virtio_mmio dev;
static struct virtqueue rxq, txq;
static uint8_t *rx_bufs, *tx_bufs;
static uint32_t hdr_len; /* struct virtio_net_hdr: 12 bytes modern, 10 legacy (no MRG_RXBUF) */
static uint8_t mac[6];
static struct virtio_net_stats stats;
static bool ready;

static void *pages(uint64_t bytes)
{
    return (void *)(uintptr_t)page_alloc((bytes + PAGE_SIZE - 1) / PAGE_SIZE);
}

static bool post_rx(uint16_t slot)
{
    struct virtqueue_buf b = {(uintptr_t)(rx_bufs + (uint64_t)slot * BUF_SIZE), BUF_SIZE, true};
    return virtqueue_add(&rxq, &b, 1, slot) >= 0;
}

bool virtio_net_init(const struct platform *p)
{
    if (ready)
        return true;
    if (!virtio_mmio_find(p, VIRTIO_ID_NET, &dev) || !virtio_mmio_negotiate(&dev, VIRTIO_NET_F_MAC))
        return false;
    hdr_len = dev.version == 2 ? 12 : 10;
    struct virtqueue_layout l = virtqueue_layout(QUEUE_SIZE, 4096);
    void *rx_ring = pages(l.total), *tx_ring = pages(l.total);
    rx_bufs = pages((uint64_t)QUEUE_SIZE * BUF_SIZE);
    tx_bufs = pages((uint64_t)QUEUE_SIZE * BUF_SIZE);
    if (!rx_ring || !tx_ring || !rx_bufs || !tx_bufs)
        return false;
    uint16_t rx_n = virtio_mmio_queue_setup(&dev, QUEUE_RX, &rxq, QUEUE_SIZE, rx_ring);
    uint16_t tx_n = virtio_mmio_queue_setup(&dev, QUEUE_TX, &txq, QUEUE_SIZE, tx_ring);
    if (!rx_n || !tx_n)
        return false;
    for (int i = 0; i < 6; i++)
        mac[i] = (dev.features & VIRTIO_NET_F_MAC) ? virtio_mmio_config8(&dev, (uint32_t)i)
                                                   : (uint8_t)(i == 0 ? 0x02 : i); /* locally administered */
    for (uint16_t s = 0; s < rx_n; s++)
        post_rx(s);
    virtio_mmio_driver_ok(&dev);
    virtio_mmio_notify(&dev, QUEUE_RX);
    ready = true;
    return true;
}

static void reclaim_tx(void)
{
    uint32_t len;
    uint64_t slot;
    while (virtqueue_get_used(&txq, &len, &slot))
        ;
}

bool virtio_net_send(const void *frame, uint32_t len)
{
    if (!ready || len > VIRTIO_NET_FRAME_MAX)
        return false;
    reclaim_tx();
    if (virtqueue_free(&txq) == 0) {
        stats.tx_ring_full++;
        return false;
    }
    /* The descriptor the queue will hand out next names the buffer: slot =
     * head index, so a buffer is in flight exactly while its descriptor is. */
    uint16_t slot = txq.free_head;
    uint8_t *buf = tx_bufs + (uint64_t)slot * BUF_SIZE;
    memset(buf, 0, hdr_len); /* no checksum offload, no segmentation */
    memcpy(buf + hdr_len, frame, len);
    struct virtqueue_buf b = {(uintptr_t)buf, hdr_len + len, false};
    virtqueue_add(&txq, &b, 1, slot);
    virtio_mmio_notify(&dev, QUEUE_TX);
    stats.tx_packets++;
    stats.tx_bytes += len;
    return true;
}

uint32_t virtio_net_service(virtio_net_deliver_fn deliver, void *ctx, uint32_t budget)
{
    if (!ready)
        return 0;
    stats.interrupts++;
    virtio_mmio_ack_interrupt(&dev);
    reclaim_tx();
    uint16_t posted = (uint16_t)(rxq.size - virtqueue_free(&rxq));
    if (posted && virtqueue_used_pending(&rxq) == posted)
        stats.rx_ring_full++;
    uint32_t n = 0, len;
    uint64_t slot;
    while (n < budget && virtqueue_get_used(&rxq, &len, &slot)) {
        const uint8_t *buf = rx_bufs + slot * BUF_SIZE;
        if (len > hdr_len) {
            if (deliver(buf + hdr_len, len - hdr_len, ctx)) {
                stats.rx_packets++;
                stats.rx_bytes += len - hdr_len;
            } else {
                stats.rx_dropped++;
            }
        }
        post_rx((uint16_t)slot);
        n++;
    }
    if (n)
        virtio_mmio_notify(&dev, QUEUE_RX);
    return n;
}

const uint8_t *virtio_net_mac(void) { return mac; }
uint32_t virtio_net_intid(void) { return dev.intid; }
uint32_t virtio_net_version(void) { return dev.version; }
const struct virtio_net_stats *virtio_net_stats(void) { return &stats; }
uint32_t virtio_net_rx_posted(void) { return (uint32_t)(rxq.size - virtqueue_free(&rxq)); }
uint32_t virtio_net_tx_free(void)
{
    if (ready)
        reclaim_tx(); /* sent frames are reclaimed lazily: count what is really in flight */
    return virtqueue_free(&txq);
}
uint32_t virtio_net_queue_size(void) { return rxq.size; }
