/*
 * The `diag` screen: the answers to the usual first-boot failures on a
 * Raspberry Pi 4 (README, Boot arguments), gathered from each layer once
 * every core has had its chance to come up: the EL we were given, where the
 * loader put us and what our Image header asked for, each core's SCTLR and
 * its LDAXR/STXR self-test, the spin-table slots, the GIC's mode and routing,
 * CNTFRQ against the DT, the UART's clock. Every line starts "diag: ".
 */
#include <arch/cpu.h>
#include <arch/exclusives_check.h>
#include <arch/sysreg.h>
#include <arch/sysreg_bits.h>
#include <arch/timer.h>
#include <boot/boot.h>
#include <drivers/console.h>
#include <gic/irq.h>
#include <init/diag.h>
#include <lib/dt/platform.h>
#include <psci/psci.h>

#define IMAGE_MAGIC 0x644d5241U           /* "ARM\x64", arm64 boot protocol */
#define IMAGE_ALIGN (2UL << 20)           /* text_offset is from a 2 MiB-aligned base */
#define IMAGE_FLAG_BE (1UL << 0)
#define IMAGE_FLAG_PAGE_SHIFT 1
#define IMAGE_FLAG_PAGE_MASK 3UL          /* 1: 4 KiB */
#define IMAGE_FLAG_ANYWHERE (1UL << 3)    /* any 2 MiB-aligned base in RAM */

struct image_header {                     /* Documentation/arch/arm64/booting.rst */
    uint32_t code0, code1;
    uint64_t text_offset, image_size, flags, res2, res3, res4;
    uint32_t magic, res5;
};

extern const struct image_header __image_start[]; /* boot/armada.lds: the header is the image's first bytes */

static void diag_image(void)
{
    const struct image_header *h = __image_start;
    uint64_t at = boot_load_address;
    kprintf("diag: el: entered at EL%u, running at EL%u\n", boot_entry_el, current_el());
    kprintf("diag: image: loaded at %#lx (%s), header magic %s, text_offset %#lx, image_size %#lx, "
            "flags %#lx (%s, %s pages, %s)\n",
            (unsigned long)at, at % IMAGE_ALIGN ? "not 2 MiB aligned: the loader did not follow the header" : "2 MiB aligned",
            h->magic == IMAGE_MAGIC ? "ARM\\x64 ok" : "BAD", (unsigned long)h->text_offset,
            (unsigned long)h->image_size, (unsigned long)h->flags, h->flags & IMAGE_FLAG_BE ? "big-endian" : "little-endian",
            (h->flags >> IMAGE_FLAG_PAGE_SHIFT & IMAGE_FLAG_PAGE_MASK) == 1 ? "4K" : "other",
            h->flags & IMAGE_FLAG_ANYWHERE ? "place anywhere" : "base + text_offset only");
    kprintf("diag: dtb: at %#lx, %lu bytes\n", (unsigned long)platform.dtb_base, (unsigned long)platform.dtb_size);
}

static void diag_cpu(uint32_t cpu)
{
    const struct platform_cpu *c = &platform.cpus[cpu_dt_index[cpu]];
    const struct exclusives_report *r = &exclusives_reports[cpu];
    if (!r->tested) {
        kprintf("diag: cpu%u: MPIDR %#lx: never ran its self-test (did not start)\n", cpu, (unsigned long)c->mpidr);
    } else {
        kprintf("diag: cpu%u: MPIDR %#lx, SCTLR_EL1 %#lx M=%u C=%u I=%u, LDAXR/STXR %s (%u failed tries)%s%s\n",
                cpu, (unsigned long)c->mpidr, (unsigned long)r->sctlr, !!(r->sctlr & SCTLR_M),
                !!(r->sctlr & SCTLR_C), !!(r->sctlr & SCTLR_I), r->ok ? "ok" : "FAILED", r->failed_tries,
                r->ok ? "" : ": ", r->ok ? "" : exclusives_failure(r));
    }
    if (cpu == 0) {
        kprintf("diag: cpu0: boot core, %s\n", cpu_is_online(0) ? "online" : "offline");
        return;
    }
    if (c->method == CPU_ENABLE_SPIN_TABLE && c->release_addr) {
        uint64_t now = spin_table_slot_read(c->release_addr);
        kprintf("diag: cpu%u: spin-table, release address %#lx, slot held %#lx before release, now %#lx (%s), %s\n",
                cpu, (unsigned long)c->release_addr, (unsigned long)spin_table_slot_found(cpu), (unsigned long)now,
                now == (uint64_t)secondary_entry ? "our entry" : "NOT our entry", cpu_is_online(cpu) ? "online" : "OFFLINE");
    } else {
        kprintf("diag: cpu%u: enable-method %s, %s\n", cpu, c->method_name[0] ? c->method_name : "(none)",
                cpu_is_online(cpu) ? "online" : "OFFLINE");
    }
}

static void diag_timer(void)
{
    uint64_t cntfrq = read_sysreg(cntfrq_el0);
    uint32_t dt = platform.timer.dt_frequency;
    if (!dt)
        kprintf("diag: timer: CNTFRQ_EL0 %lu Hz, no DT clock-frequency, ticking at %lu Hz\n",
                (unsigned long)cntfrq, (unsigned long)timer_frequency());
    else
        kprintf("diag: timer: CNTFRQ_EL0 %lu Hz, DT clock-frequency %u Hz (%s), ticking at %lu Hz\n",
                (unsigned long)cntfrq, dt,
                dt == cntfrq ? "agrees" : cntfrq ? "DIFFERS: CNTFRQ is used" : "CNTFRQ unset: the DT's is used",
                (unsigned long)timer_frequency());
}

void diag_print_screen(void)
{
    kprintf("diag: --- bring-up report (boot word diag) ---\n");
    diag_image();
    for (uint32_t cpu = 0; cpu < cpus_possible; cpu++)
        diag_cpu(cpu);
    irq_diag();
    diag_timer();
    console_diag(&platform.console);
    kprintf("diag: --- end ---\n");
}
