/* The mailbox policy (sched/mailbox_limit.h): a process that never takes its
 * messages while every other core floods it keeps at most its limit; the
 * floods are refused with SEND_MAILBOX_FULL and counted, memory does not run
 * out, and every other process gets all its messages, in order. Named only
 * (test=mailbox): tests/qemu/matrix-sched.sh runs it on 4 cores in 48 MiB,
 * where the flood without the limit would take all memory. */
#include <arch/cpu.h>
#include <sched/mailbox_limit.h>
#include <string.h>
#include <tests/image/harness.h>
#include <tests/image/proc_helpers.h>

#define PARTNER_MSGS 2000     /* per flooder: to its partner, one per flood attempt */
#define FLOOD_LEN 4000        /* a large block (8 KiB) each */
#define FLOOD_BLOCK 8192
#define RESULT_WAIT_MS 120000 /* a busy host, 8 vCPUs on 2 host cores */

enum { TAG_FLOOD = 'F', TAG_QUIT = 'Q', TAG_SEQ = 'S', TAG_RESULT = 'R' };

struct seq_msg {
    uint8_t tag;
    uint32_t seq;
};
struct result_msg {
    uint8_t tag;
    uint8_t role; /* 'P' partner, 'F' flooder */
    uint32_t who;
    uint32_t accepted, refused, other_errors; /* flooder: its sends to the sink */
    uint32_t partner_send_errors;             /* flooder: sends to its partner that failed */
    uint32_t in_order;                        /* partner: messages that came, in order */
};

static pid_t coordinator, sink;
static pid_t partners[MAX_CPUS];

static bool is_quit(const void *d, uint32_t l, const struct msg_info *i, void *c)
{
    (void)i, (void)c;
    return l >= 1 && ((const uint8_t *)d)[0] == TAG_QUIT;
}

/* Takes nothing but a quit: the flood piles up in its queue. */
static void sink_main(void *arg)
{
    (void)arg;
    uint8_t b;
    receive(is_quit, NULL, &b, 1, RECEIVE_FOREVER, NULL);
}

static void partner_main(void *arg)
{
    struct result_msg r = {.tag = TAG_RESULT, .role = 'P', .who = (uint32_t)(uintptr_t)arg};
    for (uint32_t i = 0; i < PARTNER_MSGS; i++) {
        struct seq_msg m;
        if (receive(NULL, NULL, &m, sizeof m, RESULT_WAIT_MS, NULL) != (int)sizeof m || m.tag != TAG_SEQ)
            break;
        if (m.seq == r.in_order)
            r.in_order++;
    }
    send(coordinator, &r, sizeof r);
}

static void flooder_main(void *arg)
{
    uint32_t k = (uint32_t)(uintptr_t)arg;
    struct result_msg r = {.tag = TAG_RESULT, .role = 'F', .who = k};
    static uint8_t flood[MAX_CPUS][FLOOD_LEN]; /* not on the stack: 8 KiB of it */
    flood[k][0] = TAG_FLOOD;
    for (uint32_t i = 0; i < PARTNER_MSGS; i++) {
        struct seq_msg m = {TAG_SEQ, i};
        if (send(partners[k], &m, sizeof m) != 0)
            r.partner_send_errors++;
        int s = send(sink, flood[k], FLOOD_LEN);
        if (s == 0)
            r.accepted++;
        else if (s == SEND_MAILBOX_FULL)
            r.refused++;
        else
            r.other_errors++;
    }
    send(coordinator, &r, sizeof r);
}

static bool is_result(const void *d, uint32_t l, const struct msg_info *i, void *c)
{
    (void)i, (void)c;
    return l == sizeof(struct result_msg) && ((const uint8_t *)d)[0] == TAG_RESULT;
}

static bool echo_once(void)
{
    uint64_t ref;
    pid_t p = spawn_monitored(partner_main, (void *)0, -1, PRIO_NORMAL, &ref);
    if (!p)
        return false;
    partners[0] = p;
    for (uint32_t i = 0; i < PARTNER_MSGS; i++) {
        struct seq_msg m = {TAG_SEQ, i};
        if (send(p, &m, sizeof m) != 0)
            return false;
    }
    struct result_msg r;
    return receive(is_result, NULL, &r, sizeof r, RESULT_WAIT_MS, NULL) == (int)sizeof r &&
           r.in_order == PARTNER_MSGS && wait_down(ref, NULL);
}

