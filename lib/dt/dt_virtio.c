/* virtio-mmio transports (`virtio,mmio`): where they are and their interrupt.
 * QEMU virt lists 32 of them, most with no device behind: the driver reads
 * each one's device ID to find what is there (drivers/virtio_mmio.c). */
#include "dt_internal.h"

void dt_read_virtio(struct dt_ctx *c)
{
    struct platform *p = c->p;
    int node = fdt_node_offset_by_compatible(c->fdt, -1, "virtio,mmio");

    for (int walked = 0; node >= 0 && walked < 4 * PLATFORM_MAX_VIRTIO; walked++) {
        struct platform_virtio v = {0};
        if (dt_is_okay(c->fdt, node) && dt_reg(c->fdt, node, 0, &v.base, &v.size) && v.size) {
            dt_gic_irq(c, node, 0, &v.irq); /* intid 0: polled only */
            if (p->virtio_count == PLATFORM_MAX_VIRTIO) {
                dt_error(p, "more virtio,mmio transports than PLATFORM_MAX_VIRTIO; the rest are ignored");
                return;
            }
            p->virtio[p->virtio_count++] = v;
        }
        node = fdt_node_offset_by_compatible(c->fdt, node, "virtio,mmio");
    }
}
