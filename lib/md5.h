/* MD5 (RFC 1321): the digest the Erlang distribution's handshake proves the
 * cookie with. Not for anything that needs a secure hash. */
#ifndef ARMADA_LIB_MD5_H
#define ARMADA_LIB_MD5_H

#include <stddef.h>
#include <stdint.h>

#define MD5_DIGEST_LEN 16

struct md5 {
    uint32_t state[4];
    uint64_t bytes;    /* taken so far */
    uint8_t block[64]; /* the part of a block not yet hashed */
};

void md5_init(struct md5 *m);
void md5_update(struct md5 *m, const void *data, size_t len);
void md5_final(struct md5 *m, uint8_t digest[MD5_DIGEST_LEN]);
void md5(const void *data, size_t len, uint8_t digest[MD5_DIGEST_LEN]);

#endif
