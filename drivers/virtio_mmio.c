/* virtio-mmio transport (virtio 1.x, 4.2.2 modern, 4.2.4 legacy). */
#include <arch/barrier.h>
#include <arch/mmu.h>
#include <drivers/virtio_mmio.h>
#include <lib/dt/platform.h>

enum {
    REG_MAGIC = 0x000, REG_VERSION = 0x004, REG_DEVICE_ID = 0x008,
    REG_DEVICE_FEATURES = 0x010, REG_DEVICE_FEATURES_SEL = 0x014,
    REG_DRIVER_FEATURES = 0x020, REG_DRIVER_FEATURES_SEL = 0x024,
    REG_GUEST_PAGE_SIZE = 0x028, /* legacy */
    REG_QUEUE_SEL = 0x030, REG_QUEUE_NUM_MAX = 0x034, REG_QUEUE_NUM = 0x038,
    REG_QUEUE_ALIGN = 0x03c, REG_QUEUE_PFN = 0x040, /* legacy */
    REG_QUEUE_READY = 0x044, REG_QUEUE_NOTIFY = 0x050,
    REG_INTERRUPT_STATUS = 0x060, REG_INTERRUPT_ACK = 0x064, REG_STATUS = 0x070,
    REG_QUEUE_DESC_LOW = 0x080, REG_QUEUE_DESC_HIGH = 0x084,
    REG_QUEUE_DRIVER_LOW = 0x090, REG_QUEUE_DRIVER_HIGH = 0x094,
    REG_QUEUE_DEVICE_LOW = 0x0a0, REG_QUEUE_DEVICE_HIGH = 0x0a4,
    REG_CONFIG = 0x100,
};
enum { STATUS_ACK = 1, STATUS_DRIVER = 2, STATUS_DRIVER_OK = 4, STATUS_FEATURES_OK = 8 };
#define VIRTIO_MAGIC 0x74726976 /* "virt" */
#define QUEUE_ALIGN 4096

static uint32_t rd(const struct virtio_mmio *d, uint32_t reg) { return *(volatile uint32_t *)(d->base + reg); }
static void wr(const struct virtio_mmio *d, uint32_t reg, uint32_t v) { *(volatile uint32_t *)(d->base + reg) = v; }

bool virtio_mmio_find(const struct platform *p, uint32_t device_id, struct virtio_mmio *dev)
{
    uint64_t mapped_page = 1; /* not a page address */
    for (uint32_t i = 0; i < p->virtio_count; i++) {
        const struct platform_virtio *v = &p->virtio[i];
        uint64_t page = v->base & ~(uint64_t)0xfff;
        if (page != mapped_page && mmu_map(page, (v->base + v->size) - page, MMU_DEVICE) != 0)
            continue;
        mapped_page = page;
        struct virtio_mmio d = {.base = (uintptr_t)v->base, .intid = v->irq.intid};
        if (rd(&d, REG_MAGIC) != VIRTIO_MAGIC || rd(&d, REG_DEVICE_ID) != device_id)
            continue; /* ID 0: an empty transport */
        d.version = rd(&d, REG_VERSION);
        if (d.version != 1 && d.version != 2)
            continue;
        *dev = d;
        return true;
    }
    return false;
}

bool virtio_mmio_negotiate(struct virtio_mmio *dev, uint64_t wanted)
{
    wr(dev, REG_STATUS, 0); /* reset */
    wr(dev, REG_STATUS, STATUS_ACK);
    wr(dev, REG_STATUS, STATUS_ACK | STATUS_DRIVER);
    if (dev->version == 2)
        wanted |= VIRTIO_F_VERSION_1;
    uint64_t offered = 0;
    for (uint32_t sel = 0; sel < 2; sel++) {
        wr(dev, REG_DEVICE_FEATURES_SEL, sel);
        offered |= (uint64_t)rd(dev, REG_DEVICE_FEATURES) << (32 * sel);
    }
    dev->features = offered & wanted;
    if (dev->version == 2 && !(dev->features & VIRTIO_F_VERSION_1))
        return false;
    for (uint32_t sel = 0; sel < 2; sel++) {
        wr(dev, REG_DRIVER_FEATURES_SEL, sel);
        wr(dev, REG_DRIVER_FEATURES, (uint32_t)(dev->features >> (32 * sel)));
    }
    if (dev->version == 1) {
        wr(dev, REG_GUEST_PAGE_SIZE, QUEUE_ALIGN);
        return true; /* legacy has no FEATURES_OK handshake */
    }
    wr(dev, REG_STATUS, STATUS_ACK | STATUS_DRIVER | STATUS_FEATURES_OK);
    return (rd(dev, REG_STATUS) & STATUS_FEATURES_OK) != 0;
}

uint16_t virtio_mmio_queue_setup(struct virtio_mmio *dev, uint32_t index, struct virtqueue *vq, uint16_t size,
                                 void *mem)
{
    wr(dev, REG_QUEUE_SEL, index);
    uint32_t max = rd(dev, REG_QUEUE_NUM_MAX);
    if (max == 0)
        return 0;
    while (size > max)
        size /= 2;
    virtqueue_init(vq, size, mem, QUEUE_ALIGN);
    wr(dev, REG_QUEUE_NUM, size);
    uint64_t desc = (uintptr_t)vq->desc, avail = (uintptr_t)vq->avail, used = (uintptr_t)vq->used;
    /* The rings' zeroed memory and free list are written before the device
     * learns where they are: dsb, as the device is told by an MMIO write. */
    wmb();
    if (dev->version == 1) {
        wr(dev, REG_QUEUE_ALIGN, QUEUE_ALIGN);
        wr(dev, REG_QUEUE_PFN, (uint32_t)(desc / QUEUE_ALIGN));
        return size;
    }
    wr(dev, REG_QUEUE_DESC_LOW, (uint32_t)desc);
    wr(dev, REG_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
    wr(dev, REG_QUEUE_DRIVER_LOW, (uint32_t)avail);
    wr(dev, REG_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
    wr(dev, REG_QUEUE_DEVICE_LOW, (uint32_t)used);
    wr(dev, REG_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
    wr(dev, REG_QUEUE_READY, 1);
    return size;
}

void virtio_mmio_driver_ok(struct virtio_mmio *dev)
{
    uint32_t s = STATUS_ACK | STATUS_DRIVER | (dev->version == 2 ? STATUS_FEATURES_OK : 0);
    wr(dev, REG_STATUS, s | STATUS_DRIVER_OK);
}

void virtio_mmio_notify(struct virtio_mmio *dev, uint32_t index)
{
    /* The ring's new avail index (a normal-memory store) completes before
     * the doorbell (a device store) reaches the device. */
    wmb();
    wr(dev, REG_QUEUE_NOTIFY, index);
}

uint32_t virtio_mmio_ack_interrupt(struct virtio_mmio *dev)
{
    uint32_t causes = rd(dev, REG_INTERRUPT_STATUS);
    wr(dev, REG_INTERRUPT_ACK, causes);
    /* The acknowledgement reaches the device before we read the used ring,
     * so a buffer it completes after our look raises the line again. */
    mb();
    return causes;
}

uint8_t virtio_mmio_config8(struct virtio_mmio *dev, uint32_t offset)
{
    return *(volatile uint8_t *)(dev->base + REG_CONFIG + offset);
}
