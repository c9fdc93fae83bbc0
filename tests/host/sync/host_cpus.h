/* Threads standing in for cores, for the host (TSan) builds of sync/'s
 * portable algorithms. Each test prints PASS/FAIL lines. */
#ifndef ARMADA_TESTS_HOST_SYNC_HOST_CPUS_H
#define ARMADA_TESTS_HOST_SYNC_HOST_CPUS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define HOST_THREADS 4

/* Run fn(arg) on `threads` threads, thread i as "cpu i" (port_cpu_id()).
 * While they run, port_online_mask() has their bits. */
void host_run_threads(uint32_t threads, void (*fn)(void *arg), void *arg);

#define HOST_CHECK(name, cond, ...)                                                                \
    do {                                                                                           \
        if (cond) {                                                                                \
            printf("PASS %s\n", name);                                                             \
        } else {                                                                                   \
            printf("FAIL %s: ", name);                                                             \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

#endif
