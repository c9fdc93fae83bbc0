/* A small vsnprintf. Output is always NUL-terminated when size > 0; the
 * return value is the length the full output would have had (C99). */
#include <lib/fmt.h>
#include <stdbool.h>
#include <stdint.h>

struct out {
    char *buf;
    size_t size, len;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

struct spec {
    bool left, zero, plus, space, alt;
    int width, precision; /* precision -1: none */
};

static void put_str(struct out *o, const char *s, const struct spec *sp)
{
    if (!s)
        s = "(null)";
    int n = 0;
    while (s[n] && (sp->precision < 0 || n < sp->precision))
        n++;
    if (!sp->left)
        pad(o, ' ', sp->width - n);
    for (int i = 0; i < n; i++)
        put(o, s[i]);
    if (sp->left)
        pad(o, ' ', sp->width - n);
}

static void put_num(struct out *o, uint64_t v, bool negative, unsigned base, bool upper,
                    const struct spec *sp)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;
    while (v) {
        tmp[n++] = digits[v % base];
        v /= base;
    }
    int ndigits = n;
    int precision = sp->precision < 0 ? 1 : sp->precision;
    if (ndigits < precision)
        ndigits = precision;
    const char *prefix = "";
    if (negative)
        prefix = "-";
    else if (sp->plus)
        prefix = "+";
    else if (sp->space)
        prefix = " ";
    else if (sp->alt && base == 16 && n)
        prefix = upper ? "0X" : "0x";
    else if (sp->alt && base == 8 && ndigits == n)
        prefix = "0";
    int plen = 0;
    while (prefix[plen])
        plen++;
    int total = plen + ndigits;
    bool zero_pad = sp->zero && !sp->left && sp->precision < 0;
    if (!sp->left && !zero_pad)
        pad(o, ' ', sp->width - total);
    for (int i = 0; i < plen; i++)
        put(o, prefix[i]);
    if (zero_pad)
        pad(o, '0', sp->width - total);
    pad(o, '0', ndigits - n);
    while (n)
        put(o, tmp[--n]);
    if (sp->left)
        pad(o, ' ', sp->width - total);
}

static int parse_int(const char **f)
{
    int v = 0;
    while (**f >= '0' && **f <= '9')
        v = v * 10 + (*(*f)++ - '0');
    return v;
}

int fmt_vsnprintf(char *buf, size_t size, const char *f, va_list ap)
{
    struct out o = {buf, size, 0};
    for (; *f; f++) {
        if (*f != '%') {
            put(&o, *f);
            continue;
        }
        f++;
        struct spec sp = {.precision = -1};
        for (;; f++) {
            if (*f == '-') sp.left = true;
            else if (*f == '0') sp.zero = true;
            else if (*f == '+') sp.plus = true;
            else if (*f == ' ') sp.space = true;
            else if (*f == '#') sp.alt = true;
            else break;
        }
        if (*f == '*') {
            sp.width = va_arg(ap, int);
            if (sp.width < 0)
                sp.left = true, sp.width = -sp.width;
            f++;
        } else {
            sp.width = parse_int(&f);
        }
        if (*f == '.') {
            f++;
            if (*f == '*') {
                sp.precision = va_arg(ap, int);
                f++;
            } else {
                sp.precision = parse_int(&f);
            }
        }
        int length = 0; /* -2 hh, -1 h, 0 int, 1 long, 2 long long / size_t */
        for (;; f++) {
            if (*f == 'h') length--;
            else if (*f == 'l') length++;
            else if (*f == 'z' || *f == 't' || *f == 'j') length = 2;
            else break;
        }
        char c = *f;
        if (!c)
            break;
        if (c == 'd' || c == 'i') {
            int64_t v = length >= 1 ? va_arg(ap, int64_t) : va_arg(ap, int);
            if (length == -1) v = (short)v;
            if (length == -2) v = (signed char)v;
            put_num(&o, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, 10, false, &sp);
        } else if (c == 'u' || c == 'x' || c == 'X' || c == 'o') {
            uint64_t v = length >= 1 ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            if (length == -1) v = (unsigned short)v;
            if (length == -2) v = (unsigned char)v;
            unsigned base = c == 'u' ? 10 : c == 'o' ? 8 : 16;
            put_num(&o, v, false, base, c == 'X', &sp);
        } else if (c == 'p') {
            sp.alt = true;
            put_num(&o, (uintptr_t)va_arg(ap, void *), false, 16, false, &sp);
        } else if (c == 's') {
            put_str(&o, va_arg(ap, const char *), &sp);
        } else if (c == 'c') {
            char s[2] = {(char)va_arg(ap, int), 0};
            sp.precision = 1;
            if (!s[0]) { /* %c of NUL still emits one byte */
                if (!sp.left) pad(&o, ' ', sp.width - 1);
                put(&o, 0);
                if (sp.left) pad(&o, ' ', sp.width - 1);
            } else {
                put_str(&o, s, &sp);
            }
        } else {
            put(&o, '%');
            if (c != '%')
                put(&o, c);
        }
    }
    if (size)
        buf[o.len < size ? o.len : size - 1] = 0;
    return (int)o.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = fmt_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
