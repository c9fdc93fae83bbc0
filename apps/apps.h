/* Applications on top of the runtime: the console shell and its demos. */
#ifndef ARMADA_APPS_APPS_H
#define ARMADA_APPS_APPS_H

#include <sched/sched.h>

void shell_main(void *arg);        /* a process: the console shell */
pid_t demo_spawn(const char *name); /* 0 if no such demo */
const char *demo_names(void);
void demo_workload(void);          /* make run's visible load */

#endif
