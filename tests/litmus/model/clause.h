/* Building the named clauses of an axiom (arm.c, x86.c). */
#ifndef ARMADA_LITMUS_MODEL_CLAUSE_H
#define ARMADA_LITMUS_MODEL_CLAUSE_H

#include <tests/litmus/model/model.h>

/* Append a clause unless `--drop` named it. */
void clause_add(struct model_axiom *ax, const char *name, const struct relation *r);
/* r restricted to pairs on one thread (internal) or on two (external; the
 * initial writes are on no thread, so always external). */
void rel_internal(struct relation *into, const struct model_exec *x, const struct relation *r, bool internal);
/* po ; [F] ; po for the fences f with `match(f)`, between memory events only. */
void rel_across_fences(struct relation *into, const struct model_exec *x, bool (*match)(enum model_fence));
/* The events of kind k, or with order o, as a set. */
uint64_t events_with_order(const struct model_exec *x, enum model_kind k, enum model_order o);

/* Each model's axioms and clause names (arm.c, x86.c). */
int model_arm_axioms(const struct model_exec *x, struct model_axiom *axioms);
int model_x86_axioms(const struct model_exec *x, struct model_axiom *axioms);
const char *const *model_arm_clause_names(void);
const char *const *model_x86_clause_names(void);

#endif
