/*
 * The boot core's path from the loader to the MMU: boot_main() runs with the
 * MMU off (boot/head.S, step 2): read the DT, bring up the console, lay out
 * stacks and page tables, turn the MMU on. Then head.S calls the entry the
 * layer above gave (BOOT_ENTRY: init/main.c), which runs the rest.
 */
#include <arch/barrier.h>
#include <arch/cache.h>
#include <arch/cpu.h>
#include <arch/exception.h>
#include <arch/mmu.h>
#include <boot/boot.h>
#include <boot/boot_handoff.h>
#include <drivers/console.h>
#include <mm/page_alloc.h>
#include <string.h>

#define DTB_MAX_SIZE (2UL << 20) /* the arm64 boot protocol's limit */
#define THREAD_STACK_PAGES 4     /* 16 KiB, with an unmapped guard page below */
#define EXC_STACK_PAGES 2        /* 8 KiB, likewise */

_Static_assert(HANDOFF_MAX_CPUS == MAX_CPUS, "one handoff slot per logical core");

struct platform platform;
struct bootargs bootargs;
struct boot_handoff boot_handoff;
uint32_t boot_entry_el;
uint64_t boot_load_address;
uint32_t cpu_dt_index[MAX_CPUS];

extern char __image_start[], __image_end[], boot_stack_guard[], boot_stack_top[];

static void halt_forever(void)
{
    for (;;)
        cpu_wfe();
}

/* A stack of `pages` with an unmapped guard page below; returns its top. */
static uint64_t stack_alloc(uint32_t pages, uint64_t *base)
{
    uint64_t mem = page_alloc(pages + 1);
    if (!mem)
        return 0;
    *base = mem + PAGE_SIZE;
    return mem + (pages + 1) * PAGE_SIZE;
}

/* Logical ids: 0 is the core we booted on, the rest in DT order. */
static uint32_t assign_logical_ids(void)
{
    uint32_t n = 0;
    cpu_dt_index[n++] = platform.boot_cpu_index;
    for (uint32_t i = 0; i < platform.cpu_count && n < MAX_CPUS; i++)
        if (i != platform.boot_cpu_index)
            cpu_dt_index[n++] = i;
    return n;
}

static int map_device(uint64_t base, uint64_t size)
{
    return size ? mmu_map(base, size, MMU_DEVICE) : 0;
}

static bool build_page_tables(void)
{
    int err = 0;
    for (uint32_t i = 0; i < platform.mem_bank_count; i++)
        err |= mmu_map(platform.mem_banks[i].base, platform.mem_banks[i].size, MMU_NORMAL);
    /* The image itself, in case the memory node is wrong about it. */
    err |= mmu_map((uint64_t)__image_start, __image_end - __image_start, MMU_NORMAL);
    err |= map_device(platform.gic.dist_base, platform.gic.dist_size);
    err |= map_device(platform.gic.cpuif_base, platform.gic.cpuif_size);
    for (uint32_t i = 0; i < platform.gic.redist_count; i++)
        err |= map_device(platform.gic.redist[i].base, platform.gic.redist[i].size);
    err |= map_device(platform.console.base, platform.console.size ? platform.console.size : PAGE_SIZE);
    err |= map_device(platform.pm_watchdog.base, platform.pm_watchdog.size);
    err |= mmu_unmap_page(0); /* NULL faults, even where page 0 is RAM */
    err |= mmu_map_va(MMU_PAGE0_ALIAS, 0, PAGE_SIZE, MMU_NORMAL);
    err |= mmu_unmap_page((uint64_t)boot_stack_guard);
    for (uint32_t cpu = 0; cpu < cpus_possible; cpu++) {
        err |= mmu_unmap_page(percpu_areas[cpu].exc_stack_base - PAGE_SIZE);
        if (cpu)
            err |= mmu_unmap_page(percpu_areas[cpu].stack_base - PAGE_SIZE);
    }
    return err == 0;
}

