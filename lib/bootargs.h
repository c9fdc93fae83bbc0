/* Boot arguments from /chosen/bootargs (QEMU -append, U-Boot bootargs, the
 * Pi's cmdline.txt). Words: test, test=A,B  bench, bench=A,B  litmus,
 * litmus=A,B  iters=N  sched=global  demo. Unknown words are kept for a report. */
#ifndef ARMADA_BOOTARGS_H
#define ARMADA_BOOTARGS_H

#include <stdbool.h>
#include <stdint.h>

#define BOOTARGS_LIST 256
#define BOOTARGS_MAX_UNKNOWN 8

struct bootargs {
    bool test, bench, litmus, sched_global;
    char test_list[BOOTARGS_LIST];   /* "" = all */
    char bench_list[BOOTARGS_LIST];
    char litmus_list[BOOTARGS_LIST];
    uint64_t iters;                   /* 0 = default */
    uint32_t unknown_count;
    char unknown[BOOTARGS_MAX_UNKNOWN][32];
};

void bootargs_parse(struct bootargs *b, const char *cmdline);
/* Does comma-separated `list` select `name`? "" selects everything; an entry
 * selects a name equal to it or starting with it followed by '.' (a suite). */
bool bootargs_selects(const char *list, const char *name);

#endif
