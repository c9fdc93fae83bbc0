/* lib/md5.c against RFC 1321's test suite (appendix A.5), fed whole and
 * byte by byte. */
#include <lib/md5.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"

static const char *const vectors[][2] = {
    {"", "d41d8cd98f00b204e9800998ecf8427e"},
    {"a", "0cc175b9c0f1b6a831c399e269772661"},
    {"abc", "900150983cd24fb0d6963f7d28e17f72"},
    {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
    {"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
    {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"},
    {"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
     "57edf4a22be3c955ac49da2e2107b67a"},
};

static void hex(const uint8_t d[MD5_DIGEST_LEN], char out[33])
{
    for (int i = 0; i < MD5_DIGEST_LEN; i++)
        sprintf(out + 2 * i, "%02x", d[i]);
}

static void md5_matches_rfc1321_suite(void)
{
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        uint8_t d[MD5_DIGEST_LEN];
        char h[33];
        md5(vectors[i][0], strlen(vectors[i][0]), d);
        hex(d, h);
        CHECK(!strcmp(h, vectors[i][1]), "md5(\"%s\") = %s, want %s", vectors[i][0], h, vectors[i][1]);
        struct md5 m;
        md5_init(&m);
        for (const char *p = vectors[i][0]; *p; p++)
            md5_update(&m, p, 1);
        md5_final(&m, d);
        hex(d, h);
        CHECK(!strcmp(h, vectors[i][1]), "byte by byte, md5(\"%s\") = %s", vectors[i][0], h);
    }
}

/* Lengths around the padding boundary (55, 56, 63, 64, 65 bytes): against
 * `erl`'s erlang:md5 of the same 'a's, computed once and written here. */
static void md5_pads_at_block_edges(void)
{
    static const struct { size_t n; const char *want; } edges[] = {
        {55, "ef1772b6dff9a122358552954ad0df65"},
        {56, "3b0c8ac703f828b04c6c197006d17218"},
        {63, "b06521f39153d618550606be297466d5"},
        {64, "014842d480b571495a4a0363793f7367"},
        {65, "c743a45e0d2e6a95cb859adae0248435"},
    };
    char text[65];
    memset(text, 'a', sizeof text);
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        uint8_t d[MD5_DIGEST_LEN];
        char h[33];
        md5(text, edges[i].n, d);
        hex(d, h);
        CHECK(!strcmp(h, edges[i].want), "%zu 'a's: %s, want %s", edges[i].n, h, edges[i].want);
    }
}

int main(void)
{
    RUN(md5_matches_rfc1321_suite);
    RUN(md5_pads_at_block_edges);
    return unit_failed_cases != 0;
}
