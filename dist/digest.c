/* The handshake's digest (handshake.h): pure, so the host tests it against
 * what erl computes. */
#include <dist/handshake.h>
#include <lib/fmt.h>
#include <lib/md5.h>
#include <string.h>

void dist_digest(const char *cookie, uint32_t challenge, uint8_t out[16])
{
    char text[16];
    struct md5 m;
    int n = fmt_snprintf(text, sizeof text, "%u", challenge); /* integer_to_list(Challenge) */
    md5_init(&m);
    md5_update(&m, cookie, strlen(cookie));
    md5_update(&m, text, (size_t)n);
    md5_final(&m, out);
}
