/* libFuzzer target: any bytes as an external term. term_decode must accept or
 * refuse them without reading outside the input (ASan), and what it accepts
 * must survive every view: walked, rebuilt through the builder, decoded
 * again, rebuilt again to the same bytes (the builder's output is a fixed
 * point), and matched against patterns. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "term_rebuild.h"

static void try_patterns(const struct term *t)
{
    struct term a, l;
    struct term_pid pid;
    struct term_ref ref;
    const uint8_t *bytes;
    uint32_t len;
    int64_t i;
    (void)term_match(t, "{~a, ~i, ~b}", &a, &i, &bytes, &len);
    (void)term_match(t, "[~t | ~l]", &a, &l);
    (void)term_match(t, "{'$gen_call', {~p, ~r}, _}", &pid, &ref);
    (void)term_match(t, "[1, 2, x, 'Y' | _]");
    struct term e;
    (void)term_element(t, 3, &e);
    (void)term_map_get_atom(t, "k", &e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct term t;
    long n = term_decode(data, size, &t);
    if (n < 0) {
        if (n < TERM_ERR_TRAILING) abort(); /* not an error the API has */
        return 0;
    }
    if ((size_t)n > size || t.ext + t.ext_len != data + n) abort();
    try_patterns(&t);

    /* latin-1 atoms may double and old pid/ref/port forms grow by a few bytes */
    size_t cap = 3 * (size_t)n + 64;
    uint8_t *once = malloc(cap), *twice = malloc(cap);
    struct term_buf b;
    term_begin(&b, once, cap);
    if (!term_rebuild(&b, &t)) abort();
    long n1 = term_end(&b);
    struct term t1;
    if (n1 < 0 || term_decode_exact(once, (size_t)n1, &t1) != n1) abort();
    term_begin(&b, twice, cap);
    if (!term_rebuild(&b, &t1)) abort();
    long n2 = term_end(&b);
    if (n2 != n1 || memcmp(once, twice, (size_t)n1)) abort();
    free(once);
    free(twice);
    return 0;
}
