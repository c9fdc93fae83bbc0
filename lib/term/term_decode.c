/* Decoding: check an encoding once (term_skip), then read views of it.
 *
 * The check walks the bytes with a count of terms still to read instead of
 * recursing, so no input, however deep, costs stack; and since every term
 * takes at least one byte, a count above the bytes left is refused at once
 * (a tuple claiming 2^32 elements in ten bytes ends the walk, not a loop). */
#include "term.h"

#include <string.h>

#include "term_tags.h"

#define NEED(n)                                \
    do {                                       \
        if ((size_t)(end - p) < (size_t)(n))   \
            return TERM_ERR_TRUNCATED;         \
    } while (0)

/* Characters in a UTF-8 string, or -1 when it is not UTF-8 (overlong forms,
 * surrogates and code points above U+10FFFF are not). */
static long utf8_chars(const uint8_t *s, size_t len)
{
    long chars = 0;
    for (size_t i = 0; i < len; chars++) {
        uint8_t c = s[i];
        size_t more;
        uint8_t lo = 0x80, hi = 0xbf; /* the range of the second byte */
        if (c < 0x80) {
            more = 0;
        } else if (c >= 0xc2 && c <= 0xdf) {
            more = 1;
        } else if (c >= 0xe0 && c <= 0xef) {
            more = 2;
            if (c == 0xe0) lo = 0xa0;
            if (c == 0xed) hi = 0x9f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            more = 3;
            if (c == 0xf0) lo = 0x90;
            if (c == 0xf4) hi = 0x8f;
        } else {
            return -1;
        }
        if (len - i - 1 < more) return -1;
        for (size_t k = 1; k <= more; k++) {
            uint8_t x = s[i + k];
            if (k == 1 ? (x < lo || x > hi) : (x & 0xc0) != 0x80) return -1;
        }
        i += 1 + more;
    }
    return chars;
}

/* An atom at *pp: checked, its name in *out, *pp moved past it. */
static int read_atom(const uint8_t **pp, const uint8_t *end, struct term_text *out)
{
    const uint8_t *p = *pp;
    NEED(1);
    uint8_t tag = *p++;
    size_t len;
    if (tag == TAG_SMALL_ATOM || tag == TAG_SMALL_ATOM_UTF8) {
        NEED(1);
        len = *p++;
    } else if (tag == TAG_ATOM || tag == TAG_ATOM_UTF8) {
        NEED(2);
        len = term_be16(p);
        p += 2;
    } else {
        return tag == TAG_ATOM_CACHE_REF ? TERM_ERR_UNSUPPORTED : TERM_ERR_TAG;
    }
    NEED(len);
    bool latin1 = tag == TAG_SMALL_ATOM || tag == TAG_ATOM;
    long chars = latin1 ? (long)len : utf8_chars(p, len);
    if (chars < 0 || chars > TERM_ATOM_MAX_CHARS) return TERM_ERR_VALUE;
    out->bytes = p;
    out->len = (uint16_t)len;
    out->latin1 = latin1;
    *pp = p + len;
    return TERM_OK;
}

