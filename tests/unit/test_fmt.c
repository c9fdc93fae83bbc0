/* lib/fmt.c against the host's snprintf, which is the specification. */
#include <lib/fmt.h>
#include <stdint.h>
#include <string.h>

#include "unit.h"

#define SAME(...)                                                                        \
    do {                                                                                 \
        char ours[128], libc[128];                                                       \
        int a = fmt_snprintf(ours, sizeof ours, __VA_ARGS__);                            \
        int b = snprintf(libc, sizeof libc, __VA_ARGS__);                                \
        CHECK(a == b && !strcmp(ours, libc), "%s: got \"%s\" (%d), libc \"%s\" (%d)", #__VA_ARGS__, ours, a, libc, b); \
    } while (0)

static void fmt_integers_match_libc(void)
{
    SAME("%d %i %u", 0, -1, 42u);
    SAME("%d", INT32_MIN);
    SAME("%ld %lu", (long)INT64_MIN, (unsigned long)UINT64_MAX);
    SAME("%lld %llx", -5LL, 0xdeadbeefcafeULL);
    SAME("%x %X %o", 255u, 255u, 8u);
    SAME("%#x %#X %#o %#x", 255u, 255u, 8u, 0u);
    SAME("%5d|%-5d|%05d|%+d|% d", 42, 42, 42, 42, 42);
    SAME("%.3d|%8.3d|%-8.3d|%08.3d", 7, 7, 7, 7);
    SAME("%hhd %hd %hhu %hu", 300, 70000, 300, 70000);
    SAME("%zu %zx", (size_t)123456789, (size_t)0xabc);
    SAME("%#018lx", 0x1234UL);
    SAME("%*d|%-*d|%.*d", 6, 1, 6, 2, 4, 3);
    SAME("%.0d|%.0x", 0, 0u);
}

static void fmt_strings_and_chars_match_libc(void)
{
    SAME("%s|%10s|%-10s|%.2s|%5.1s", "abc", "abc", "abc", "abc", "abc");
    SAME("%c%c%3c%-3c|", 'a', 'b', 'c', 'd');
    SAME("100%% %s", "done");
    SAME("%p", (void *)0x40200000);
}

static void fmt_truncates_and_terminates(void)
{
    char buf[8];
    memset(buf, 'x', sizeof buf);
    int n = fmt_snprintf(buf, sizeof buf, "%s", "0123456789");
    CHECK(n == 10, "returned %d, want the untruncated length 10", n);
    CHECK(!strcmp(buf, "0123456"), "got \"%s\"", buf);
    n = fmt_snprintf(buf, 1, "abc");
    CHECK(n == 3 && buf[0] == 0, "size 1: n=%d buf[0]=%d", n, buf[0]);
    n = fmt_snprintf(NULL, 0, "%d", 12345);
    CHECK(n == 5, "size 0 counts only: %d", n);
}

int main(void)
{
    RUN(fmt_integers_match_libc);
    RUN(fmt_strings_and_chars_match_libc);
    RUN(fmt_truncates_and_terminates);
    return unit_failed_cases != 0;
}
