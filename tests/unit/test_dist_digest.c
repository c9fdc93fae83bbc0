/* dist/digest.c against erl: erlang:md5(Cookie ++ integer_to_list(Challenge)),
 * computed by erl once and written here (the values the handshake's peer
 * checks our digests against). */
#include <dist/handshake.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"

static void dist_digest_matches_erl(void)
{
    static const struct {
        const char *cookie;
        uint32_t challenge;
        const char *md5;
    } v[] = {
        {"armadacookie", 3735928559u, "858505c9060818a25f22a9bb4c70d09b"},
        {"c", 0, "b0fce403c178fa57404c1cc4176547a8"},
        {"secret", 4294967295u, "5dfd181e69aa587cc812eb333e6536b6"},
        {"x", 12345, "4010df838807f17c69c01a78a4d769e8"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        uint8_t d[16];
        char h[33];
        dist_digest(v[i].cookie, v[i].challenge, d);
        for (int k = 0; k < 16; k++)
            sprintf(h + 2 * k, "%02x", d[k]);
        CHECK(!strcmp(h, v[i].md5), "%s, %u: %s, erl says %s", v[i].cookie, v[i].challenge, h, v[i].md5);
    }
}

int main(void)
{
    RUN(dist_digest_matches_erl);
    return unit_failed_cases != 0;
}
