/* The top layer: the boot sequence after the MMU is on (init/main.c) and
 * what to run (init/run.c). */
#ifndef ARMADA_INIT_INIT_H
#define ARMADA_INIT_INIT_H

/* Start the scheduler with the first process, which runs what the boot
 * arguments ask for; this core then runs processes. */
void init_run(void) __attribute__((noreturn));

#endif
