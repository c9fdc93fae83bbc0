/* Building terms into a caller's buffer, choosing the tags erl's
 * term_to_binary(T, [{minor_version, 2}]) chooses (the distribution's too):
 * UTF-8 atoms, the smallest integer form, NEW_FLOAT, NEW_PID, NEWER_REFERENCE,
 * and NEW_PORT (V4_PORT for an id above 32 bits). So what erl encoded and
 * what we build from the same value are the same bytes. */
#include "term.h"

#include <string.h>

#include "term_tags.h"

static uint8_t *room(struct term_buf *b, size_t n)
{
    if (b->overflow || b->cap - b->len < n) {
        b->overflow = true;
        return NULL;
    }
    uint8_t *p = b->data + b->len;
    b->len += n;
    return p;
}

static void put8(struct term_buf *b, uint8_t v)
{
    uint8_t *p = room(b, 1);
    if (p) *p = v;
}

static void put16(struct term_buf *b, uint16_t v)
{
    uint8_t *p = room(b, 2);
    if (p) p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
}

static void put32(struct term_buf *b, uint32_t v)
{
    uint8_t *p = room(b, 4);
    if (p) p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static void put_bytes(struct term_buf *b, const void *src, size_t n)
{
    uint8_t *p = room(b, n);
    if (p && n) memcpy(p, src, n);
}

void term_begin(struct term_buf *b, void *mem, size_t cap)
{
    b->data = mem;
    b->cap = cap;
    b->len = 0;
    b->overflow = false;
    put8(b, TERM_VERSION);
}

long term_end(const struct term_buf *b)
{
    return b->overflow ? -1 : (long)b->len;
}

static void put_big_magnitude(struct term_buf *b, bool negative, uint64_t mag)
{
    uint8_t digits[8];
    uint32_t n = 0;
    for (; mag; mag >>= 8) digits[n++] = (uint8_t)mag;
    term_big(b, negative, digits, n);
}

void term_int(struct term_buf *b, int64_t v)
{
    if (v >= 0 && v <= 255) {
        put8(b, TAG_SMALL_INTEGER);
        put8(b, (uint8_t)v);
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
        put8(b, TAG_INTEGER);
        put32(b, (uint32_t)v);
    } else {
        put_big_magnitude(b, v < 0, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
    }
}

void term_uint(struct term_buf *b, uint64_t v)
{
    if (v <= INT32_MAX)
        term_int(b, (int64_t)v);
    else
        put_big_magnitude(b, false, v);
}

void term_big(struct term_buf *b, bool negative, const uint8_t *digits, uint32_t n)
{
    if (n <= 255) {
        put8(b, TAG_SMALL_BIG);
        put8(b, (uint8_t)n);
    } else {
        put8(b, TAG_LARGE_BIG);
        put32(b, n);
    }
    put8(b, negative);
    put_bytes(b, digits, n);
}

void term_float_bits(struct term_buf *b, uint64_t bits)
{
    put8(b, TAG_NEW_FLOAT);
    put32(b, (uint32_t)(bits >> 32));
    put32(b, (uint32_t)bits);
}

/* A name as UTF-8; Latin-1 names (from old tags) are converted. */
void term_atom_text(struct term_buf *b, const struct term_text *name)
{
    size_t utf8_len = name->len;
    if (name->latin1)
        for (size_t i = 0; i < name->len; i++) utf8_len += name->bytes[i] >= 0x80;
    if (utf8_len <= 255) {
        put8(b, TAG_SMALL_ATOM_UTF8);
        put8(b, (uint8_t)utf8_len);
    } else {
        put8(b, TAG_ATOM_UTF8);
        put16(b, (uint16_t)utf8_len);
    }
    if (!name->latin1) {
        put_bytes(b, name->bytes, name->len);
        return;
    }
    for (size_t i = 0; i < name->len; i++) {
        uint8_t c = name->bytes[i];
        if (c < 0x80) {
            put8(b, c);
        } else {
            put8(b, (uint8_t)(0xc0 | c >> 6));
            put8(b, (uint8_t)(0x80 | (c & 0x3f)));
        }
    }
}

void term_atom(struct term_buf *b, const char *utf8)
{
    size_t len = strlen(utf8);
    /* 255 characters take at most 4 * 255 bytes; more is no atom */
    if (len > 4 * TERM_ATOM_MAX_CHARS) {
        b->overflow = true;
        return;
    }
    struct term_text name = {(const uint8_t *)utf8, (uint16_t)len, false};
    term_atom_text(b, &name);
}

void term_tuple(struct term_buf *b, uint32_t arity)
{
    if (arity <= 255) {
        put8(b, TAG_SMALL_TUPLE);
        put8(b, (uint8_t)arity);
    } else {
        put8(b, TAG_LARGE_TUPLE);
        put32(b, arity);
    }
}

void term_nil(struct term_buf *b) { put8(b, TAG_NIL); }

void term_list(struct term_buf *b, uint32_t n)
{
    put8(b, TAG_LIST);
    put32(b, n);
}

void term_string(struct term_buf *b, const void *bytes, size_t len)
{
    const uint8_t *s = bytes;
    if (len == 0) {
        term_nil(b);
    } else if (len <= 0xffff) {
        put8(b, TAG_STRING);
        put16(b, (uint16_t)len);
        put_bytes(b, s, len);
    } else if (len <= UINT32_MAX) { /* erl's form for a long one: a list of small integers */
        term_list(b, (uint32_t)len);
        for (size_t i = 0; i < len; i++) term_int(b, s[i]);
        term_nil(b);
    } else {
        b->overflow = true;
    }
}

void term_binary(struct term_buf *b, const void *bytes, uint32_t len)
{
    put8(b, TAG_BINARY);
    put32(b, len);
    put_bytes(b, bytes, len);
}

void term_bitstring(struct term_buf *b, const void *bytes, uint32_t len, uint8_t bits)
{
    if (bits == 8 || bits == 0 || bits > 8 || len == 0) {
        term_binary(b, bytes, len);
        return;
    }
    put8(b, TAG_BIT_BINARY);
    put32(b, len);
    put8(b, bits);
    put_bytes(b, bytes, len);
}

void term_map(struct term_buf *b, uint32_t pairs)
{
    put8(b, TAG_MAP);
    put32(b, pairs);
}

void term_pid(struct term_buf *b, const struct term_pid *pid)
{
    put8(b, TAG_NEW_PID);
    term_atom_text(b, &pid->node);
    put32(b, pid->id);
    put32(b, pid->serial);
    put32(b, pid->creation);
}

void term_ref(struct term_buf *b, const struct term_ref *ref)
{
    uint32_t n = ref->n_ids > TERM_REF_MAX_IDS ? TERM_REF_MAX_IDS : ref->n_ids;
    put8(b, TAG_NEWER_REFERENCE);
    put16(b, (uint16_t)n);
    term_atom_text(b, &ref->node);
    put32(b, ref->creation);
    for (uint32_t i = 0; i < n; i++) put32(b, ref->ids[i]);
}

void term_port(struct term_buf *b, const struct term_port *port)
{
    bool wide = port->id > UINT32_MAX;
    put8(b, wide ? TAG_V4_PORT : TAG_NEW_PORT);
    term_atom_text(b, &port->node);
    if (wide) put32(b, (uint32_t)(port->id >> 32));
    put32(b, (uint32_t)port->id);
    put32(b, port->creation);
}

void term_export(struct term_buf *b, const char *module, const char *function, uint8_t arity)
{
    put8(b, TAG_EXPORT);
    term_atom(b, module);
    term_atom(b, function);
    put8(b, TAG_SMALL_INTEGER);
    put8(b, arity);
}

void term_copy(struct term_buf *b, const struct term *t)
{
    if (t->ext_len)
        put_bytes(b, t->ext, t->ext_len);
    else if (t->kind == TERM_INTEGER) /* a byte of a string */
        term_int(b, t->integer);
}
