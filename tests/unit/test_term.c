/* lib/term/ against terms erl encoded (tests/unit/term_fixtures.h, made by
 * tests/unit/term-fixtures.escript): decoding every fixture, building each
 * one again through the API, matching, and refusing broken encodings. */
#include <lib/term/term.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "term_fixtures.h"
#include "term_rebuild.h"
#include "unit.h"

#define N_FIXTURES (sizeof term_fixtures / sizeof term_fixtures[0])

static const struct term_fixture *fixture(const char *name)
{
    for (size_t i = 0; i < N_FIXTURES; i++)
        if (!strcmp(term_fixtures[i].name, name)) return &term_fixtures[i];
    printf("  no fixture %s: regenerate tests/unit/term_fixtures.h\n", name);
    exit(1);
}

static void rebuild(struct term_buf *b, const struct term *t)
{
    CHECK(term_rebuild(b, t), "rebuild: an export's names copied out");
}

static int same_bytes(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    return alen == blen && !memcmp(a, b, alen);
}

static void term_every_fixture_decodes_and_rebuilds_to_erls_bytes(void)
{
    static uint8_t out[4096];
    for (size_t i = 0; i < N_FIXTURES; i++) {
        const struct term_fixture *f = &term_fixtures[i];
        const uint8_t *forms[2] = {f->v2, f->otp25};
        size_t lens[2] = {f->v2_len, f->otp25_len};
        for (int k = 0; k < 2; k++) {
            struct term t;
            long n = term_decode_exact(forms[k], lens[k], &t);
            CHECK(n == (long)lens[k], "%s (%s): decode: %ld (%s)", f->name, k ? "otp25" : "v2", n, term_strerror((int)n));
            if (n < 0) continue;
            CHECK(t.ext == forms[k] + 1 && t.ext_len == lens[k] - 1, "%s: the view spans the term", f->name);
            struct term_buf b;
            term_begin(&b, out, sizeof out);
            rebuild(&b, &t);
            long m = term_end(&b);
            /* an OTP 25 default encoding rebuilds to the UTF-8 one: our encoder writes only that */
            CHECK(m > 0 && same_bytes(out, (size_t)m, f->v2, f->v2_len), "%s (%s): rebuilt bytes differ from erl's", f->name,
                  k ? "otp25" : "v2");
        }
    }
}

/* Built by hand, call by call, as a process would: erl's bytes exactly. */
#define BUILT(name, ...)                                                                          \
    do {                                                                                          \
        const struct term_fixture *f = fixture(name);                                             \
        term_begin(&b, out, sizeof out);                                                          \
        __VA_ARGS__;                                                                              \
        long n = term_end(&b);                                                                    \
        CHECK(n > 0 && same_bytes(out, (size_t)n, f->v2, f->v2_len), "%s: built bytes differ from erl's", name); \
    } while (0)

