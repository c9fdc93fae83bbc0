/* Demo workloads for the shell's `spawn` and for `make run`: processes that
 * keep the cores visibly busy in different ways. Each registers its name. */
#include <apps/apps.h>
#include <arch/cpu.h>
#include <arch/timer.h>
#include <drivers/console.h>
#include <sched/sched.h>
#include <string.h>

/* Compute forever at low priority, charging reductions as it goes. */
static void spinner(void *arg)
{
    (void)arg;
    for (uint64_t i = 0;; i++) {
        __asm__ volatile("" ::: "memory");
        if (i % 64 == 0)
            reduce(1);
    }
}

/* A ring of processes passing one token round and round. */
#define RING_SIZE 32
struct ring_token {
    uint32_t hops;
};

static void ring_member(void *arg)
{
    pid_t next = (pid_t)(uintptr_t)arg;
    struct ring_token t;
    for (;;) {
        if (receive(NULL, NULL, &t, sizeof t, RECEIVE_FOREVER, NULL) != sizeof t)
            continue;
        t.hops++;
        for (volatile int i = 0; i < 2000; i++) /* volatile: a little work per hop, kept */
            ;
        send(next, &t, sizeof t);
    }
}

static void ring_leader(void *arg)
{
    (void)arg;
    pid_t first = self();
    pid_t next = first;
    for (int i = 0; i < RING_SIZE - 1; i++)
        next = spawn(ring_member, (void *)(uintptr_t)next);
    struct ring_token t = {0};
    send(next, &t, sizeof t);
    ring_member((void *)(uintptr_t)next);
}

/* A process that wakes up every 10 ms and sleeps again. */
static void ticker(void *arg)
{
    (void)arg;
    for (;;)
        sleep_ms(10);
}

struct demo {
    const char *name;
    proc_fn fn;
    enum priority prio;
};

static const struct demo demos[] = {
    {"spinner", spinner, PRIO_LOW},
    {"ring", ring_leader, PRIO_NORMAL},
    {"ticker", ticker, PRIO_NORMAL},
};

pid_t demo_spawn(const char *name)
{
    for (unsigned i = 0; i < sizeof demos / sizeof demos[0]; i++) {
        if (strcmp(demos[i].name, name))
            continue;
        struct spawn_opts o = SPAWN_OPTS_DEFAULT;
        o.prio = demos[i].prio;
        pid_t pid = spawn_opt(demos[i].fn, NULL, &o, NULL);
        if (pid && !whereis(name))
            register_name(name, pid);
        return pid;
    }
    return 0;
}

const char *demo_names(void) { return "spinner ring ticker"; }

/* `make run`'s workload: a ring per two cores and a low-priority spinner. */
void demo_workload(void)
{
    uint32_t cores = cpus_online_count();
    for (uint32_t i = 0; i < (cores + 1) / 2; i++)
        demo_spawn("ring");
    demo_spawn("spinner");
    demo_spawn("ticker");
}
