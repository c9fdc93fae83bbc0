/* The tags of the external term format (Erlang/OTP's erl_ext_dist), and the
 * big-endian field readers the codec shares. */
#ifndef ARMADA_LIB_TERM_TAGS_H
#define ARMADA_LIB_TERM_TAGS_H

#include <stdint.h>

enum term_tag {
    TAG_NEW_FLOAT = 70,
    TAG_BIT_BINARY = 77,
    TAG_COMPRESSED = 80,
    TAG_ATOM_CACHE_REF = 82,
    TAG_NEW_PID = 88,
    TAG_NEW_PORT = 89,
    TAG_NEWER_REFERENCE = 90,
    TAG_SMALL_INTEGER = 97,
    TAG_INTEGER = 98,
    TAG_FLOAT = 99,
    TAG_ATOM = 100,
    TAG_REFERENCE = 101,
    TAG_PORT = 102,
    TAG_PID = 103,
    TAG_SMALL_TUPLE = 104,
    TAG_LARGE_TUPLE = 105,
    TAG_NIL = 106,
    TAG_STRING = 107,
    TAG_LIST = 108,
    TAG_BINARY = 109,
    TAG_SMALL_BIG = 110,
    TAG_LARGE_BIG = 111,
    TAG_NEW_FUN = 112,
    TAG_EXPORT = 113,
    TAG_NEW_REFERENCE = 114,
    TAG_SMALL_ATOM = 115,
    TAG_MAP = 116,
    TAG_FUN = 117,
    TAG_ATOM_UTF8 = 118,
    TAG_SMALL_ATOM_UTF8 = 119,
    TAG_V4_PORT = 120,
    TAG_LOCAL = 121,
};

static inline uint16_t term_be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t term_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline uint64_t term_be64(const uint8_t *p) { return (uint64_t)term_be32(p) << 32 | term_be32(p + 4); }

#endif
