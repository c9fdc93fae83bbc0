/* dt-mutate: damage a device tree on purpose, for booting the image on it.
 *   dt-mutate IN OUT KIND [SEED]   write the damaged tree to OUT
 *   dt-mutate --list               the named kinds, one per line
 * Then it reads OUT with Armada's own DT reader (lib/dt, built for the host)
 * and prints what the image should say about it:
 *   console: yes|none
 *   error: <sentence>                  (one per problem the reader reports)
 * KIND random-N picks a kind and its parameters from seed N (make fuzz-boot). */
#include <errno.h>
#include <libfdt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"

#define SLACK 4096 /* room for the properties a mutation adds */
#define IMAGE_BASE 0x40200000u /* where tests/qemu/stub.S places the image */
#define IMAGE_SIZE 0x200000u

static uint64_t rng_state;
static uint32_t rng(void) /* xorshift64*: the same seed gives the same tree */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

static void die(const char *what, int err)
{
    fprintf(stderr, "dt-mutate: %s: %s\n", what, err < 0 ? fdt_strerror(err) : strerror(errno));
    exit(2);
}

static void ok(int err, const char *what)
{
    if (err < 0)
        die(what, err);
}

static int node(void *fdt, const char *path)
{
    int n = fdt_path_offset(fdt, path);
    if (n < 0)
        die(path, n);
    return n;
}

/* The first node with this compatible string. */
static int compatible(void *fdt, const char *compat)
{
    int n = fdt_node_offset_by_compatible(fdt, -1, compat);
    if (n < 0)
        die(compat, n);
    return n;
}

static int memory_node(void *fdt)
{
    int n = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory", 7);
    if (n < 0)
        die("memory node", n);
    return n;
}

static void set_reg64(void *fdt, int n, const uint64_t *cells, int count)
{
    fdt64_t v[8];
    for (int i = 0; i < count; i++)
        v[i] = cpu_to_fdt64(cells[i]);
    ok(fdt_setprop(fdt, n, "reg", v, (int)(count * sizeof(v[0]))), "setprop reg");
}

static void flip_bytes(void *fdt, int count)
{
    uint32_t off = fdt_off_dt_struct(fdt), size = fdt_size_dt_struct(fdt);
    for (int i = 0; i < count; i++)
        ((uint8_t *)fdt)[off + rng() % size] ^= (uint8_t)(1u << (rng() % 8));
}

/* Each named kind: what it damages. Kept short and readable: the test log
 * names the kind, so a reader can see at once what the image was given. */
static const char *const kinds[] = {
    "truncate-25", "truncate-50", "truncate-75", "truncate-99",
    "flip-struct", "root-address-cells-0", "root-address-cells-3", "root-size-cells-0",
    "root-size-cells-3", "interrupt-parent-cycle", "interrupt-parent-dangling", "memory-overlap",
    "memory-outside-image", "memory-missing", "chosen-missing", "stdout-path-dangling",
    "bootargs-unterminated", "cpus-missing", "cpu-reg-missing", "gic-reg-missing",
    "gic-missing", "psci-method-bogus", "uart-reg-missing", "timer-interrupts-missing",
    "memory-reg-odd-length", "memreserve-everything",
};
#define KIND_COUNT (sizeof kinds / sizeof kinds[0])

