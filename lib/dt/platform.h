/* The machine, as the device tree describes it: read once at boot by
 * platform_from_dt(), then every layer asks `struct platform`, never the blob.
 * Pure C over libfdt: builds for the image and for the host (tests, fuzzing). */
#ifndef ARMADA_PLATFORM_H
#define ARMADA_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PLATFORM_MAX_CPUS 64     /* logical ids 0..63; more are reported and ignored */
#define PLATFORM_MAX_MEM 16      /* usable RAM ranges after carving out reservations */
#define PLATFORM_MAX_RESERVED 16 /* reserved ranges we subtract (image, DTB, DT ones) */
#define PLATFORM_MAX_GICR 8      /* GICv3 redistributor regions */
#define PLATFORM_MAX_ERRORS 8    /* problems remembered for the boot log */
#define PLATFORM_MAX_BOOTARGS 512
#define PLATFORM_MAX_VIRTIO 32    /* virtio-mmio transports (QEMU virt has 32) */

struct phys_range {
    uint64_t base;
    uint64_t size;
};

enum cpu_enable_method { CPU_ENABLE_NONE, CPU_ENABLE_PSCI, CPU_ENABLE_SPIN_TABLE, CPU_ENABLE_UNKNOWN };
enum psci_conduit { PSCI_CONDUIT_NONE, PSCI_CONDUIT_HVC, PSCI_CONDUIT_SMC };
enum gic_version { GIC_NONE = 0, GIC_V2 = 2, GIC_V3 = 3 };
enum console_kind { CONSOLE_NONE, CONSOLE_PL011, CONSOLE_BCM2835_AUX };

struct platform_cpu {
    uint64_t mpidr;              /* the node's `reg`: MPIDR affinity bits (Aff3..Aff0) */
    enum cpu_enable_method method;
    char method_name[24];        /* the DT string, kept for messages ("spin-table", "foo") */
    uint64_t release_addr;       /* spin-table `cpu-release-addr`, 0 if none */
    uint32_t cluster;            /* from `cpu-map` when present, else MPIDR Aff1 (Aff2,Aff3 folded) */
};

struct platform_gic {
    enum gic_version version;
    uint64_t dist_base, dist_size;          /* GICD, CPU address after `ranges` */
    uint64_t cpuif_base, cpuif_size;        /* GICv2 GICC */
    uint32_t redist_count;                  /* GICv3: number of GICR regions */
    struct phys_range redist[PLATFORM_MAX_GICR];
    uint64_t redist_stride;                 /* `redistributor-stride`, 0 = walk by GICR_TYPER */
};

struct platform_irq {                       /* one GIC interrupt as the DT encodes it */
    uint32_t intid;                         /* GIC INTID: SPI n -> 32+n, PPI n -> 16+n */
    uint32_t flags;                         /* trigger flags cell, as in the DT */
};

struct platform_timer {
    bool present;
    struct platform_irq sec_phys, phys, virt, hyp; /* arm,armv8-timer interrupts order */
    uint32_t dt_frequency;                  /* `clock-frequency` if given (broken firmware), else 0 */
};

struct platform_console {
    enum console_kind kind;
    uint64_t base, size;                    /* CPU address after `ranges` */
    struct platform_irq irq;                /* receive interrupt; intid 0 = none */
    uint32_t clock_hz;                      /* UART reference clock if known, else 0 */
    char path[64];                          /* node path, for the boot log */
};

struct platform_virtio {                    /* one virtio,mmio transport */
    uint64_t base, size;                    /* CPU address after `ranges` */
    struct platform_irq irq;                /* intid 0 = none */
};

struct platform_pm_watchdog {               /* BCM2835/BCM2711 power management: reset, power-off */
    bool present;
    uint64_t base, size;                    /* its "pm" registers, CPU address after `ranges` */
    char path[64];                          /* node path, for the boot log */
};

struct platform {
    char model[64];
    uint64_t dtb_base, dtb_size;

    uint32_t mem_bank_count;                /* RAM banks exactly as /memory lists them */
    struct phys_range mem_banks[PLATFORM_MAX_MEM];
    uint32_t reserved_count;                /* /reserved-memory, /memreserve/, plus added ones */
    struct phys_range reserved[PLATFORM_MAX_RESERVED];
    uint32_t usable_count;                  /* mem_banks minus reserved, sorted, page aligned */
    bool image_outside_ram;                 /* /memory banks exist but none holds the image */
    struct phys_range usable[PLATFORM_MAX_MEM];

    uint32_t cpu_count;                     /* cpus with device_type "cpu", status okay */
    struct platform_cpu cpus[PLATFORM_MAX_CPUS];
    uint32_t boot_cpu_index;                /* index in cpus[] whose mpidr == boot_mpidr argument */

    bool psci_present;
    enum psci_conduit psci_conduit;
    char psci_compatible[32];               /* e.g. "arm,psci-1.0" */

    struct platform_gic gic;
    struct platform_timer timer;
    struct platform_console console;
    uint32_t virtio_count;                  /* in DT order, usable ones only */
    struct platform_virtio virtio[PLATFORM_MAX_VIRTIO];
    struct platform_pm_watchdog pm_watchdog;
    char bootargs[PLATFORM_MAX_BOOTARGS];   /* /chosen/bootargs, "" if none */

    uint32_t error_count;                   /* problems found; each a complete sentence */
    char errors[PLATFORM_MAX_ERRORS][96];
    uint32_t errors_dropped;                /* problems past PLATFORM_MAX_ERRORS (last slot says so) */
};

/* Status codes: 0 or a negative PLATFORM_E*. */
#define PLATFORM_OK 0
#define PLATFORM_EBADDTB (-1)   /* not a device tree at all: header check failed */
#define PLATFORM_EPARTIAL (-2)  /* usable, but something is wrong: see errors[] */

/* Fill *p from the blob at `fdt`. `blob_limit` is the most bytes that may be read
 * (the loader's knowledge, or SIZE_MAX-ish if unknown); the header's totalsize is
 * checked against it. `boot_mpidr` picks boot_cpu_index. `image` is carved out of
 * RAM (with the DTB itself). Never reads outside [fdt, fdt+min(totalsize, limit)).
 * Returns PLATFORM_OK, PLATFORM_EPARTIAL (best-effort: whatever could be read is
 * filled, errors[] says what was wrong), or PLATFORM_EBADDTB. */
int platform_from_dt(struct platform *p, const void *fdt, size_t blob_limit, uint64_t boot_mpidr,
                     struct phys_range image);

/* Translate a bus address of node `node` through every parent's `ranges` up to
 * the root. Returns false (and leaves *out) if some parent's ranges don't cover it. */
bool dt_translate_address(const void *fdt, int node, uint64_t bus_addr, uint64_t *out);

/* Subtract `cut` from a sorted list of ranges in place; returns the new count or -1 if
 * it would exceed `max`. Pure logic, host-tested. */
int phys_ranges_subtract(struct phys_range *ranges, int count, int max, struct phys_range cut);

const char *cpu_enable_method_name(enum cpu_enable_method m);

#endif
