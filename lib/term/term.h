/* Erlang's external term format (the bytes of term_to_binary and of the
 * distribution): decode, build and match terms without hand-parsing bytes.
 *
 * Freestanding and allocation-free, so the image and the host build it alike
 * (the host runs its unit tests and libFuzzer on the decoder):
 * - Decoding checks the whole encoding once, then hands out views
 *   (struct term) that point into the caller's bytes; nothing is copied.
 * - Building writes into a caller's buffer (struct term_buf); running out of
 *   room is sticky and reported once, at term_end().
 * - Matching takes a pattern written like Erlang: {ok, ~i, _}.
 *
 * Floats travel as their IEEE 754 bits: the image has no FP registers in
 * kernel code (-mgeneral-regs-only). Funs other than fun M:F/A, compressed
 * terms and atom-cache references are refused as TERM_ERR_UNSUPPORTED. */
#ifndef ARMADA_LIB_TERM_H
#define ARMADA_LIB_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TERM_VERSION 131 /* the first byte of every encoded term */
#define TERM_ATOM_MAX_CHARS 255
#define TERM_REF_MAX_IDS 5 /* NEWER_REFERENCE_EXT: at most 5 words (OTP 25) */

enum term_error {
    TERM_OK = 0,
    TERM_ERR_TRUNCATED = -1,   /* the bytes end inside a term */
    TERM_ERR_VERSION = -2,     /* the first byte is not 131 */
    TERM_ERR_TAG = -3,         /* a tag no version of the format has */
    TERM_ERR_UNSUPPORTED = -4, /* a real tag this codec does not take (funs, compressed) */
    TERM_ERR_VALUE = -5,       /* a field out of range: UTF-8, a sign, a bit count */
    TERM_ERR_TRAILING = -6,    /* bytes left after the term (term_decode_exact) */
};
const char *term_strerror(int error);

enum term_kind {
    TERM_INTEGER, /* fits int64_t: small, 32-bit, or a big that fits */
    TERM_BIG,     /* a big that does not fit int64_t */
    TERM_FLOAT,
    TERM_ATOM,
    TERM_TUPLE,
    TERM_NIL,    /* [] */
    TERM_STRING, /* STRING_EXT: a list of small integers, as bytes */
    TERM_LIST,   /* LIST_EXT: elements, then a tail ([] when proper) */
    TERM_BINARY, /* bits == 8: a binary; else a bitstring ending in `bits` bits */
    TERM_MAP,
    TERM_PID,
    TERM_REF,
    TERM_PORT,
    TERM_EXPORT, /* fun M:F/A */
};

/* An atom's name: UTF-8, or Latin-1 from the old atom tags (compare with
 * term_text_eq, which knows both). */
struct term_text {
    const uint8_t *bytes;
    uint16_t len;
    bool latin1;
};

struct term_pid {
    struct term_text node;
    uint32_t id, serial, creation;
};

struct term_ref {
    struct term_text node;
    uint32_t creation;
    uint32_t n_ids;
    uint32_t ids[TERM_REF_MAX_IDS];
};

struct term_port {
    struct term_text node;
    uint64_t id;
    uint32_t creation;
};

/* A view of one decoded term; its pointers point into the decoded bytes. */
struct term {
    enum term_kind kind;
    const uint8_t *ext; /* the term's encoding, from its tag */
    size_t ext_len;
    union {
        int64_t integer;
        struct {
            bool negative;
            const uint8_t *digits; /* magnitude, least significant byte first */
            uint32_t n;
        } big;
        uint64_t float_bits;
        struct term_text atom;
        struct {
            const uint8_t *bytes;
            uint32_t len;
            uint8_t bits; /* bits used in the last byte, 1..8 */
        } binary;
        struct {
            const uint8_t *bytes;
            uint16_t len;
        } string;
        /* tuple, list, map, export: count elements (a map: pairs, key then
         * value), the first at `first`; a list's tail follows its elements. */
        struct {
            const uint8_t *first;
            const uint8_t *end; /* the end of the encoding */
            uint32_t count;
        } seq;
        struct term_pid pid;
        struct term_ref ref;
        struct term_port port;
    };
};

