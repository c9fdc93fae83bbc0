/* Semihosting: with the `semihosting` boot word, a file written here appears
 * on the host (tests/qemu/matrix-trace.sh compares it with the line this test
 * prints); without it, every call answers -1 and nothing traps. */
#include <arch/cpu.h>
#include <arch/semihost.h>
#include <arch/timer.h>
#include <lib/fmt.h>
#include <lib/print.h>
#include <string.h>
#include <tests/image/harness.h>

#define SEMIHOST_TEST_FILE "build/trace/semihost-test.txt"

IMAGE_TEST(semihost, writes_host_file)
{
    if (!semihost_available())
        TEST_SKIP("no semihosting (boot word `semihosting` not given)");
    char line[128];
    /* Content the host cannot guess: the counter at this moment. */
    int n = fmt_snprintf(line, sizeof line, "semihost: %u cores online, counter %lu\n", cpus_online_count(),
                         (unsigned long)timer_now());
    long fd = semihost_open_write(SEMIHOST_TEST_FILE);
    TEST_ASSERT(fd >= 0, "SYS_OPEN %s answered %ld (does build/trace exist?)", SEMIHOST_TEST_FILE, fd);
    long left = semihost_write(fd, line, (size_t)n);
    long closed = semihost_close(fd);
    TEST_ASSERT(left == 0, "SYS_WRITE left %ld of %d bytes unwritten", left, n);
    TEST_ASSERT(closed == 0, "SYS_CLOSE answered %ld", closed);
    kprintf("wrote: %s", line);
    return true;
}

IMAGE_TEST(semihost, refuses_missing_directory)
{
    if (!semihost_available())
        TEST_SKIP("no semihosting (boot word `semihosting` not given)");
    long fd = semihost_open_write("build/trace/no-such-dir/x.txt");
    TEST_ASSERT(fd == -1, "SYS_OPEN of a path in a missing directory answered %ld", fd);
    return true;
}

IMAGE_TEST(semihost, off_answers_minus_one)
{
    if (semihost_available())
        TEST_SKIP("semihosting is on in this run");
    TEST_ASSERT(semihost_open_write(SEMIHOST_TEST_FILE) == -1, "open without semihosting did not answer -1");
    TEST_ASSERT(semihost_write(3, "x", 1) == -1, "write without semihosting did not answer -1");
    TEST_ASSERT(semihost_close(3) == -1, "close without semihosting did not answer -1");
    return true;
}
