/* The spinlock debug checks end the run on purpose: explicit-only tests
 * (`test=syncdebug.recursive_lock`) of the debug build (make LOCKS=debug),
 * judged by tests/qemu/matrix-sync.sh on the report and the panic. */
#include <sync/spinlock.h>
#include <sync/xcall.h>
#include <tests/image/harness.h>

static DEFINE_SPINLOCK(victim, "debug-victim");

IMAGE_TEST_EXPLICIT(syncdebug, recursive_lock)
{
    if (!SPIN_DEBUG)
        TEST_SKIP("the lean build has no lock checks: boot build/lockdebug/armada.img (make LOCKS=debug)");
    spin_lock(&victim);
    spin_lock(&victim); /* reported, then panic */
    TEST_FAIL("a recursive spin_lock returned");
}

static void take_and_keep(void *arg)
{
    (void)arg;
    spin_lock(&victim); /* held by cpu1 from now on */
}

IMAGE_TEST_EXPLICIT(syncdebug, unlock_by_non_owner)
{
    if (!SPIN_DEBUG)
        TEST_SKIP("the lean build has no lock checks: boot build/lockdebug/armada.img (make LOCKS=debug)");
    if (smp_call_function_single(1, take_and_keep, 0, true) != 0)
        spin_lock(&victim); /* one core: unlock twice instead */
    else
        TEST_ASSERT(spin_is_locked(&victim), "cpu1 did not take the lock");
    spin_unlock(&victim); /* one core: fine; then the second one is reported */
    spin_unlock(&victim);
    TEST_FAIL("an unlock by a non-owner returned");
}
