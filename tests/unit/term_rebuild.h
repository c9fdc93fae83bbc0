/* Encode a decoded term again through lib/term's building API only (views
 * in, builder calls out), as a process does that forwards a term it read.
 * Shared by the unit test and the fuzzer; host only (it recurses). */
#ifndef ARMADA_TESTS_TERM_REBUILD_H
#define ARMADA_TESTS_TERM_REBUILD_H
#include <lib/term/term.h>

static bool term_rebuild(struct term_buf *b, const struct term *t)
{
    struct term_iter it;
    struct term e;
    bool ok = true;
    switch (t->kind) {
    case TERM_INTEGER: term_int(b, t->integer); break;
    case TERM_BIG: term_big(b, t->big.negative, t->big.digits, t->big.n); break;
    case TERM_FLOAT: term_float_bits(b, t->float_bits); break;
    case TERM_ATOM: term_atom_text(b, &t->atom); break;
    case TERM_NIL: term_nil(b); break;
    case TERM_STRING: term_string(b, t->string.bytes, t->string.len); break;
    case TERM_BINARY: term_bitstring(b, t->binary.bytes, t->binary.len, t->binary.bits); break;
    case TERM_PID: term_pid(b, &t->pid); break;
    case TERM_REF: term_ref(b, &t->ref); break;
    case TERM_PORT: term_port(b, &t->port); break;
    case TERM_EXPORT: {
        char module[4 * TERM_ATOM_MAX_CHARS + 1], function[4 * TERM_ATOM_MAX_CHARS + 1];
        struct term m, f, a;
        term_iter_start(t, &it);
        ok = term_iter_next(&it, &m) && term_iter_next(&it, &f) && term_iter_next(&it, &a) &&
             term_text_utf8(&m.atom, module, sizeof module) && term_text_utf8(&f.atom, function, sizeof function);
        if (ok) term_export(b, module, function, (uint8_t)a.integer);
        break;
    }
    case TERM_TUPLE: case TERM_LIST: case TERM_MAP:
        if (t->kind == TERM_TUPLE) term_tuple(b, t->seq.count);
        if (t->kind == TERM_LIST) term_list(b, t->seq.count);
        if (t->kind == TERM_MAP) term_map(b, t->seq.count);
        term_iter_start(t, &it);
        while (term_iter_next(&it, &e)) ok = term_rebuild(b, &e) && ok;
        if (t->kind == TERM_LIST) {
            term_list_tail(t, &e);
            ok = term_rebuild(b, &e) && ok;
        }
        break;
    }
    return ok;
}
#endif
