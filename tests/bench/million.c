/* N processes blocked in receive, a message to each, every one answers:
 * tests/bench/million.h. */
#include <arch/timer.h>
#include <drivers/console.h>
#include <mm/page_alloc.h>
#include <sched/sched.h>
#include <tests/bench/million.h>

/* A step that stops moving for this long (guest time) has failed: a stall,
 * not slowness (a loaded host's TCG machine can be slow for minutes). */
#define STALL_MS 20000
/* Answers not yet collected, at most: the collector's mailbox stays small. */
#define ANSWER_WINDOW 1024
/* The spawner gives way this often, so its children reach their receive. */
#define SPAWN_BATCH 1000

struct million_shared {
    pid_t collector;
    uint32_t waiting; /* children that reached their receive (atomic) */
};

static void answer_once(void *arg)
{
    struct million_shared *s = arg;
    __atomic_fetch_add(&s->waiting, 1, __ATOMIC_RELAXED); /* a count */
    uint32_t index;
    if (receive(NULL, NULL, &index, sizeof index, RECEIVE_FOREVER, NULL) == sizeof index)
        send(s->collector, &index, sizeof index);
}

static uint64_t ms_ticks(uint64_t ms) { return timer_ns_to_ticks(ms * 1000000ULL); }

/* Wait until *count reaches target; false once it stood still for STALL_MS.
 * Sleeps, not yields: a caller of higher priority than its children (the
 * test suite's) would pick itself again at each yield. */
static bool wait_for_count(const uint32_t *count, uint32_t target)
{
    uint32_t last = __atomic_load_n(count, __ATOMIC_RELAXED);
    uint64_t end = timer_now() + ms_ticks(STALL_MS);
    while (last != target) {
        if (timer_now() > end)
            return false;
        sleep_ms(1);
        uint32_t now = __atomic_load_n(count, __ATOMIC_RELAXED);
        if (now != last)
            end = timer_now() + ms_ticks(STALL_MS);
        last = now;
    }
    return true;
}

/* Take one answer: its sender's slot in pids is cleared (a second answer
 * from it is a duplicate). false: none came for STALL_MS. */
static bool collect_one(pid_t *pids, uint32_t n, struct million_result *r)
{
    uint32_t index;
    if (receive(NULL, NULL, &index, sizeof index, STALL_MS, NULL) != sizeof index)
        return false;
    if (index < n && pids[index]) {
        pids[index] = 0;
        r->answered++;
    } else {
        r->duplicates++;
    }
    return true;
}

static bool spawn_all(pid_t *pids, uint32_t n, struct million_shared *s, struct million_result *r)
{
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.stack_size = MILLION_STACK;
    uint64_t free_before = page_alloc_free_bytes();
    uint64_t t0 = timer_now();
    for (uint32_t i = 0; i < n; i++) {
        if (!(pids[i] = spawn_opt(answer_once, s, &o, NULL))) {
            r->error = spawn_error();
            return false;
        }
        r->spawned++;
        if (i % SPAWN_BATCH == SPAWN_BATCH - 1)
            yield();
    }
    bool all = wait_for_count(&s->waiting, n);
    r->spawn_ticks = timer_now() - t0;
    r->bytes_taken = free_before - page_alloc_free_bytes();
    r->waiting = __atomic_load_n(&s->waiting, __ATOMIC_RELAXED);
    if (!all)
        r->error = "not every process reached its receive";
    return all;
}

static bool ask_all(pid_t *pids, uint32_t n, struct million_result *r)
{
    uint64_t t0 = timer_now();
    for (uint32_t i = 0; i < n; i++) {
        int sent = send(pids[i], &i, sizeof i);
        if (sent < 0) {
            r->error = sent == SEND_NO_MEMORY ? "a message found no memory" : "a message was refused";
            return false;
        }
        while (i + 1 - r->answered - r->duplicates > ANSWER_WINDOW)
            if (!collect_one(pids, n, r)) {
                r->error = "answers stopped coming";
                return false;
            }
    }
    while (r->answered + r->duplicates < n)
        if (!collect_one(pids, n, r)) {
            r->error = "answers stopped coming";
            return false;
        }
    r->answer_ticks = timer_now() - t0;
    if (r->duplicates)
        r->error = "a process answered twice";
    return !r->duplicates;
}

/* Until the process count is back at baseline, as long as it keeps falling. */
static bool wait_for_baseline(struct million_result *r)
{
    uint64_t end = timer_now() + ms_ticks(STALL_MS);
    while ((r->after = sched_process_count()) > r->baseline && timer_now() < end) {
        uint32_t before = r->after;
        sleep_ms(10);
        if (sched_process_count() < before)
            end = timer_now() + ms_ticks(STALL_MS);
    }
    if (r->after != r->baseline && !r->error)
        r->error = "the process count did not come back to where it was";
    return r->after == r->baseline;
}

bool million_run(uint32_t n, struct million_result *r)
{
    *r = (struct million_result){.asked = n};
    /* Pages never go back (a bump allocator): the table is kept for the next
     * run (the shell's `bench million`), and made before the count starts. */
    static pid_t *pids;
    static uint32_t room;
    if (n > room) {
        pids = (pid_t *)page_alloc(((uint64_t)n * sizeof(pid_t) + PAGE_SIZE - 1) / PAGE_SIZE);
        room = pids ? n : 0;
    }
    if (!pids) {
        r->error = "no memory for the pid table";
        return false;
    }
    static struct million_shared shared;
    shared = (struct million_shared){.collector = self()};
    r->baseline = sched_process_count();
    bool ok = spawn_all(pids, n, &shared, r) && ask_all(pids, n, r);
    if (!ok) {
        for (uint32_t i = 0; i < r->spawned; i++)
            if (pids[i])
                kill(pids[i]); /* leave nothing behind */
    }
    /* After a failure too, so the caller sees whether the system recovered. */
    bool back = wait_for_baseline(r);
    return ok && back;
}
