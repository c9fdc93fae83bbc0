/* `ps` lists the first 256 processes by slot and, past them, only the
 * running ones: whoever asks (the shell) is running, so it is always in the
 * list, however many processes were made before it. A probe in a slot past
 * 256 live ones prints the list; tests/qemu/matrix.sh's ps-caller run expects
 * its line (' ps_probe()$'). */
#include <lib/print.h>
#include <sched/sched.h>
#include <tests/image/harness.h>
#include <tests/image/proc_helpers.h>

#define PS_BLOCKERS (SCHED_PS_FIRST + 8) /* more than ps lists in slot order, wherever the free slots are */

static void ps_blocker(void *arg)
{
    (void)arg;
    receive(NULL, NULL, NULL, 0, RECEIVE_FOREVER, NULL); /* until killed */
}

static void ps_probe(void *arg)
{
    pid_t parent = (pid_t)(uintptr_t)arg;
    receive(NULL, NULL, NULL, 0, RECEIVE_FOREVER, NULL); /* go: the test has counted the slots below */
    sched_print_ps();
    send(parent, "done", 4);
}

static uint32_t live_below(uint32_t index)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < index; i++)
        n += pid_from_index(i) != 0;
    return n;
}

IMAGE_TEST(sched, ps_shows_the_caller)
{
    static pid_t blocker[PS_BLOCKERS];
    static uint64_t ref[PS_BLOCKERS];
    uint64_t probe_ref;
    for (uint32_t i = 0; i < PS_BLOCKERS; i++) {
        blocker[i] = spawn_monitored(ps_blocker, NULL, -1, PRIO_NORMAL, &ref[i]);
        TEST_ASSERT(blocker[i], "blocker %u: %s", i, spawn_error());
    }
    pid_t probe = spawn_monitored(ps_probe, (void *)(uintptr_t)self(), -1, PRIO_NORMAL, &probe_ref);
    TEST_ASSERT(probe, "probe: %s", spawn_error());
    uint32_t below = live_below((uint32_t)probe);
    kprintf("ps test: the probe is in slot %u, past %u live processes\n", (uint32_t)probe, below);
    TEST_ASSERT(below >= SCHED_PS_FIRST, "only %u live processes below the probe's slot: it is not past ps's first %u",
                below, SCHED_PS_FIRST);
    send(probe, "go", 2);
    char done[4];
    TEST_ASSERT(receive(NULL, NULL, done, sizeof done, 5000, NULL) == 4, "the probe did not print the list");
    TEST_ASSERT(wait_down(probe_ref, NULL), "the probe did not end");
    for (uint32_t i = 0; i < PS_BLOCKERS; i++) {
        kill(blocker[i]);
        TEST_ASSERT(wait_down(ref[i], NULL), "blocker %u did not end", i);
    }
    return true;
}