/* The length of the one term at p (its tag first), checked; or < 0. */
static long term_skip(const uint8_t *start, const uint8_t *end)
{
    const uint8_t *p = start;
    uint64_t pending = 1; /* terms still to read */
    struct term_text node;
    int err;
    while (pending) {
        pending--;
        NEED(1);
        uint8_t tag = *p++;
        uint32_t n;
        switch (tag) {
        case TAG_SMALL_INTEGER: NEED(1); p += 1; break;
        case TAG_INTEGER: NEED(4); p += 4; break;
        case TAG_NEW_FLOAT: NEED(8); p += 8; break;
        case TAG_ATOM: case TAG_SMALL_ATOM: case TAG_ATOM_UTF8: case TAG_SMALL_ATOM_UTF8:
            p--;
            if ((err = read_atom(&p, end, &node))) return err;
            break;
        case TAG_SMALL_TUPLE: NEED(1); pending += *p++; break;
        case TAG_LARGE_TUPLE: NEED(4); pending += term_be32(p); p += 4; break;
        case TAG_NIL: break;
        case TAG_STRING: NEED(2); n = term_be16(p); p += 2; NEED(n); p += n; break;
        case TAG_LIST: NEED(4); pending += (uint64_t)term_be32(p) + 1; p += 4; break;
        case TAG_BINARY: NEED(4); n = term_be32(p); p += 4; NEED(n); p += n; break;
        case TAG_BIT_BINARY:
            NEED(5);
            n = term_be32(p);
            if (n == 0 || p[4] < 1 || p[4] > 8) return TERM_ERR_VALUE;
            p += 5;
            NEED(n);
            p += n;
            break;
        case TAG_SMALL_BIG: case TAG_LARGE_BIG: {
            size_t head = tag == TAG_SMALL_BIG ? 1 : 4;
            NEED(head + 1);
            n = head == 1 ? *p : term_be32(p);
            if (p[head] > 1) return TERM_ERR_VALUE; /* the sign */
            p += head + 1;
            NEED(n);
            p += n;
            break;
        }
        case TAG_MAP: NEED(4); pending += 2 * (uint64_t)term_be32(p); p += 4; break;
        case TAG_NEW_PID: case TAG_PID:
            if ((err = read_atom(&p, end, &node))) return err;
            NEED(tag == TAG_NEW_PID ? 12 : 9);
            p += tag == TAG_NEW_PID ? 12 : 9;
            break;
        case TAG_NEW_PORT: case TAG_V4_PORT: case TAG_PORT: {
            if ((err = read_atom(&p, end, &node))) return err;
            size_t rest = tag == TAG_V4_PORT ? 12 : tag == TAG_NEW_PORT ? 8 : 5;
            NEED(rest);
            p += rest;
            break;
        }
        case TAG_NEWER_REFERENCE: case TAG_NEW_REFERENCE:
            NEED(2);
            n = term_be16(p);
            if (n < 1 || n > TERM_REF_MAX_IDS) return TERM_ERR_VALUE;
            p += 2;
            if ((err = read_atom(&p, end, &node))) return err;
            NEED((tag == TAG_NEWER_REFERENCE ? 4 : 1) + 4 * (size_t)n);
            p += (tag == TAG_NEWER_REFERENCE ? 4 : 1) + 4 * (size_t)n;
            break;
        case TAG_REFERENCE:
            if ((err = read_atom(&p, end, &node))) return err;
            NEED(5);
            p += 5;
            break;
        case TAG_EXPORT: /* module, function: atoms; arity: a small integer */
            if ((err = read_atom(&p, end, &node)) || (err = read_atom(&p, end, &node))) return err;
            NEED(2);
            if (p[0] != TAG_SMALL_INTEGER) return TERM_ERR_VALUE;
            p += 2;
            break;
        case TAG_NEW_FUN: case TAG_FUN: case TAG_COMPRESSED: case TAG_ATOM_CACHE_REF:
        case TAG_FLOAT: case TAG_LOCAL:
            return TERM_ERR_UNSUPPORTED;
        default:
            return TERM_ERR_TAG;
        }
        if (pending > (uint64_t)(end - p)) return TERM_ERR_TRUNCATED;
    }
    return p - start;
}