/* Decode the term in buf[0..len) that starts with the version byte. Returns
 * the bytes it took (> 0), or a negative enum term_error; on error *out is
 * untouched. term_decode_exact also refuses bytes after the term. */
long term_decode(const void *buf, size_t len, struct term *out);
long term_decode_exact(const void *buf, size_t len, struct term *out);

/* Walking a tuple, list, map or export (a string walks as its integers). */
struct term_iter {
    const uint8_t *p, *end;
    uint32_t left;
    bool string; /* walking a STRING_EXT's bytes */
};
void term_iter_start(const struct term *t, struct term_iter *it);
bool term_iter_next(struct term_iter *it, struct term *out);
/* A list's tail once its elements are walked ([] for a proper list). */
void term_list_tail(const struct term *list, struct term *out);
/* Element i (from 0) of a tuple, list or string; false when out of range. */
bool term_element(const struct term *t, uint32_t i, struct term *out);
/* The value a map holds for the atom key, if any. */
bool term_map_get_atom(const struct term *map, const char *key, struct term *out);

uint32_t term_arity(const struct term *t); /* tuple's arity, list/string length, map pairs; 0 otherwise */
bool term_is_atom(const struct term *t, const char *utf8_name);
bool term_is_list(const struct term *t); /* [], a string, or a list (proper or not) */
bool term_text_eq(const struct term_text *a, const struct term_text *b);
bool term_text_eq_str(const struct term_text *a, const char *utf8);
/* Copy an atom's name out as UTF-8 with a NUL; false when it does not fit. */
bool term_text_utf8(const struct term_text *t, char *dst, size_t cap);

/* Building: term_begin writes the version byte; then one call per term, a
 * compound's header before its elements (term_tuple(b, 2) then two terms;
 * term_list(b, n) then n terms and the tail, usually term_nil). */
struct term_buf {
    uint8_t *data;
    size_t cap, len;
    bool overflow;
};
void term_begin(struct term_buf *b, void *mem, size_t cap);
long term_end(const struct term_buf *b); /* bytes written, or -1 when they did not fit */

void term_int(struct term_buf *b, int64_t v);
void term_uint(struct term_buf *b, uint64_t v);
void term_big(struct term_buf *b, bool negative, const uint8_t *digits, uint32_t n); /* least significant first */
void term_float_bits(struct term_buf *b, uint64_t ieee754_bits);
void term_atom(struct term_buf *b, const char *utf8); /* a NUL-terminated name */
void term_atom_text(struct term_buf *b, const struct term_text *name);
void term_tuple(struct term_buf *b, uint32_t arity);
void term_nil(struct term_buf *b);
void term_list(struct term_buf *b, uint32_t n);
void term_string(struct term_buf *b, const void *bytes, size_t len); /* a list of bytes, as erl encodes one */
void term_binary(struct term_buf *b, const void *bytes, uint32_t len);
void term_bitstring(struct term_buf *b, const void *bytes, uint32_t len, uint8_t bits);
void term_map(struct term_buf *b, uint32_t pairs);
void term_pid(struct term_buf *b, const struct term_pid *pid);
void term_ref(struct term_buf *b, const struct term_ref *ref);
void term_port(struct term_buf *b, const struct term_port *port);
void term_export(struct term_buf *b, const char *module, const char *function, uint8_t arity);
void term_copy(struct term_buf *b, const struct term *t); /* a decoded term, as it was */

/* Match t against an Erlang-like pattern; true when it matches. Outputs are
 * written as the match goes, so some may be set when it fails.
 *   {P, ...}  a tuple of exactly that arity     [P, ...]  a proper list
 *   [P, ... | P]  a list with a tail            name, 'Quoted'  an atom
 *   -12  an integer                             _  anything
 *   ~i int64_t *   ~a ~t ~l struct term * (an atom, any term, a list)
 *   ~p struct term_pid *   ~r struct term_ref *
 *   ~b const uint8_t **, uint32_t * (a binary's bytes and length)
 * A malformed pattern matches nothing. */
bool term_match(const struct term *t, const char *pattern, ...);

#endif
