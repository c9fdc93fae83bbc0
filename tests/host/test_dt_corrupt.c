/* Damaged input: cut blobs, lying headers, flipped bytes. Every call must
 * return a sane status, keep its arrays and strings in bounds, and never read
 * past the bytes it was given (the blob ends at a PROT_NONE page). */
#define _GNU_SOURCE
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static struct platform p;
static const struct phys_range image = {0x40200000, 0x100000};

/* A tree repacked without QEMU's padding, so cuts land in its blocks. */
static void *load_packed(const char *name, size_t *len)
{
    size_t raw_len;
    void *raw = test_load_dtb(name, &raw_len);
    if (!raw)
        return NULL;
    if (fdt_pack(raw) < 0) {
        free(raw);
        test_fail(__LINE__, "fdt_pack(%s) failed", name);
        return NULL;
    }
    *len = fdt_totalsize(raw);
    return raw;
}

static bool parse_copy(const void *data, size_t len, size_t limit, int *rc)
{
    void *blob = blob_guarded(data, len);
    *rc = platform_from_dt(&p, blob, limit, 0, image);
    blob_free(blob);
    return platform_sane(&p, *rc);
}

/* Cut at every length: below a header it is refused as such; above, the cut
 * is reported and, as a packed blob ends with its strings block, nothing is
 * readable; only the whole blob is clean. */
static bool truncated_at_every_length(const char *name)
{
    size_t len;
    uint8_t *data = load_packed(name, &len);
    CHECK(data);
    bool ok = true;
    for (size_t cut = 0; cut <= len && ok; cut++) {
        int rc;
        const char *first = cut < 40 ? "device tree: blob is missing or shorter than a header"
                                     : "device tree: blob is truncated";
        if (!parse_copy(data, cut, cut, &rc))
            ok = test_fail(__LINE__, "cut %zu: %.200s", cut, strdupa(test_why));
        else if (cut < len && rc != PLATFORM_EBADDTB)
            ok = test_fail(__LINE__, "cut %zu of %zu: rc %d", cut, len, rc);
        else if (cut < len && strncmp(p.errors[0], first, strlen(first)) != 0)
            ok = test_fail(__LINE__, "cut %zu: first error \"%s\"", cut, p.errors[0]);
        else if (cut == len && rc != PLATFORM_OK)
            ok = test_fail(__LINE__, "the whole blob: %s", p.errors[0]);
    }
    free(data);
    return ok;
}

static bool virt_truncated_at_every_length(void)
{
    return truncated_at_every_length("virt-gicv3");
}
static bool pi4_truncated_at_every_length(void)
{
    return truncated_at_every_length("pi4-like");
}

/* QEMU's padded blob cut inside the padding: the blocks are all there, so the
 * tree still reads, with the truncation reported. */
static bool virt_cut_in_padding_still_reads(void)
{
    size_t len;
    uint8_t *data = test_load_dtb("virt-gicv3", &len);
    CHECK(data);
    int rc;
    bool sane = parse_copy(data, 0x4000, 0x4000, &rc);
    free(data);
    CHECK(sane);
    CHECK_EQ(rc, PLATFORM_EPARTIAL);
    CHECK(has_error(&p, "device tree: blob is truncated: totalsize 1048576 but only 16384 bytes are there"));
    CHECK_EQ(p.error_count, 1);
    CHECK_EQ(p.cpu_count, 4);
    CHECK_EQ(p.console.base, 0x9000000);
    CHECK_EQ(p.dtb_size, 0x4000);
    return true;
}

static bool totalsize_lies(void)
{
    size_t len;
    uint8_t *data = load_packed("pi4-like", &len);
    CHECK(data);
    struct fdt_header *h = (struct fdt_header *)data;
    int rc;
    bool ok = true;

    h->totalsize = cpu_to_fdt32((uint32_t)len + 4096); /* bigger than the buffer */
    if (!parse_copy(data, len, len, &rc) || rc != PLATFORM_EPARTIAL || p.cpu_count != 4)
        ok = test_fail(__LINE__, "totalsize too big: rc %d, %u cpus", rc, p.cpu_count);
    h->totalsize = cpu_to_fdt32(0xffffffffu);
    if (ok && (!parse_copy(data, len, len, &rc) || rc != PLATFORM_EBADDTB))
        ok = test_fail(__LINE__, "totalsize 4 GiB: rc %d", rc);
    h->totalsize = cpu_to_fdt32(64); /* smaller than its own blocks */
    if (ok && (!parse_copy(data, len, len, &rc) || rc != PLATFORM_EBADDTB))
        ok = test_fail(__LINE__, "totalsize 64: rc %d", rc);
    h->totalsize = cpu_to_fdt32((uint32_t)len);
    h->size_dt_struct = cpu_to_fdt32(fdt_size_dt_struct(data) - 64); /* struct ends early */
    if (ok && (!parse_copy(data, len, len, &rc) || rc == PLATFORM_OK))
        ok = test_fail(__LINE__, "struct size lie: rc %d", rc);
    free(data);
    return ok;
}

static bool header_garbage_is_not_a_dt(void)
{
    uint8_t junk[64];
    int rc;
    memset(junk, 0xd0, sizeof(junk));
    CHECK(parse_copy(junk, sizeof(junk), sizeof(junk), &rc));
    CHECK_EQ(rc, PLATFORM_EBADDTB);
    CHECK_STR(p.errors[0], "device tree: header check failed (FDT_ERR_BADMAGIC); not a device tree");
    CHECK_EQ(platform_from_dt(&p, NULL, 4096, 0, image), PLATFORM_EBADDTB);
    static uint64_t aligned[16];
    CHECK_EQ(platform_from_dt(&p, (uint8_t *)aligned + 4, sizeof(aligned) - 4, 0, image), PLATFORM_EBADDTB);
    CHECK_STR(p.errors[0], "device tree: blob is not 8-byte aligned; libfdt refuses it");
    return true;
}