/* A view of the checked term at p. */
static void term_view(const uint8_t *p, const uint8_t *end, struct term *t)
{
    long len = term_skip(p, end);
    const uint8_t *q = p + 1;
    memset(t, 0, sizeof *t);
    t->ext = p;
    t->ext_len = len > 0 ? (size_t)len : 0;
    end = p + t->ext_len;
    switch (*p) {
    case TAG_SMALL_INTEGER: t->kind = TERM_INTEGER; t->integer = *q; break;
    case TAG_INTEGER: t->kind = TERM_INTEGER; t->integer = (int32_t)term_be32(q); break;
    case TAG_NEW_FLOAT: t->kind = TERM_FLOAT; t->float_bits = term_be64(q); break;
    case TAG_ATOM: case TAG_SMALL_ATOM: case TAG_ATOM_UTF8: case TAG_SMALL_ATOM_UTF8:
        t->kind = TERM_ATOM;
        read_atom(&p, end, &t->atom);
        break;
    case TAG_SMALL_TUPLE: case TAG_LARGE_TUPLE: {
        bool small = *p == TAG_SMALL_TUPLE;
        t->kind = TERM_TUPLE;
        t->seq.count = small ? *q : term_be32(q);
        t->seq.first = q + (small ? 1 : 4);
        t->seq.end = end;
        break;
    }
    case TAG_NIL: t->kind = TERM_NIL; break;
    case TAG_STRING: t->kind = TERM_STRING; t->string.len = term_be16(q); t->string.bytes = q + 2; break;
    case TAG_LIST: case TAG_MAP:
        t->kind = *p == TAG_LIST ? TERM_LIST : TERM_MAP;
        t->seq.count = term_be32(q);
        t->seq.first = q + 4;
        t->seq.end = end;
        break;
    case TAG_BINARY: t->kind = TERM_BINARY; t->binary.len = term_be32(q); t->binary.bytes = q + 4; t->binary.bits = 8; break;
    case TAG_BIT_BINARY:
        t->kind = TERM_BINARY;
        t->binary.len = term_be32(q);
        t->binary.bits = q[4];
        t->binary.bytes = q + 5;
        break;
    case TAG_SMALL_BIG: case TAG_LARGE_BIG: {
        size_t head = *p == TAG_SMALL_BIG ? 1 : 4;
        uint32_t n = head == 1 ? *q : term_be32(q);
        bool negative = q[head] == 1;
        const uint8_t *digits = q + head + 1;
        uint32_t used = n; /* without leading zero digits */
        while (used && !digits[used - 1]) used--;
        if (used <= 8) {
            uint64_t mag = 0;
            for (uint32_t i = used; i--;) mag = mag << 8 | digits[i];
            if (!negative && mag <= (uint64_t)INT64_MAX) {
                t->kind = TERM_INTEGER;
                t->integer = (int64_t)mag;
                break;
            }
            if (negative && mag <= (uint64_t)INT64_MAX + 1) {
                t->kind = TERM_INTEGER;
                t->integer = (int64_t)(0 - mag);
                break;
            }
        }
        t->kind = TERM_BIG;
        t->big.negative = negative;
        t->big.digits = digits;
        t->big.n = n;
        break;
    }
    case TAG_NEW_PID: case TAG_PID:
        t->kind = TERM_PID;
        read_atom(&q, end, &t->pid.node);
        t->pid.id = term_be32(q);
        t->pid.serial = term_be32(q + 4);
        t->pid.creation = *p == TAG_NEW_PID ? term_be32(q + 8) : q[8];
        break;
    case TAG_NEW_PORT: case TAG_V4_PORT: case TAG_PORT:
        t->kind = TERM_PORT;
        read_atom(&q, end, &t->port.node);
        if (*p == TAG_V4_PORT) {
            t->port.id = term_be64(q);
            t->port.creation = term_be32(q + 8);
        } else {
            t->port.id = term_be32(q);
            t->port.creation = *p == TAG_NEW_PORT ? term_be32(q + 4) : q[4];
        }
        break;
    case TAG_NEWER_REFERENCE: case TAG_NEW_REFERENCE: case TAG_REFERENCE: {
        t->kind = TERM_REF;
        uint32_t n = 1;
        if (*p != TAG_REFERENCE) {
            n = term_be16(q);
            q += 2;
        }
        read_atom(&q, end, &t->ref.node);
        if (*p == TAG_NEWER_REFERENCE) {
            t->ref.creation = term_be32(q);
            q += 4;
        } else if (*p == TAG_NEW_REFERENCE) {
            t->ref.creation = *q++;
        } else {
            t->ref.creation = q[4];
        }
        t->ref.n_ids = n;
        for (uint32_t i = 0; i < n; i++) t->ref.ids[i] = term_be32(q + 4 * i);
        break;
    }
    case TAG_EXPORT:
        t->kind = TERM_EXPORT;
        t->seq.count = 3;
        t->seq.first = q;
        t->seq.end = end;
        break;
    }
}

long term_decode(const void *buf, size_t len, struct term *out)
{
    const uint8_t *p = buf, *end = p + len;
    if (len < 1) return TERM_ERR_TRUNCATED;
    if (p[0] != TERM_VERSION) return TERM_ERR_VERSION;
    long n = term_skip(p + 1, end);
    if (n < 0) return n;
    term_view(p + 1, end, out);
    return n + 1;
}

long term_decode_exact(const void *buf, size_t len, struct term *out)
{
    struct term t;
    long n = term_decode(buf, len, &t);
    if (n < 0) return n;
    if ((size_t)n != len) return TERM_ERR_TRAILING;
    *out = t;
    return n;
}

const char *term_strerror(int error)
{
    switch (error) {
    case TERM_OK: return "ok";
    case TERM_ERR_TRUNCATED: return "the bytes end inside a term";
    case TERM_ERR_VERSION: return "not an external term (first byte is not 131)";
    case TERM_ERR_TAG: return "unknown tag";
    case TERM_ERR_UNSUPPORTED: return "a kind of term this codec does not take (fun, compressed, atom cache)";
    case TERM_ERR_VALUE: return "a field out of range (UTF-8, sign, bit count, atom length)";
    case TERM_ERR_TRAILING: return "bytes after the term";
    }
    return "unknown error";
}