IMAGE_TEST_EXPLICIT(mailbox, flood_is_bounded_others_keep_their_messages)
{
    uint32_t n = cpus_online_count();
    if (n < 2)
        TEST_SKIP("one core: no other core to flood from");
    coordinator = self();
    uint64_t full_before = sched_mailbox_full_drops();
    uint64_t sink_ref;
    sink = spawn_monitored(sink_main, NULL, 0, PRIO_NORMAL, &sink_ref);
    TEST_ASSERT(sink, "spawn of the sink failed: %s", spawn_error());
    for (uint32_t k = 1; k < n; k++) { /* each flooder's partner on another flooding core */
        partners[k] = spawn_monitored(partner_main, (void *)(uintptr_t)k, (int)(k % (n - 1) + 1), PRIO_NORMAL, NULL);
        TEST_ASSERT(partners[k], "spawn of partner %u failed: %s", k, spawn_error());
    }
    for (uint32_t k = 1; k < n; k++)
        TEST_ASSERT(spawn_monitored(flooder_main, (void *)(uintptr_t)k, (int)k, PRIO_NORMAL, NULL),
                    "spawn of flooder %u failed: %s", k, spawn_error());
    uint64_t accepted = 0, refused = 0;
    for (uint32_t got = 0; got < 2 * (n - 1); got++) {
        struct result_msg r;
        TEST_ASSERT(receive(is_result, NULL, &r, sizeof r, RESULT_WAIT_MS, NULL) == (int)sizeof r,
                    "%u of %u results within %u ms", got, 2 * (n - 1), RESULT_WAIT_MS);
        if (r.role == 'P') {
            TEST_ASSERT(r.in_order == PARTNER_MSGS, "partner %u got %u of %u messages in order", r.who, r.in_order,
                        PARTNER_MSGS);
            continue;
        }
        TEST_ASSERT(r.partner_send_errors == 0, "flooder %u: %u sends to its partner failed", r.who,
                    r.partner_send_errors);
        TEST_ASSERT(r.other_errors == 0, "flooder %u: %u sends to the sink failed otherwise than a full mailbox "
                    "(memory ran out?)", r.who, r.other_errors);
        accepted += r.accepted;
        refused += r.refused;
    }
    uint64_t limit = sched_mailbox_limit(), held = accepted * FLOOD_BLOCK;
    kprintf("mailbox: limit %lu bytes; the sink took %lu floods (%lu bytes), %lu refused\n", (unsigned long)limit,
            (unsigned long)accepted, (unsigned long)held, (unsigned long)refused);
    TEST_ASSERT(refused > 0, "no flood was refused: %lu bytes taken, limit %lu", (unsigned long)held,
                (unsigned long)limit);
    TEST_ASSERT(held <= limit && held + FLOOD_BLOCK * n > limit, "the sink holds %lu bytes; the limit is %lu",
                (unsigned long)held, (unsigned long)limit);
    TEST_ASSERT(sched_mailbox_full_drops() - full_before == refused, "%lu refusals counted, %lu seen",
                (unsigned long)(sched_mailbox_full_drops() - full_before), (unsigned long)refused);
    uint8_t quit = TAG_QUIT;
    if (held + 128 > limit) /* no room even for a small message: refused, counted */
        TEST_ASSERT(send(sink, &quit, 1) == SEND_MAILBOX_FULL, "a message to the full sink was not refused");
    TEST_ASSERT(kill(sink) && wait_down(sink_ref, NULL), "the sink did not end when killed");
    TEST_ASSERT(echo_once(), "after the flood, a fresh process did not get %u messages in order", PARTNER_MSGS);
    return true;
}

/* The count as a sender sees it: `taken` read after two later senders'
 * messages were pushed and taken, so ahead of the `pushed` this sender got
 * back from its add. That is a nearly empty mailbox, not a full one (it
 * wrapped round to full as unsigned: the stress suite's lost messages). And
 * a mailbox at its limit still refuses. */
IMAGE_TEST(mailbox, count_skew_is_not_full)
{
    static struct proc fake; /* only the two counters are read */
    fake.mbox_pushed = 1000;
    fake.mbox_taken = 1000 + 2 * 64 + 64; /* two later 64-byte blocks, and ours about to be added */
    TEST_ASSERT(mailbox_admit(&fake, MSG_USER, 64), "a mailbox whose taken count is ahead was called full");
    fake.mbox_pushed = mailbox_limit_bytes;
    fake.mbox_taken = 0;
    TEST_ASSERT(!mailbox_admit(&fake, MSG_USER, 64), "a mailbox at its limit took one more");
    TEST_ASSERT(fake.mbox_pushed == mailbox_limit_bytes, "a refused message stayed counted");
    TEST_ASSERT(mailbox_admit(&fake, MSG_DOWN, 64), "a signal was refused");
    return true;
}