/* Version 12 blobs (full-path node names) crash libfdt 1.6.1's fdt_check_full:
 * found by the fuzzer, refused before libfdt looks further. */
static bool old_version_is_refused(void)
{
    size_t len;
    uint8_t *data = load_packed("pi4-like", &len);
    CHECK(data);
    ((struct fdt_header *)data)->version = cpu_to_fdt32(12);
    ((struct fdt_header *)data)->last_comp_version = cpu_to_fdt32(2);
    int rc;
    bool sane = parse_copy(data, len, len, &rc);
    free(data);
    CHECK(sane);
    CHECK_EQ(rc, PLATFORM_EBADDTB);
    CHECK_STR(p.errors[0], "device tree: version 12 is older than 16; not supported");
    return true;
}

/* An alias whose value is not a path (here another alias) is not followed:
 * libfdt would strlen() it unchecked. */
static bool alias_to_alias_names_no_node(void)
{
    size_t len;
    uint8_t *data = test_load_dtb("unknown-method", &len);
    CHECK(data);
    static uint64_t big[1024];
    bool ok = fdt_open_into(data, big, sizeof(big)) == 0;
    int aliases = fdt_path_offset(big, "/aliases");
    ok = ok && aliases >= 0 && fdt_setprop_string(big, aliases, "serial0", "serial1") == 0 &&
         fdt_setprop_string(big, aliases, "serial1", "/uart@1000") == 0 && fdt_pack(big) == 0;
    free(data);
    CHECK(ok);
    int rc;
    CHECK(parse_copy(big, fdt_totalsize(big), fdt_totalsize(big), &rc));
    CHECK(has_error(&p, "device tree: /chosen/stdout-path \"serial0\" names no node"));
    /* ...and the console falls back to the first UART we drive, saying so. */
    CHECK_EQ(p.console.kind, CONSOLE_PL011);
    CHECK(has_error(&p, "device tree: console: using /uart@1000, the first UART we drive"));
    return true;
}

/* A property of length -12 makes libfdt 1.6.1's tag walk stand still (found
 * by the fuzzer as a hang): refused instead of spinning. */
static bool property_length_minus_12_is_refused(void)
{
    size_t len;
    uint8_t *data = load_packed("pi4-like", &len);
    CHECK(data);
    int prop = fdt_first_property_offset(data, 0);
    if (prop < 0) {
        free(data);
        return test_fail(__LINE__, "root has no property");
    }
    struct fdt_property *pr = (struct fdt_property *)(data + fdt_off_dt_struct(data) + prop);
    pr->len = cpu_to_fdt32(0xfffffff4u);
    int rc;
    bool sane = parse_copy(data, len, len, &rc);
    free(data);
    CHECK(sane);
    CHECK_EQ(rc, PLATFORM_EBADDTB);
    CHECK(has_error(
        &p, "device tree: structure block loops on itself (bad property length); nothing is readable"));
    return true;
}

/* Deterministic xorshift so a failure names a reproducible iteration. */
static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static bool random_flips(const char *name, int rounds)
{
    size_t len;
    uint8_t *data = load_packed(name, &len);
    CHECK(data);
    uint8_t *copy = malloc(len);
    CHECK(copy);
    bool ok = true;
    int clean = 0;
    for (int i = 0; i < rounds && ok; i++) {
        memcpy(copy, data, len);
        int flips = 1 + (int)(next_rand() % 8);
        for (int f = 0; f < flips; f++) {
            size_t at = next_rand() % len;
            /* mostly single bits, sometimes whole bytes, sometimes 0xff runs */
            uint64_t how = next_rand();
            if (how % 4 == 0)
                copy[at] = (uint8_t)(how >> 8);
            else
                copy[at] ^= (uint8_t)(1u << ((how >> 8) % 8));
        }
        int rc;
        if (!parse_copy(copy, len, len, &rc)) {
            char why[sizeof(test_why)];
            memcpy(why, test_why, sizeof(why));
            ok = test_fail(__LINE__, "%s round %d: %s", name, i, why);
        }
        clean += rc == PLATFORM_OK;
    }
    free(copy);
    free(data);
    if (ok && clean == rounds)
        return test_fail(__LINE__, "no flip was ever noticed: the flips do nothing");
    return ok;
}

static bool virt_random_byte_flips(void)
{
    return random_flips("virt-gicv3", 3000);
}
static bool pi4_random_byte_flips(void)
{
    return random_flips("pi4-like", 3000);
}
static bool cpus_2cell_random_byte_flips(void)
{
    return random_flips("cpus-2cell", 2000);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        test_dtb_dir = argv[1];
    RUN(virt_truncated_at_every_length);
    RUN(pi4_truncated_at_every_length);
    RUN(virt_cut_in_padding_still_reads);
    RUN(totalsize_lies);
    RUN(header_garbage_is_not_a_dt);
    RUN(old_version_is_refused);
    RUN(property_length_minus_12_is_refused);
    RUN(alias_to_alias_names_no_node);
    RUN(virt_random_byte_flips);
    RUN(pi4_random_byte_flips);
    RUN(cpus_2cell_random_byte_flips);
    return test_summary();
}
