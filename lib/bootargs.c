/* Boot argument parsing: pure logic, tested on the host. */
#include <lib/bootargs.h>
#include <stdlib.h>
#include <string.h>

static void copy_word(char *dst, unsigned cap, const char *src, unsigned n)
{
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}

static bool word_is(const char *w, unsigned n, const char *key) { return strlen(key) == n && !memcmp(w, key, n); }

static void parse_word(struct bootargs *b, const char *w, unsigned n)
{
    const char *eq = memchr(w, '=', n);
    unsigned klen = eq ? (unsigned)(eq - w) : n;
    const char *val = eq ? eq + 1 : "";
    unsigned vlen = eq ? n - klen - 1 : 0;
    if (word_is(w, klen, "test")) {
        b->test = true;
        copy_word(b->test_list, BOOTARGS_LIST, val, vlen);
    } else if (word_is(w, klen, "bench")) {
        b->bench = true;
        copy_word(b->bench_list, BOOTARGS_LIST, val, vlen);
    } else if (word_is(w, klen, "litmus")) {
        b->litmus = true;
        copy_word(b->litmus_list, BOOTARGS_LIST, val, vlen);
    } else if (word_is(w, klen, "iters") && vlen) {
        char tmp[24];
        copy_word(tmp, sizeof tmp, val, vlen);
        b->iters = strtoul(tmp, NULL, 0);
    } else if (word_is(w, n, "sched=global")) {
        b->sched_global = true;
    } else if (b->unknown_count < BOOTARGS_MAX_UNKNOWN) {
        copy_word(b->unknown[b->unknown_count++], sizeof b->unknown[0], w, n);
    }
}

void bootargs_parse(struct bootargs *b, const char *s)
{
    memset(b, 0, sizeof *b);
    while (*s) {
        while (*s == ' ' || *s == '\t' || *s == '\n')
            s++;
        const char *start = s;
        while (*s && *s != ' ' && *s != '\t' && *s != '\n')
            s++;
        if (s > start)
            parse_word(b, start, (unsigned)(s - start));
    }
}

bool bootargs_selects(const char *list, const char *name)
{
    if (!*list)
        return true;
    size_t nlen = strlen(name);
    while (*list) {
        const char *end = strchr(list, ',');
        size_t len = end ? (size_t)(end - list) : strlen(list);
        if (len && len <= nlen && !memcmp(list, name, len) && (name[len] == 0 || name[len] == '.'))
            return true;
        if (!end)
            break;
        list = end + 1;
    }
    return false;
}