static void term_builder_writes_erls_bytes(void)
{
    static uint8_t out[4096];
    struct term_buf b;
    static const char node_local[] = "nonode@nohost", node_remote[] = "armada@127.0.0.1";
    struct term_pid pid = {{(const uint8_t *)node_local, 13, false}, 42, 7, 0};
    struct term_ref ref = {{(const uint8_t *)node_local, 13, false}, 0, 3, {3, 2, 1}};
    BUILT("atom_ok", term_atom(&b, "ok"));
    BUILT("atom_latin1", term_atom(&b, "h\xc3\xa9llo"));
    BUILT("atom_utf8", term_atom(&b, "\xe6\x97\xa5\xe6\x9c\xac"));
    char x255[256], ri200[601];
    memset(x255, 'x', 255), x255[255] = 0;
    for (int i = 0; i < 200; i++) memcpy(ri200 + 3 * i, "\xe6\x97\xa5", 3);
    ri200[600] = 0;
    BUILT("atom_255_chars", term_atom(&b, x255));
    BUILT("atom_long_utf8", term_atom(&b, ri200));
    BUILT("int_0", term_int(&b, 0));
    BUILT("int_255", term_int(&b, 255));
    BUILT("int_256", term_int(&b, 256));
    BUILT("int_neg1", term_int(&b, -1));
    BUILT("int_max32", term_int(&b, INT32_MAX));
    BUILT("int_min32", term_int(&b, INT32_MIN));
    BUILT("int_2p31", term_uint(&b, 1ull << 31));
    BUILT("int_neg_2p31_minus1", term_int(&b, -2147483649ll));
    BUILT("int_max64", term_int(&b, INT64_MAX));
    BUILT("int_min64", term_int(&b, INT64_MIN));
    BUILT("big_2p63", term_uint(&b, 1ull << 63));
    static const uint8_t two_p64[9] = {0, 0, 0, 0, 0, 0, 0, 0, 1}, two_p70[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0x40};
    BUILT("big_2p64", term_big(&b, false, two_p64, 9));
    BUILT("big_neg_2p70", term_big(&b, true, two_p70, 9));
    static uint8_t two_p2100[263];
    two_p2100[262] = 1 << 4; /* 2100 = 8 * 262 + 4 */
    BUILT("big_2p2100", term_big(&b, false, two_p2100, 263));
    BUILT("float_1_5", term_float_bits(&b, 0x3ff8000000000000ull));
    BUILT("float_pi", term_float_bits(&b, 0x400921fb54442d18ull));
    double neg = -1.0e300;
    uint64_t neg_bits;
    memcpy(&neg_bits, &neg, 8);
    BUILT("float_neg_1e300", term_float_bits(&b, neg_bits));
    BUILT("tuple_empty", term_tuple(&b, 0));
    BUILT("tuple_ok_1", term_tuple(&b, 2); term_atom(&b, "ok"); term_int(&b, 1));
    BUILT("tuple_300", term_tuple(&b, 300); for (int i = 1; i <= 300; i++) term_int(&b, i));
    BUILT("nil", term_nil(&b));
    BUILT("string_hello", term_string(&b, "hello", 5));
    BUILT("list_ints", term_list(&b, 3); term_int(&b, 1); term_int(&b, 2); term_int(&b, 300); term_nil(&b));
    BUILT("list_improper", term_list(&b, 1); term_atom(&b, "a"); term_atom(&b, "b"));
    BUILT("list_nested", term_list(&b, 3); term_string(&b, "\1", 1); term_list(&b, 1); term_string(&b, "\2", 1);
          term_nil(&b); term_nil(&b); term_nil(&b));
    BUILT("binary_empty", term_binary(&b, "", 0));
    BUILT("binary_123", term_binary(&b, "\1\2\3", 3));
    BUILT("bitstring_3", term_bitstring(&b, "\x20", 1, 3));
    BUILT("bitstring_13", term_bitstring(&b, "\xff\x08", 2, 5));
    BUILT("map_empty", term_map(&b, 0));
    BUILT("map_two", term_map(&b, 2); term_atom(&b, "a"); term_int(&b, 1); term_binary(&b, "b", 1); term_string(&b, "\2", 1));
    BUILT("pid_local", term_pid(&b, &pid));
    struct term_pid remote = {{(const uint8_t *)node_remote, 16, false}, 5, 0, 0x12345678};
    BUILT("pid_remote", term_pid(&b, &remote));
    BUILT("ref_local", term_ref(&b, &ref));
    struct term_port port = {{(const uint8_t *)node_local, 13, false}, 5, 0};
    BUILT("port_local", term_port(&b, &port));
    BUILT("export_lists_map", term_export(&b, "lists", "map", 2));
    BUILT("gen_call", term_tuple(&b, 3); term_atom(&b, "$gen_call"); term_tuple(&b, 2); term_pid(&b, &pid);
          term_ref(&b, &ref); term_tuple(&b, 3); term_atom(&b, "echo"); term_binary(&b, "hi", 2); term_list(&b, 3);
          term_float_bits(&b, 0x3ff8000000000000ull); term_map(&b, 1); term_atom(&b, "k"); term_atom(&b, "v");
          term_string(&b, "str", 3); term_nil(&b));
}

static struct term decoded(const char *name, int otp25)
{
    const struct term_fixture *f = fixture(name);
    struct term t;
    memset(&t, 0, sizeof t);
    long n = otp25 ? term_decode_exact(f->otp25, f->otp25_len, &t) : term_decode_exact(f->v2, f->v2_len, &t);
    CHECK(n > 0, "%s: %s", name, term_strerror((int)n));
    return t;
}

