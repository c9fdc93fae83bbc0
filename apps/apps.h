/* Applications on top of the runtime: the console shell and its demos. */
#ifndef ARMADA_APPS_APPS_H
#define ARMADA_APPS_APPS_H

#include <sched/sched.h>

void shell_main(void *arg);        /* a process: the console shell */
pid_t demo_spawn(const char *name); /* 0 if no such demo */
const char *demo_names(void);
void demo_workload(void);          /* make run's visible load */

/* A shell command. The shell's own are in apps/shell.c; any layer above
 * (tests/: bench, test) adds one with SHELL_COMMAND, which the linker gathers
 * (boot/armada.lds), so the shell names nothing above it. Runs in the shell's
 * process. */
struct shell_command {
    const char *name, *help;
    void (*fn)(int argc, char **argv);
};
#define SHELL_COMMAND(id, name_, help_, fn_)                                                        \
    static const struct shell_command shell_command_##id                                            \
        __attribute__((used, section(".shell_commands." #id), aligned(8))) = {name_, help_, fn_}

#endif
