/* Seqlock: readers on every other core never accept a torn multi-word value
 * while one core rewrites it continuously. */
#include <stddef.h>

#include <arch/atomic.h>
#include <arch/cpu.h>
#include <drivers/console.h>
#include <sync/seqlock.h>
#include <tests/image/harness.h>
#include <tests/image/sync_everywhere.h>

#define SEQ_WRITES 3000
#define SEQ_WORDS 6 /* more than one exclusive pair: a torn copy is visible */
#define RUN_TIMEOUT_MS 60000

static struct seqlock sl = SEQLOCK_INIT("test-seqlock");
static uint64_t data[SEQ_WORDS]; /* all words = generation * (i + 1) */
static uint32_t writer_done;
static uint64_t torn, reads, retries;

static bool consistent(const uint64_t *copy)
{
    for (int i = 1; i < SEQ_WORDS; i++)
        if (copy[i] != copy[0] * (uint64_t)(i + 1))
            return false;
    return true;
}

static void seq_work(void *arg)
{
    (void)arg;
    if (this_cpu_id() == 0) { /* the writer */
        for (uint64_t gen = 1; gen <= SEQ_WRITES; gen++) {
            uint64_t flags = write_seqlock(&sl);
            for (int i = 0; i < SEQ_WORDS; i++)
                WRITE_ONCE(data[i], gen * (uint64_t)(i + 1));
            write_sequnlock(&sl, flags);
        }
        store_release(&writer_done, 1); /* release: the last write is visible first */
        return;
    }
    uint64_t my_reads = 0, my_retries = 0, my_torn = 0, last = 0;
    do {
        uint64_t copy[SEQ_WORDS];
        uint32_t s;
        do {
            s = read_seqbegin(&sl);
            for (int i = 0; i < SEQ_WORDS; i++)
                copy[i] = READ_ONCE(data[i]);
            my_retries++;
        } while (read_seqretry(&sl, s));
        my_retries--;
        my_reads++;
        /* Accepted copies are whole, and never go back in time. */
        if (!consistent(copy) || copy[0] < last)
            my_torn++;
        last = copy[0];
    } while (!load_acquire(&writer_done)); /* acquire: pairs with the writer's release */
    atomic64_add(&reads, my_reads); /* counts only */
    atomic64_add(&retries, my_retries);
    atomic64_add(&torn, my_torn);
}

IMAGE_TEST(sync, seqlock_readers_never_see_torn_values)
{
    torn = reads = retries = 0;
    writer_done = 0;
    for (int i = 0; i < SEQ_WORDS; i++)
        data[i] = 0;
    TEST_ASSERT(run_on_every_core(seq_work, NULL, RUN_TIMEOUT_MS), "cores did not finish");
    kprintf("sync: seqlock: %lu reads accepted, %lu retried, while %u writes\n", (unsigned long)reads,
            (unsigned long)retries, SEQ_WRITES);
    TEST_ASSERT(torn == 0, "%lu accepted reads were torn or went backwards", (unsigned long)torn);
    TEST_ASSERT(cpus_online_count() == 1 || reads > 0, "no reader completed a read");
    TEST_ASSERT(data[0] == SEQ_WRITES && consistent(data), "final value wrong");
    TEST_ASSERT(!(sl.seq & 1) && sl.seq == 2 * SEQ_WRITES, "sequence %u after %u writes", sl.seq, SEQ_WRITES);
    return true;
}