static void term_decoded_values_are_erls(void)
{
    struct term t = decoded("int_min64", 0);
    CHECK(t.kind == TERM_INTEGER && t.integer == INT64_MIN, "int_min64: kind %d value %lld", t.kind, (long long)t.integer);
    t = decoded("int_max64", 0);
    CHECK(t.kind == TERM_INTEGER && t.integer == INT64_MAX, "int_max64");
    t = decoded("int_neg1", 0);
    CHECK(t.kind == TERM_INTEGER && t.integer == -1, "int_neg1");
    t = decoded("big_2p63", 0);
    CHECK(t.kind == TERM_BIG && t.big.n == 8 && t.big.digits[7] == 0x80, "2^63 does not fit int64_t: a big");
    t = decoded("big_2p64", 0);
    CHECK(t.kind == TERM_BIG && !t.big.negative && t.big.n == 9 && t.big.digits[8] == 1, "big_2p64");
    t = decoded("big_neg_2p70", 0);
    CHECK(t.kind == TERM_BIG && t.big.negative, "big_neg_2p70 is negative");
    t = decoded("float_pi", 0);
    double pi;
    memcpy(&pi, &t.float_bits, 8);
    CHECK(t.kind == TERM_FLOAT && pi == 3.141592653589793, "float_pi: %.17g", pi);
    for (int k = 0; k < 2; k++) {
        t = decoded("atom_latin1", k);
        char name[16];
        CHECK(term_is_atom(&t, "h\xc3\xa9llo") && t.atom.latin1 == (k == 1), "atom_latin1 (%d) compares as UTF-8", k);
        CHECK(term_text_utf8(&t.atom, name, sizeof name) && !strcmp(name, "h\xc3\xa9llo"), "atom_latin1 copied out as UTF-8");
        CHECK(!term_text_utf8(&t.atom, name, 6), "a name that does not fit is refused");
        CHECK(!term_is_atom(&t, "hello") && !term_is_atom(&t, "h\xc3\xa9llo!"), "other names differ");
    }
    t = decoded("pid_remote", 0);
    CHECK(t.kind == TERM_PID && term_text_eq_str(&t.pid.node, "armada@127.0.0.1") && t.pid.id == 5 &&
          t.pid.serial == 0 && t.pid.creation == 0x12345678, "pid_remote fields");
    t = decoded("ref_local", 1);
    CHECK(t.kind == TERM_REF && t.ref.n_ids == 3 && t.ref.ids[0] == 3 && t.ref.ids[1] == 2 && t.ref.ids[2] == 1,
          "ref_local: #Ref<0.1.2.3> holds ids 3, 2, 1 (least significant first)");
    t = decoded("port_local", 0);
    CHECK(t.kind == TERM_PORT && t.port.id == 5, "port_local");
    t = decoded("bitstring_13", 0);
    CHECK(t.kind == TERM_BINARY && t.binary.len == 2 && t.binary.bits == 5 && t.binary.bytes[1] == 0x08, "bitstring_13");
    t = decoded("tuple_300", 0);
    struct term e;
    CHECK(term_arity(&t) == 300 && term_element(&t, 299, &e) && e.kind == TERM_INTEGER && e.integer == 300,
          "tuple_300: element 300 is 300");
    CHECK(!term_element(&t, 300, &e), "tuple_300: no element 301");
    t = decoded("map_two", 0);
    CHECK(term_map_get_atom(&t, "a", &e) && e.integer == 1 && !term_map_get_atom(&t, "b", &e), "map_two: a => 1, no atom b");
    t = decoded("string_hello", 0);
    CHECK(term_element(&t, 1, &e) && e.integer == 'e' && term_arity(&t) == 5, "a string walks as its bytes");
    t = decoded("list_improper", 0);
    term_list_tail(&t, &e);
    CHECK(term_is_atom(&e, "b"), "list_improper: tail b");
}

