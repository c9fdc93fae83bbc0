/*
 * The litmus tests on the x86-64 host: the same engine and definitions as the
 * image, with pthreads pinned one per CPU (thread t on the t-th allowed CPU,
 * wrapping round when a test has more threads than the host has CPUs).
 *
 *   litmus-host [iters=N] [litmus=TEST,...] [--programs]
 * --programs prints every test's program (ARM and x86 columns) as Markdown.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lib/bootargs.h>
#include <tests/litmus/litmus.h>

/* Without iters=: the host is fast, so many iterations cost little. */
#define LITMUS_HOST_DEFAULT_ITERS 200000
struct host_thread {
    pthread_t id;
    void (*fn)(void *arg, uint32_t t);
    void *arg;
    uint32_t t;
    int cpu;
};

static int host_cpus[CPU_SETSIZE];
static uint32_t host_cpu_count;

void litmus_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fflush(stdout);
}

/* Past the CPU count, threads are time-shared. */
uint32_t litmus_max_threads(void)
{
    return LITMUS_MAX_THREADS;
}

uint64_t litmus_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A thread waiting at the barrier gives its CPU to one that has not arrived
 * (more threads than CPUs, or CPUs shared with other work). */
void litmus_spin_relax(void)
{
    sched_yield();
}

static void *host_thread_main(void *p)
{
    struct host_thread *h = p;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(h->cpu, &set);
    int err = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
    if (err)
        fprintf(stderr, "litmus-host: thread %u: cannot pin to CPU %d: %s\n", h->t, h->cpu, strerror(err));
    h->fn(h->arg, h->t);
    return NULL;
}

void litmus_run_threads(uint32_t n, void (*fn)(void *arg, uint32_t t), void *arg)
{
    struct host_thread th[LITMUS_MAX_THREADS];
    for (uint32_t t = 0; t < n; t++) {
        th[t] = (struct host_thread){.fn = fn, .arg = arg, .t = t, .cpu = host_cpus[t % host_cpu_count]};
        int err = pthread_create(&th[t].id, NULL, host_thread_main, &th[t]);
        if (err) {
            fprintf(stderr, "litmus-host: pthread_create: %s\n", strerror(err));
            exit(2);
        }
    }
    for (uint32_t t = 0; t < n; t++)
        pthread_join(th[t].id, NULL);
}

/* One Markdown table per test: a column per thread, one instruction a row. */
static void print_program(const char *title, const char *const text[], uint32_t threads)
{
    const char *at[LITMUS_MAX_THREADS];
    printf("%s\n\n|", title);
    for (uint32_t t = 0; t < threads; t++)
        printf(" T%u |", t), at[t] = text[t];
    printf("\n|");
    for (uint32_t t = 0; t < threads; t++)
        printf("---|");
    printf("\n");
    for (bool more = true; more;) {
        more = false;
        for (uint32_t t = 0; t < threads; t++)
            more |= *at[t] != 0;
        if (!more)
            break;
        printf("|");
        for (uint32_t t = 0; t < threads; t++) {
            const char *nl = strchr(at[t], '\n');
            int len = nl ? (int)(nl - at[t]) : (int)strlen(at[t]);
            printf(" %s%.*s%s |", len ? "`" : "", len, at[t], len ? "`" : "");
            at[t] += len + (nl != NULL);
        }
        printf("\n");
    }
    printf("\n");
}

static void print_programs(const char *list)
{
    static const char *const vars[LITMUS_VARS] = {"r0", "r1", "r2", "r3", "x", "y", "z"};
    for (uint32_t i = 0; i < litmus_test_count; i++) {
        const struct litmus_test *t = &litmus_tests[i];
        char full[48], title[160];
        snprintf(full, sizeof(full), "%s.%s", t->name, t->variant);
        if (!bootargs_selects(list, full))
            continue;
        printf("#### %s (%s)\n\n%s. Relaxed outcome:", full, t->herd, t->why);
        for (uint32_t c = 0; t->relaxed[2 * c] != LITMUS_COND_END; c++)
            printf("%s %s=%u", c ? "," : "", vars[t->relaxed[2 * c]], t->relaxed[2 * c + 1]);
        printf(" (ARMv8: %s, x86-TSO: %s).\n\n", t->arm == ALLOW ? "allowed" : "forbidden",
               t->x86 == ALLOW ? "allowed" : "forbidden");
        snprintf(title, sizeof(title), "AArch64:");
        print_program(title, t->arm_text, t->threads);
        snprintf(title, sizeof(title), "x86-64:");
        print_program(title, t->x86_text, t->threads);
    }
}

static void host_where(char *buf, size_t size)
{
    char line[256], model[128] = "unknown x86-64 CPU";
    FILE *f = fopen("/proc/cpuinfo", "r");
    while (f && fgets(line, sizeof(line), f)) {
        char *colon = strchr(line, ':');
        if (!strncmp(line, "model name", 10) && colon) {
            snprintf(model, sizeof(model), "%s", colon + 2);
            model[strcspn(model, "\n")] = 0;
            break;
        }
    }
    if (f)
        fclose(f);
    snprintf(buf, size, "x86 host: %s, %u CPUs", model, host_cpu_count);
}

int main(int argc, char **argv)
{
    uint64_t iters = LITMUS_HOST_DEFAULT_ITERS;
    const char *list = "";
    bool programs = false;
    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "iters=", 6))
            iters = strtoull(argv[i] + 6, NULL, 10);
        else if (!strncmp(argv[i], "litmus=", 7))
            list = argv[i] + 7;
        else if (!strcmp(argv[i], "--programs"))
            programs = true;
        else if (!strcmp(argv[i], "litmus"))
            list = "";
        else {
            fprintf(stderr, "usage: %s [iters=N] [litmus=TEST,...] [--programs]\n", argv[0]);
            return 2;
        }
    }
    if (programs) {
        print_programs(list);
        return 0;
    }
    if (!iters) {
        fprintf(stderr, "litmus-host: iters must be at least 1\n");
        return 2;
    }
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0) {
        perror("litmus-host: sched_getaffinity");
        return 2;
    }
    for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &allowed))
            host_cpus[host_cpu_count++] = c;
    char where[256];
    host_where(where, sizeof(where));
    return litmus_run_all(list, iters, "x86_64", where) ? 1 : 0;
}
