/* kprintf and friends over the installed sink: see print.h. */
#include <lib/fmt.h>
#include <lib/print.h>

static const struct print_sink *sink;
static bool panicking; /* set once by print_panic_mode; read by every print */

void print_sink_set(const struct print_sink *s) { __atomic_store_n(&sink, s, __ATOMIC_RELEASE); } /* the sink's setup before its use */
void print_panic_mode(void) { __atomic_store_n(&panicking, true, __ATOMIC_RELAXED); } /* a mode switch, orders nothing */

void print_write(const char *s, unsigned long n)
{
    const struct print_sink *k = __atomic_load_n(&sink, __ATOMIC_ACQUIRE); /* pairs with print_sink_set */
    if (!k)
        return;
    if (__atomic_load_n(&panicking, __ATOMIC_RELAXED))
        k->write_takeover(s, n);
    else
        k->write(s, n);
}

void print_write_unlocked(const char *s, unsigned long n)
{
    const struct print_sink *k = __atomic_load_n(&sink, __ATOMIC_ACQUIRE); /* pairs with print_sink_set */
    if (k)
        k->write_unlocked(s, n);
}

static unsigned long clipped(int n) { return n < PRINT_LINE_MAX ? (unsigned long)n : PRINT_LINE_MAX - 1; }

/* Format one line on the stack and hand it to a writer. */
static int print_line(void (*write)(const char *, unsigned long), const char *fmt, va_list ap)
{
    char line[PRINT_LINE_MAX];
    int n = fmt_vsnprintf(line, sizeof line, fmt, ap);
    write(line, clipped(n));
    return n;
}

int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = print_line(print_write, fmt, ap);
    va_end(ap);
    return n;
}

int kprintf_unlocked(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = print_line(print_write_unlocked, fmt, ap);
    va_end(ap);
    return n;
}