void boot_main(uint64_t dtb, uint64_t load_address, uint64_t entry_el)
{
    boot_entry_el = (uint32_t)entry_el;
    boot_load_address = load_address;
    uint64_t mpidr = arch_this_cpu_mpidr();
    struct phys_range image = {(uint64_t)__image_start, __image_end - __image_start};
    int st = platform_from_dt(&platform, (const void *)dtb, DTB_MAX_SIZE, mpidr, image);
    bool have_console = st != PLATFORM_EBADDTB && console_init(&platform.console);
    if (!have_console)
        halt_forever(); /* nowhere to say anything: the DT names no console we drive */

    kprintf("\nArmada: entered at EL%u, loaded at %#lx, DTB at %#lx\n", boot_entry_el,
            (unsigned long)load_address, (unsigned long)dtb);
    for (uint32_t i = 0; i < platform.error_count; i++)
        kprintf("  %s\n", platform.errors[i]);
    if (entry_el == 3) {
        kprintf("armada: entered at EL3. Armada runs at EL1 and starts from EL2 or EL1;\n"
                "armada: have the firmware drop to EL2 (e.g. TF-A, or QEMU without secure=on). Halted.\n");
        halt_forever();
    }
    bootargs_parse(&bootargs, platform.bootargs);
    panic_poweroff = bootargs.test || bootargs.bench || bootargs.litmus;

    if (!platform.usable_count) {
        kprintf("armada: no RAM: the device tree's /memory is missing or zero-size. On a Pi 4 the\n"
                "armada: firmware fills it in; a loader that passes a tree on unchanged must too. Halted.\n");
        halt_forever();
    }
    if (platform.image_outside_ram) {
        kprintf("armada: the device tree's /memory does not hold this image: it describes another\n"
                "armada: machine, and none of the RAM it names can be trusted. Halted.\n");
        halt_forever();
    }
    page_alloc_init(&platform);
    cpus_possible = assign_logical_ids();
    for (uint32_t cpu = 0; cpu < cpus_possible; cpu++) {
        struct percpu *pc = &percpu_areas[cpu];
        pc->cpu_id = cpu;
        pc->mpidr = platform.cpus[cpu_dt_index[cpu]].mpidr;
        if (cpu == 0) {
            pc->stack_base = (uint64_t)boot_stack_guard + PAGE_SIZE;
            pc->stack_top = (uint64_t)boot_stack_top;
        } else {
            pc->stack_top = stack_alloc(THREAD_STACK_PAGES, &pc->stack_base);
        }
        pc->exc_stack_top = stack_alloc(EXC_STACK_PAGES, &pc->exc_stack_base);
        if (!pc->stack_top || !pc->exc_stack_top) {
            kprintf("armada: out of memory for cpu%u's stacks; using %u core(s)\n", cpu, cpu);
            cpus_possible = cpu ? cpu : 1;
            break;
        }
        boot_handoff.mpidr[cpu] = pc->mpidr;
        boot_handoff.stack_top[cpu] = pc->stack_top;
        boot_handoff.exc_stack_top[cpu] = pc->exc_stack_top;
        boot_handoff.percpu[cpu] = (uint64_t)pc;
    }
    boot_handoff.cpu_count = cpus_possible;
    if (!build_page_tables()) {
        kprintf("armada: could not build page tables (%u tables used); halted\n", mmu_tables_used());
        halt_forever();
    }
    mmu_tables_publish(&boot_handoff.mair, &boot_handoff.tcr, &boot_handoff.ttbr0);
    /* Everything we wrote so far went straight to memory (caches off); drop
     * any stale lines for it so the cached view after the switch is the same. */
    dcache_invalidate_poc(__image_start, __image_end - __image_start);
    for (uint32_t cpu = 1; cpu < cpus_possible; cpu++)
        dcache_invalidate_poc((void *)(percpu_areas[cpu].stack_base - PAGE_SIZE),
                              (THREAD_STACK_PAGES + 1) * PAGE_SIZE);
    mmu_enable(boot_handoff.mair, boot_handoff.tcr, boot_handoff.ttbr0);
}
