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

bool bootargs_parse_ipv4(const char *s, unsigned n, uint32_t *out)
{
    uint32_t addr = 0;
    unsigned i = 0;
    for (int part = 0; part < 4; part++) {
        if (part && (i >= n || s[i++] != '.'))
            return false;
        unsigned v = 0, digits = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9' && digits < 4) {
            v = v * 10 + (unsigned)(s[i++] - '0');
            digits++;
        }
        if (!digits || v > 255)
            return false;
        addr = addr << 8 | v;
    }
    if (i != n)
        return false;
    *out = addr;
    return true;
}

static bool parse_number(const char *val, unsigned vlen, uint64_t max, uint64_t *out)
{
    char tmp[24];
    char *end;
    if (!vlen || vlen >= sizeof tmp)
        return false;
    copy_word(tmp, sizeof tmp, val, vlen);
    uint64_t v = strtoul(tmp, &end, 10);
    if (*end || v > max)
        return false;
    *out = v;
    return true;
}

/* ip=A.B.C.D or ip=A.B.C.D/N */
static bool parse_ip(struct bootargs *b, const char *val, unsigned vlen)
{
    const char *slash = memchr(val, '/', vlen);
    unsigned alen = slash ? (unsigned)(slash - val) : vlen;
    uint64_t prefix = 24;
    uint32_t addr;
    if (!bootargs_parse_ipv4(val, alen, &addr) || addr == 0)
        return false;
    if (slash && (!parse_number(slash + 1, vlen - alen - 1, 32, &prefix) || prefix == 0))
        return false;
    b->net_ip = addr;
    b->net_prefix = (uint8_t)prefix;
    return true;
}

static bool parse_net_word(struct bootargs *b, const char *w, unsigned klen, const char *val, unsigned vlen)
{
    uint64_t v;
    if (word_is(w, klen, "ip"))
        return parse_ip(b, val, vlen);
    if (word_is(w, klen, "gw"))
        return bootargs_parse_ipv4(val, vlen, &b->net_gw);
    if (word_is(w, klen, "dhcp") && word_is(val, vlen, "off"))
        return (b->net_dhcp_off = true);
    if (word_is(w, klen, "echo") && parse_number(val, vlen, 65535, &v) && v)
        return (b->echo_port = (uint16_t)v) != 0;
    if (word_is(w, klen, "echo.quit") && parse_number(val, vlen, UINT32_MAX, &v))
        return (b->echo_quit = (uint32_t)v), true;
    return false;
}

/* node=NAME@HOST: both parts non-empty, one '@', no quoting needed in Erlang */
static bool parse_node(struct bootargs *b, const char *val, unsigned vlen)
{
    const char *at = memchr(val, '@', vlen);
    if (!at || at == val || at == val + vlen - 1 || memchr(at + 1, '@', vlen - (unsigned)(at - val) - 1) ||
        vlen >= sizeof b->node)
        return false;
    copy_word(b->node, sizeof b->node, val, vlen);
    return true;
}

/* epmd=PORT or epmd=A.B.C.D:PORT */
static bool parse_epmd(struct bootargs *b, const char *val, unsigned vlen)
{
    const char *colon = memchr(val, ':', vlen);
    uint64_t port;
    uint32_t addr = 0;
    unsigned alen = colon ? (unsigned)(colon - val) : 0;
    if (colon && !bootargs_parse_ipv4(val, alen, &addr))
        return false;
    if (!parse_number(colon ? colon + 1 : val, colon ? vlen - alen - 1 : vlen, 65535, &port) || !port)
        return false;
    b->epmd_addr = addr;
    b->epmd_port = (uint16_t)port;
    return true;
}