static void term_match_binds_and_refuses(void)
{
    struct term t = decoded("gen_call", 1), any, list;
    struct term_pid pid;
    struct term_ref ref;
    const uint8_t *bytes;
    uint32_t len;
    int64_t i;
    CHECK(term_match(&t, "{'$gen_call', {~p, ~r}, {echo, ~b, [_, ~t, ~l]}}", &pid, &ref, &bytes, &len, &any, &list),
          "gen_call matches");
    CHECK(pid.id == 42 && pid.serial == 7 && ref.n_ids == 3 && len == 2 && !memcmp(bytes, "hi", 2) &&
              any.kind == TERM_MAP && list.kind == TERM_STRING, "gen_call: bound values");
    CHECK(!term_match(&t, "{'$gen_call', _, {echo, _, [_, _]}}"), "a shorter list does not match");
    CHECK(!term_match(&t, "{'$gen_call', _, {echo, _, [_, _, _, _]}}"), "a longer list does not match");
    CHECK(!term_match(&t, "{'$gen_call', _}"), "a smaller tuple does not match");
    CHECK(!term_match(&t, "{'$gen_cast', _, _}"), "another atom does not match");
    t = decoded("tuple_ok_1", 0);
    CHECK(term_match(&t, "{ok, ~i}", &i) && i == 1, "{ok, ~i}");
    CHECK(term_match(&t, "{ok, 1}") && !term_match(&t, "{ok, 2}") && !term_match(&t, "{ok, -1}"), "integer literals");
    CHECK(!term_match(&t, "{ok, 1"), "unclosed pattern: no match");
    CHECK(!term_match(&t, "{ok, ~z}"), "unknown directive: no match");
    CHECK(!term_match(&t, "{ok, 1} x"), "text after the pattern: no match");
    t = decoded("list_improper", 0);
    CHECK(term_match(&t, "[a | b]") && !term_match(&t, "[a]") && !term_match(&t, "[a | c]"), "improper list tail");
    t = decoded("nil", 0);
    CHECK(term_match(&t, "[]") && !term_match(&t, "[_]") && !term_match(&t, "{}"), "[] is the empty list only");
    t = decoded("int_min64", 0);
    CHECK(term_match(&t, "-9223372036854775808"), "INT64_MIN as a literal");
}

/* Every cut of every fixture is refused, and *out is not written. */
static void term_truncated_encodings_are_refused(void)
{
    for (size_t i = 0; i < N_FIXTURES; i++) {
        const struct term_fixture *f = &term_fixtures[i];
        for (size_t cut = 0; cut < f->v2_len; cut++) {
            uint8_t *copy = malloc(cut + 1); /* exactly cut bytes are readable by ASan's account */
            memcpy(copy, f->v2, cut);
            struct term t = {.kind = TERM_PORT, .ext_len = 77};
            long n = term_decode(copy, cut, &t);
            CHECK(n == TERM_ERR_TRUNCATED && t.kind == TERM_PORT && t.ext_len == 77, "%s cut at %zu: %ld", f->name, cut, n);
            free(copy);
        }
    }
}