/* Returns the number of bytes of the result to write (truncations cut it). */
static size_t mutate(void *fdt, const char *kind, uint32_t seed)
{
    size_t total = fdt_totalsize(fdt);
    if (!strncmp(kind, "truncate-", 9)) {
        size_t pct = strtoul(kind + 9, NULL, 10);
        return total * pct / 100;
    }
    if (!strcmp(kind, "flip-struct")) {
        flip_bytes(fdt, 1 + (int)(seed % 4));
        return total;
    }
    if (!strncmp(kind, "root-address-cells-", 19) || !strncmp(kind, "root-size-cells-", 16)) {
        const char *prop = kind[5] == 'a' ? "#address-cells" : "#size-cells";
        ok(fdt_setprop_u32(fdt, 0, prop, (uint32_t)strtoul(strrchr(kind, '-') + 1, NULL, 10)), prop);
        return total;
    }
    if (!strcmp(kind, "interrupt-parent-cycle")) {
        /* Two new nodes that name each other as interrupt parent, and the root
         * (so every device without its own) pointing into the loop. */
        int a = fdt_add_subnode(fdt, 0, "loop-a"), b = fdt_add_subnode(fdt, 0, "loop-b");
        ok(a, "add loop-a");
        ok(b, "add loop-b");
        a = node(fdt, "/loop-a");
        ok(fdt_setprop_u32(fdt, a, "phandle", 0x7a00), "phandle a");
        ok(fdt_setprop_u32(fdt, node(fdt, "/loop-b"), "phandle", 0x7b00), "phandle b");
        ok(fdt_setprop_u32(fdt, node(fdt, "/loop-a"), "interrupt-parent", 0x7b00), "ip a");
        ok(fdt_setprop_u32(fdt, node(fdt, "/loop-b"), "interrupt-parent", 0x7a00), "ip b");
        ok(fdt_setprop_u32(fdt, 0, "interrupt-parent", 0x7a00), "ip root");
        return fdt_totalsize(fdt);
    }
    if (!strcmp(kind, "interrupt-parent-dangling")) {
        ok(fdt_setprop_u32(fdt, 0, "interrupt-parent", 0xdead), "ip root");
        return total;
    }
    if (!strcmp(kind, "memory-overlap")) {
        const uint64_t r[] = {0x40000000, 0x10000000, 0x48000000, 0x18000000};
        set_reg64(fdt, memory_node(fdt), r, 4);
        return total;
    }
    if (!strcmp(kind, "memory-outside-image")) {
        /* RAM where the image is not: at 4 GiB (QEMU has none there). */
        const uint64_t r[] = {0x100000000ull, 0x20000000};
        set_reg64(fdt, memory_node(fdt), r, 2);
        return total;
    }
    if (!strcmp(kind, "memory-reg-odd-length")) {
        ok(fdt_setprop(fdt, memory_node(fdt), "reg", "\x00\x00\x00\x00\x40\x00\x00", 7), "odd reg");
        return total;
    }
    if (!strcmp(kind, "memreserve-everything")) {
        ok(fdt_add_mem_rsv(fdt, 0x40000000, 0x20000000), "memreserve");
        return fdt_totalsize(fdt);
    }
    if (!strcmp(kind, "memory-missing")) {
        ok(fdt_del_node(fdt, memory_node(fdt)), "del memory");
        return total;
    }
    if (!strcmp(kind, "chosen-missing")) {
        ok(fdt_del_node(fdt, node(fdt, "/chosen")), "del chosen");
        return total;
    }
    if (!strcmp(kind, "stdout-path-dangling")) {
        ok(fdt_setprop_string(fdt, node(fdt, "/chosen"), "stdout-path", "/no-such-uart@0"), "stdout-path");
        return total;
    }
    if (!strcmp(kind, "bootargs-unterminated")) {
        char junk[600];
        for (size_t i = 0; i < sizeof junk; i++)
            junk[i] = (char)('a' + rng() % 26);
        memcpy(junk, "test=smp.boot_core_alive ", 25);
        ok(fdt_setprop(fdt, node(fdt, "/chosen"), "bootargs", junk, sizeof junk), "bootargs");
        return total;
    }
    if (!strcmp(kind, "cpus-missing")) {
        ok(fdt_del_node(fdt, node(fdt, "/cpus")), "del cpus");
        return total;
    }
    if (!strcmp(kind, "cpu-reg-missing")) {
        ok(fdt_delprop(fdt, node(fdt, "/cpus/cpu@0"), "reg"), "del cpu reg");
        return total;
    }
    if (!strcmp(kind, "gic-reg-missing")) {
        ok(fdt_delprop(fdt, compatible(fdt, "arm,gic-v3"), "reg"), "del gic reg");
        return total;
    }
    if (!strcmp(kind, "gic-missing")) {
        ok(fdt_del_node(fdt, compatible(fdt, "arm,gic-v3")), "del gic");
        return total;
    }
    if (!strcmp(kind, "psci-method-bogus")) {
        ok(fdt_setprop_string(fdt, compatible(fdt, "arm,psci-1.0"), "method", "teleport"), "method");
        return total;
    }
    if (!strcmp(kind, "uart-reg-missing")) {
        ok(fdt_delprop(fdt, compatible(fdt, "arm,pl011"), "reg"), "del uart reg");
        return total;
    }
    if (!strcmp(kind, "timer-interrupts-missing")) {
        ok(fdt_delprop(fdt, compatible(fdt, "arm,armv8-timer"), "interrupts"), "del timer interrupts");
        return total;
    }
    fprintf(stderr, "dt-mutate: unknown kind %s (--list)\n", kind);
    exit(2);
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "--list")) {
        for (size_t i = 0; i < KIND_COUNT; i++)
            puts(kinds[i]);
        return 0;
    }
    if (argc < 4) {
        fprintf(stderr, "usage: dt-mutate IN OUT KIND [SEED] | dt-mutate --list\n");
        return 2;
    }
    uint32_t seed = argc > 4 ? (uint32_t)strtoul(argv[4], NULL, 0) : 1;
    rng_state = 0x9e3779b97f4a7c15ull ^ seed;
    const char *kind = argv[3];
    char random_kind[32];
    if (!strncmp(kind, "random-", 7)) { /* make fuzz-boot: the kind from the seed too */
        rng_state ^= strtoull(kind + 7, NULL, 10) * 0xff51afd7ed558ccdull;
        snprintf(random_kind, sizeof random_kind, "%s", rng() % 3 ? "flip-struct" : kinds[rng() % KIND_COUNT]);
        seed = rng();
        kind = random_kind;
    }

    FILE *in = fopen(argv[1], "rb");
    if (!in)
        die(argv[1], 0);
    static uint8_t src[1 << 20];
    size_t n = fread(src, 1, sizeof src, in);
    fclose(in);
    int err = fdt_check_header(src);
    if (err < 0 || fdt_totalsize(src) > n)
        die("input is not a whole device tree", err < 0 ? err : -FDT_ERR_TRUNCATED);
    size_t cap = fdt_totalsize(src) + SLACK;
    uint8_t *fdt = calloc(1, cap + 8);
    ok(fdt_open_into(src, fdt, (int)cap), "open_into");
    size_t out_len = mutate(fdt, kind, seed);
    if (strncmp(kind, "truncate-", 9) && strcmp(kind, "flip-struct")) {
        ok(fdt_pack(fdt), "pack");
        out_len = fdt_totalsize(fdt);
    }
    FILE *out = fopen(argv[2], "wb");
    if (!out || fwrite(fdt, 1, out_len, out) != out_len || fclose(out))
        die(argv[2], 0);

    /* What Armada's reader makes of it: the image must say the same. The image
     * sees the blob as the loader left it in RAM: a cut-off tree is followed by
     * zeros (fresh RAM) up to its totalsize, not by the end of a buffer. */
    static struct platform p;
    size_t seen = out_len > fdt_totalsize(fdt) ? out_len : fdt_totalsize(fdt);
    uint8_t *copy = aligned_alloc(8, (seen + 15) & ~(size_t)7);
    memset(copy, 0, (seen + 15) & ~(size_t)7);
    memcpy(copy, fdt, out_len);
    int st = platform_from_dt(&p, copy, seen, 0, (struct phys_range){IMAGE_BASE, IMAGE_SIZE});
    printf("kind: %s\n", kind);
    printf("console: %s\n", st != PLATFORM_EBADDTB && p.console.kind != CONSOLE_NONE ? "yes" : "none");
    for (uint32_t i = 0; i < p.error_count; i++)
        printf("error: %s\n", p.errors[i]);
    free(copy);
    free(fdt);
    return 0;
}