void term_iter_start(const struct term *t, struct term_iter *it)
{
    memset(it, 0, sizeof *it);
    if (t->kind == TERM_STRING) {
        it->p = t->string.bytes;
        it->end = t->string.bytes + t->string.len;
        it->left = t->string.len;
        it->string = true;
    } else if (t->kind == TERM_TUPLE || t->kind == TERM_LIST || t->kind == TERM_EXPORT) {
        it->p = t->seq.first;
        it->end = t->seq.end;
        it->left = t->seq.count;
    } else if (t->kind == TERM_MAP) {
        it->p = t->seq.first;
        it->end = t->seq.end;
        it->left = 2 * t->seq.count; /* at most 2^33: fits, since each pair took two bytes of a checked term */
    }
}

bool term_iter_next(struct term_iter *it, struct term *out)
{
    if (!it->left) return false;
    it->left--;
    if (it->string) {
        memset(out, 0, sizeof *out);
        out->kind = TERM_INTEGER;
        out->integer = *it->p;
        out->ext = it->p++;
        out->ext_len = 0; /* no encoding of its own: it is a byte of the string */
        return true;
    }
    term_view(it->p, it->end, out);
    it->p += out->ext_len;
    return true;
}

void term_list_tail(const struct term *list, struct term *out)
{
    if (list->kind != TERM_LIST) {
        memset(out, 0, sizeof *out);
        out->kind = TERM_NIL;
        return;
    }
    struct term_iter it;
    struct term skip;
    term_iter_start(list, &it);
    while (term_iter_next(&it, &skip)) {
    }
    term_view(it.p, it.end, out);
}

bool term_element(const struct term *t, uint32_t i, struct term *out)
{
    struct term_iter it;
    if (t->kind != TERM_TUPLE && t->kind != TERM_LIST && t->kind != TERM_STRING) return false;
    term_iter_start(t, &it);
    if (i >= it.left) return false;
    while (term_iter_next(&it, out))
        if (!i--) return true;
    return false;
}

bool term_map_get_atom(const struct term *map, const char *key, struct term *out)
{
    struct term_iter it;
    struct term k;
    if (map->kind != TERM_MAP) return false;
    term_iter_start(map, &it);
    while (term_iter_next(&it, &k) && term_iter_next(&it, out))
        if (term_is_atom(&k, key)) return true;
    return false;
}

uint32_t term_arity(const struct term *t)
{
    switch (t->kind) {
    case TERM_TUPLE: case TERM_LIST: case TERM_MAP: return t->seq.count;
    case TERM_STRING: return t->string.len;
    default: return 0;
    }
}

bool term_is_list(const struct term *t)
{
    return t->kind == TERM_NIL || t->kind == TERM_STRING || t->kind == TERM_LIST;
}

/* The next code point of a name, or -1 at its end. */
static long text_next(const struct term_text *t, size_t *i)
{
    if (*i >= t->len) return -1;
    uint8_t c = t->bytes[(*i)++];
    if (t->latin1 || c < 0x80) return c;
    int more = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;
    long cp = c & (0x3f >> more);
    while (more-- && *i < t->len) cp = cp << 6 | (t->bytes[(*i)++] & 0x3f);
    return cp;
}

bool term_text_eq(const struct term_text *a, const struct term_text *b)
{
    if (a->latin1 == b->latin1) return a->len == b->len && !memcmp(a->bytes, b->bytes, a->len);
    size_t i = 0, j = 0;
    for (;;) {
        long x = text_next(a, &i), y = text_next(b, &j);
        if (x != y) return false;
        if (x < 0) return true;
    }
}

bool term_text_eq_str(const struct term_text *a, const char *utf8)
{
    size_t len = strlen(utf8);
    struct term_text b = {(const uint8_t *)utf8, len > 0xffff ? 0xffff : (uint16_t)len, false};
    return len <= 0xffff && term_text_eq(a, &b);
}

bool term_is_atom(const struct term *t, const char *utf8_name)
{
    return t->kind == TERM_ATOM && term_text_eq_str(&t->atom, utf8_name);
}

bool term_text_utf8(const struct term_text *t, char *dst, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < t->len; i++) {
        uint8_t c = t->bytes[i];
        size_t w = t->latin1 && c >= 0x80 ? 2 : 1;
        if (n + w >= cap) return false;
        if (w == 2) {
            dst[n++] = (char)(0xc0 | c >> 6);
            dst[n++] = (char)(0x80 | (c & 0x3f));
        } else {
            dst[n++] = (char)c;
        }
    }
    if (n >= cap) return false;
    dst[n] = 0;
    return true;
}
