/* Clause helpers shared by both models, and `--drop`. */
#include <string.h>

#include <tests/litmus/model/clause.h>

static const char *dropped;

void model_drop_clause(const char *name)
{
    dropped = name;
}
bool model_clause_dropped(const char *name)
{
    return dropped && strcmp(dropped, name) == 0;
}

void clause_add(struct model_axiom *ax, const char *name, const struct relation *r)
{
    if (model_clause_dropped(name))
        return;
    ax->clause[ax->count].name = name;
    ax->clause[ax->count].rel = *r;
    ax->count++;
}

void rel_internal(struct relation *into, const struct model_exec *x, const struct relation *r, bool internal)
{
    rel_clear(into);
    for (int a = 0; a < x->n; a++)
        for (int b = 0; b < x->n; b++) {
            bool same = x->ev[a].thread >= 0 && x->ev[a].thread == x->ev[b].thread;
            if (rel_has(r, a, b) && same == internal)
                rel_add(into, a, b);
        }
}

void rel_across_fences(struct relation *into, const struct model_exec *x, bool (*match)(enum model_fence))
{
    rel_clear(into);
    for (int f = 0; f < x->n; f++) {
        if (x->ev[f].kind != EV_F || !match(x->ev[f].fence))
            continue;
        for (int a = 0; a < x->n; a++)
            if (rel_has(&x->po, a, f) && (x->memory >> a & 1))
                into->row[a] |= x->po.row[f] & x->memory;
    }
}

uint64_t events_with_order(const struct model_exec *x, enum model_kind k, enum model_order o)
{
    uint64_t set = 0;
    for (int e = 0; e < x->n; e++)
        if (x->ev[e].kind == k && x->ev[e].order == o)
            set |= 1ULL << e;
    return set;
}

int model_axioms(enum model_arch arch, const struct model_exec *x, struct model_axiom *axioms)
{
    return arch == ARCH_ARM ? model_arm_axioms(x, axioms) : model_x86_axioms(x, axioms);
}

const char *const *model_clause_names(enum model_arch arch)
{
    return arch == ARCH_ARM ? model_arm_clause_names() : model_x86_clause_names();
}