static bool parse_dist_word(struct bootargs *b, const char *w, unsigned klen, const char *val, unsigned vlen)
{
    uint64_t v;
    if (word_is(w, klen, "node"))
        return parse_node(b, val, vlen);
    if (word_is(w, klen, "cookie") && vlen && vlen < sizeof b->cookie)
        return copy_word(b->cookie, sizeof b->cookie, val, vlen), true;
    if (word_is(w, klen, "dist.port") && parse_number(val, vlen, 65535, &v) && v)
        return (b->dist_port = (uint16_t)v) != 0;
    if (word_is(w, klen, "epmd"))
        return parse_epmd(b, val, vlen);
    if (word_is(w, klen, "dist.connect") && vlen && vlen < sizeof b->dist_connect && memchr(val, '@', vlen))
        return copy_word(b->dist_connect, sizeof b->dist_connect, val, vlen), true;
    if (word_is(w, klen, "dist.ticktime") && parse_number(val, vlen, 3600, &v) && v)
        return (b->dist_ticktime = (uint32_t)v) != 0;
    return false;
}

static void parse_word(struct bootargs *b, const char *w, unsigned n)
{
    const char *eq = memchr(w, '=', n);
    unsigned klen = eq ? (unsigned)(eq - w) : n;
    const char *val = eq ? eq + 1 : "";
    unsigned vlen = eq ? n - klen - 1 : 0;
    uint64_t number;
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
    } else if (word_is(w, klen, "soak") && vlen && val[0] >= '1' && val[0] <= '9' &&
               parse_number(val, vlen, 999999999, &number)) { /* soak=12x or soak=0: unknown, below */
        b->soak_seconds = (uint32_t)number;
    } else if (word_is(w, klen, "procs") && parse_number(val, vlen, BOOTARGS_MAX_PROCS, &number) && number) {
        b->procs = (uint32_t)number;
    } else if (word_is(w, n, "diag")) {
        b->diag = true;
    } else if (word_is(w, klen, "trace.demo") && vlen && vlen < sizeof b->trace_demo) {
        copy_word(b->trace_demo, sizeof b->trace_demo, val, vlen);
    } else if (word_is(w, klen, "trace.seconds") && parse_number(val, vlen, 3600, &number) && number) {
        b->trace_seconds = (uint32_t)number;
    } else if (word_is(w, n, "trace=wrap")) {
        b->trace_mode = BOOTARGS_TRACE_WRAP;
    } else if (word_is(w, n, "trace=stop")) {
        b->trace_mode = BOOTARGS_TRACE_STOP;
    } else if (word_is(w, n, "semihosting")) {
        b->semihosting = true;
    } else if (eq && (parse_net_word(b, w, klen, val, vlen) || parse_dist_word(b, w, klen, val, vlen))) {
        /* taken */
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

/* Does the entry (len characters) name `name`: itself, or its suite? */
static bool entry_names(const char *entry, size_t len, const char *name)
{
    size_t nlen = strlen(name);
    return len && len <= nlen && !memcmp(entry, name, len) && (name[len] == 0 || name[len] == '.');
}

/* Walks the list: *named if a plain entry names it, *left_out if a "-" one does; whether any plain entry exists. */
static bool walk_selection(const char *list, const char *name, bool *named, bool *left_out)
{
    bool any_plain = false;
    *named = *left_out = false;
    while (*list) {
        const char *end = strchr(list, ',');
        size_t len = end ? (size_t)(end - list) : strlen(list);
        if (len && list[0] == '-') {
            *left_out |= entry_names(list + 1, len - 1, name);
        } else if (len) {
            any_plain = true;
            *named |= entry_names(list, len, name);
        }
        if (!end)
            break;
        list = end + 1;
    }
    return any_plain;
}

bool bootargs_selects(const char *list, const char *name)
{
    bool named, left_out;
    bool any_plain = walk_selection(list, name, &named, &left_out);
    return !left_out && (named || !any_plain);
}

bool bootargs_names(const char *list, const char *name)
{
    bool named, left_out;
    walk_selection(list, name, &named, &left_out);
    return named && !left_out;
}
