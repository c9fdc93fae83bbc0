/* term_match: a term against an Erlang-like pattern (grammar in term.h).
 * It recurses once per nesting level of the pattern, which the programmer
 * wrote, never of the term. */
#include "term.h"

#include <stdarg.h>
#include <string.h>

struct pattern {
    const char *s;
    va_list ap;
    bool bad; /* the pattern itself is malformed */
};

static void skip_space(struct pattern *pt)
{
    while (*pt->s == ' ' || *pt->s == '\t' || *pt->s == '\n') pt->s++;
}

static bool is_atom_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '@' ||
           c == '.';
}

static bool match_one(struct pattern *pt, const struct term *t);

/* Elements of a tuple or list pattern up to `close`; a list's may end in
 * `| Tail`. The term's elements come from `it`; `tail` gets the list's tail. */
static bool match_seq(struct pattern *pt, struct term_iter *it, char close, const struct term *list)
{
    bool ok = true;
    struct term e;
    skip_space(pt);
    if (*pt->s == close) {
        pt->s++;
        goto tail_nil;
    }
    for (;;) {
        bool have = term_iter_next(it, &e);
        if (!have) {
            ok = false;
            e = (struct term){.kind = TERM_NIL}; /* parse on, so the outputs stay in step */
        }
        if (!match_one(pt, &e)) ok = false;
        if (pt->bad) return false;
        skip_space(pt);
        if (*pt->s == ',') {
            pt->s++;
            continue;
        }
        if (close == ']' && *pt->s == '|') {
            pt->s++;
            if (it->left) return false; /* [A | T] against a longer list: not supported */
            struct term tail;
            term_list_tail(list, &tail);
            if (!match_one(pt, &tail)) ok = false;
            skip_space(pt);
            if (*pt->s != ']') {
                pt->bad = true;
                return false;
            }
            pt->s++;
            return ok;
        }
        if (*pt->s != close) {
            pt->bad = true;
            return false;
        }
        pt->s++;
        break;
    }
tail_nil:
    if (it->left) return false;
    if (close == ']') {
        struct term tail;
        term_list_tail(list, &tail);
        return ok && tail.kind == TERM_NIL;
    }
    return ok;
}

static bool match_one(struct pattern *pt, const struct term *t)
{
    skip_space(pt);
    char c = *pt->s;
    if (c == '{' || c == '[') {
        pt->s++;
        struct term_iter it;
        bool kind_ok = c == '{' ? t->kind == TERM_TUPLE : term_is_list(t);
        struct term none = {.kind = TERM_NIL};
        term_iter_start(kind_ok ? t : &none, &it);
        return match_seq(pt, &it, c == '{' ? '}' : ']', kind_ok ? t : &none) && kind_ok;
    }
    if (c == '_') {
        pt->s++;
        return true;
    }
    if (c == '~') {
        char k = pt->s[1];
        pt->s += 2;
        switch (k) {
        case 'i': {
            int64_t *out = va_arg(pt->ap, int64_t *);
            if (t->kind != TERM_INTEGER) return false;
            *out = t->integer;
            return true;
        }
        case 'a': case 't': case 'l': {
            struct term *out = va_arg(pt->ap, struct term *);
            if ((k == 'a' && t->kind != TERM_ATOM) || (k == 'l' && !term_is_list(t))) return false;
            *out = *t;
            return true;
        }
        case 'p': {
            struct term_pid *out = va_arg(pt->ap, struct term_pid *);
            if (t->kind != TERM_PID) return false;
            *out = t->pid;
            return true;
        }
        case 'r': {
            struct term_ref *out = va_arg(pt->ap, struct term_ref *);
            if (t->kind != TERM_REF) return false;
            *out = t->ref;
            return true;
        }
        case 'b': {
            const uint8_t **bytes = va_arg(pt->ap, const uint8_t **);
            uint32_t *len = va_arg(pt->ap, uint32_t *);
            if (t->kind != TERM_BINARY || t->binary.bits != 8) return false;
            *bytes = t->binary.bytes;
            *len = t->binary.len;
            return true;
        }
        }
        pt->bad = true;
        return false;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        bool negative = c == '-';
        if (negative) pt->s++;
        if (*pt->s < '0' || *pt->s > '9') {
            pt->bad = true;
            return false;
        }
        uint64_t mag = 0;
        while (*pt->s >= '0' && *pt->s <= '9') mag = mag * 10 + (uint64_t)(*pt->s++ - '0');
        int64_t v = negative ? (int64_t)(0 - mag) : (int64_t)mag;
        return t->kind == TERM_INTEGER && t->integer == v;
    }
    if (c == '\'' || (c >= 'a' && c <= 'z')) {
        const char *name = pt->s + (c == '\'');
        const char *stop = name;
        if (c == '\'') {
            while (*stop && *stop != '\'') stop++;
            if (!*stop) {
                pt->bad = true;
                return false;
            }
            pt->s = stop + 1;
        } else {
            while (is_atom_char(*stop)) stop++;
            pt->s = stop;
        }
        struct term_text want = {(const uint8_t *)name, (uint16_t)(stop - name), false};
        return t->kind == TERM_ATOM && term_text_eq(&t->atom, &want);
    }
    pt->bad = true;
    return false;
}

bool term_match(const struct term *t, const char *pattern, ...)
{
    struct pattern pt = {.s = pattern};
    va_start(pt.ap, pattern);
    bool ok = match_one(&pt, t);
    skip_space(&pt);
    if (*pt.s) pt.bad = true; /* something after the pattern */
    va_end(pt.ap);
    return ok && !pt.bad;
}
