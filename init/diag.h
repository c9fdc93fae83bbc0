/* The `diag` boot word: one screen of what a board bring-up needs to know
 * (init/diag.c). */
#ifndef ARMADA_INIT_DIAG_H
#define ARMADA_INIT_DIAG_H

void diag_print_screen(void); /* boot core, once the secondaries were started */

#endif