static long decode_bytes(const uint8_t *bytes, size_t len)
{
    struct term t;
    return term_decode_exact(bytes, len, &t);
}
#define DECODES_AS(want, ...)                                                                 \
    do {                                                                                      \
        static const uint8_t in[] = {__VA_ARGS__};                                            \
        long got = decode_bytes(in, sizeof in);                                               \
        CHECK(got == (want), "{%s}: got %ld (%s), want %s", #__VA_ARGS__, got, term_strerror((int)got), #want); \
    } while (0)

static void term_broken_encodings_are_refused(void)
{
    DECODES_AS(TERM_ERR_VERSION, 130, 97, 1);
    DECODES_AS(TERM_ERR_TAG, 131, 1);
    DECODES_AS(TERM_ERR_TRAILING, 131, 97, 1, 0);
    DECODES_AS(TERM_ERR_VALUE, 131, 119, 2, 0xc3, 0x28);            /* not UTF-8 */
    DECODES_AS(TERM_ERR_VALUE, 131, 119, 2, 0xc0, 0x80);            /* overlong NUL */
    DECODES_AS(TERM_ERR_VALUE, 131, 119, 3, 0xed, 0xa0, 0x80);      /* a surrogate */
    DECODES_AS(TERM_ERR_VALUE, 131, 110, 1, 2, 1);                  /* big with sign 2 */
    DECODES_AS(TERM_ERR_VALUE, 131, 77, 0, 0, 0, 1, 0, 0);          /* bitstring of 0 bits */
    DECODES_AS(TERM_ERR_VALUE, 131, 77, 0, 0, 0, 1, 9, 0);          /* 9 bits in a byte */
    DECODES_AS(TERM_ERR_TRUNCATED, 131, 105, 0xff, 0xff, 0xff, 0xff, 106, 106); /* 2^32-1 elements claimed */
    DECODES_AS(TERM_ERR_TRUNCATED, 131, 116, 0x80, 0, 0, 0, 106);  /* 2^31 pairs claimed */
    DECODES_AS(TERM_ERR_UNSUPPORTED, 131, 112, 0, 0, 0, 5, 0);     /* NEW_FUN_EXT */
    DECODES_AS(TERM_ERR_UNSUPPORTED, 131, 80, 0, 0, 0, 1, 0);      /* compressed */
    DECODES_AS(TERM_ERR_UNSUPPORTED, 131, 104, 1, 82, 0);          /* atom cache reference */
    DECODES_AS(TERM_ERR_TAG, 131, 88, 97, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0); /* a pid whose node is no atom */
    DECODES_AS(TERM_ERR_VALUE, 131, 90, 0, 0, 119, 1, 'a', 0, 0, 0, 0);            /* a reference of 0 words */
    DECODES_AS(TERM_ERR_VALUE, 131, 113, 119, 1, 'm', 119, 1, 'f', 98, 0, 0, 0, 1); /* export arity not small */
    /* 256 characters are one too many for an atom */
    uint8_t big_atom[3 + 1 + 256] = {131, 100, 1, 0};
    memset(big_atom + 4, 'x', 256);
    CHECK(decode_bytes(big_atom, 3 + 1 + 256) == TERM_ERR_VALUE, "a 256-character atom is refused");
    /* a million nested one-tuples: no recursion, so no stack to run out of */
    size_t deep = 1000000;
    uint8_t *nest = malloc(2 * deep + 2);
    nest[0] = 131;
    for (size_t i = 0; i < deep; i++) nest[1 + 2 * i] = 104, nest[2 + 2 * i] = 1;
    nest[1 + 2 * deep] = 106;
    struct term t;
    CHECK(term_decode_exact(nest, 2 * deep + 2, &t) == (long)(2 * deep + 2) && t.kind == TERM_TUPLE,
          "a million nested tuples decode");
    free(nest);
}

static void term_builder_never_writes_past_its_buffer(void)
{
    const struct term_fixture *f = fixture("gen_call");
    for (size_t cap = 0; cap < f->v2_len; cap++) {
        uint8_t *mem = malloc(cap ? cap : 1); /* ASan reports a write past cap */
        struct term_buf b;
        struct term t = decoded("gen_call", 0);
        term_begin(&b, mem, cap);
        rebuild(&b, &t);
        CHECK(term_end(&b) == -1, "cap %zu: overflow reported", cap);
        free(mem);
    }
    static uint8_t mem[300000];
    static uint8_t text[70000];
    memset(text, 'a', sizeof text);
    struct term_buf b;
    struct term t, e;
    term_begin(&b, mem, sizeof mem);
    term_string(&b, text, sizeof text);
    long n = term_end(&b);
    /* past 65535 bytes erl writes a string as a list of small integers */
    CHECK(n == 1 + 5 + 2 * 70000 + 1 && term_decode_exact(mem, (size_t)n, &t) == n && t.kind == TERM_LIST &&
              term_arity(&t) == 70000 && term_element(&t, 69999, &e) && e.integer == 'a',
          "a 70000-byte string: %ld bytes", n);
}

int main(void)
{
    RUN(term_every_fixture_decodes_and_rebuilds_to_erls_bytes);
    RUN(term_builder_writes_erls_bytes);
    RUN(term_decoded_values_are_erls);
    RUN(term_match_binds_and_refuses);
    RUN(term_truncated_encodings_are_refused);
    RUN(term_broken_encodings_are_refused);
    RUN(term_builder_never_writes_past_its_buffer);
    return unit_failed_cases != 0;
}
