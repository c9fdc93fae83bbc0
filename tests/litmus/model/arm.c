/*
 * The ARMv8 model: herd7's aarch64.cat for multicopy-atomic ARMv8 (Pulte,
 * Flur, Deacon, French, Sarkar, Sewell, "Simplifying ARM concurrency:
 * multicopy-atomic axiomatic and operational models for ARMv8", POPL 2018),
 * restricted to what litmus-tests.def can say: plain SWP as the only RMW, no
 * ISB. Three axioms:
 *   internal:  acyclic po-loc | rf | co | fr
 *   atomic:    empty rmw & (fre ; coe)          (exec.c: the same for both models)
 *   external:  acyclic ob, ob = obs | dob | aob | bob
 */
#include <stddef.h>

#include <tests/litmus/model/clause.h>

/* One group a line: internal; observed-by; dependency-, atomic- and barrier-ordered-before. */
// clang-format off
static const char *const arm_clauses[] = {
    "po-loc", "rf", "co", "fr",
    "obs:rfe", "obs:coe", "obs:fre",
    "dob:addr", "dob:data", "dob:ctrl;[W]", "dob:addr;po;[W]", "dob:(ctrl|data);coi", "dob:(addr|data);rfi",
    "atomic", "aob:rmw", "aob:[range(rmw)];rfi;[A]",
    "bob:po;[dmb.full];po", "bob:[L];po;[A]", "bob:[R];po;[dmb.ld];po", "bob:[A];po",
    "bob:[W];po;[dmb.st];po;[W]", "bob:po;[L]", "bob:po;[L];coi",
    NULL};
// clang-format on

static bool is_full(enum model_fence f)
{
    return f == FENCE_MB || f == FENCE_LOCKMB;
} /* DMB ISH */
static bool is_ld(enum model_fence f)
{
    return f == FENCE_RMB;
} /* DMB ISHLD */
static bool is_st(enum model_fence f)
{
    return f == FENCE_WMB;
} /* DMB ISHST */

static void internal_axiom(const struct model_exec *x, struct model_axiom *ax)
{
    *ax = (struct model_axiom){.name = "internal"};
    clause_add(ax, "po-loc", &x->po_loc);
    clause_add(ax, "rf", &x->rf_rel);
    clause_add(ax, "co", &x->co);
    clause_add(ax, "fr", &x->fr);
}

static void external_axiom(const struct model_exec *x, struct model_axiom *ax)
{
    int n = x->n;
    struct relation r, t, coi, rfi;
    *ax = (struct model_axiom){.name = "external"};
    rel_internal(&r, x, &x->rf_rel, false);
    clause_add(ax, "obs:rfe", &r);
    rel_internal(&r, x, &x->co, false);
    clause_add(ax, "obs:coe", &r);
    rel_internal(&r, x, &x->fr, false);
    clause_add(ax, "obs:fre", &r);

    rel_internal(&coi, x, &x->co, true);
    rel_internal(&rfi, x, &x->rf_rel, true);
    clause_add(ax, "dob:addr", &x->addr);
    clause_add(ax, "dob:data", &x->data);
    r = x->ctrl;
    rel_restrict(&r, ~0ULL, x->writes, n);
    clause_add(ax, "dob:ctrl;[W]", &r);
    rel_compose(&r, &x->addr, &x->po, n);
    rel_restrict(&r, ~0ULL, x->writes, n);
    clause_add(ax, "dob:addr;po;[W]", &r);
    t = x->ctrl;
    rel_union(&t, &x->data, n);
    rel_compose(&r, &t, &coi, n);
    clause_add(ax, "dob:(ctrl|data);coi", &r);
    t = x->addr;
    rel_union(&t, &x->data, n);
    rel_compose(&r, &t, &rfi, n);
    clause_add(ax, "dob:(addr|data);rfi", &r);

    clause_add(ax, "aob:rmw", &x->rmw);
    r = rfi;
    rel_restrict(&r, x->atomics & x->writes, events_with_order(x, EV_R, ORDER_ACQUIRE), n);
    clause_add(ax, "aob:[range(rmw)];rfi;[A]", &r);

    uint64_t rel = events_with_order(x, EV_W, ORDER_RELEASE), acq = events_with_order(x, EV_R, ORDER_ACQUIRE);
    rel_across_fences(&r, x, is_full);
    clause_add(ax, "bob:po;[dmb.full];po", &r);
    r = x->po;
    rel_restrict(&r, rel, acq, n);
    clause_add(ax, "bob:[L];po;[A]", &r);
    rel_across_fences(&r, x, is_ld);
    rel_restrict(&r, x->reads, ~0ULL, n);
    clause_add(ax, "bob:[R];po;[dmb.ld];po", &r);
    r = x->po;
    rel_restrict(&r, acq, x->memory, n);
    clause_add(ax, "bob:[A];po", &r);
    rel_across_fences(&r, x, is_st);
    rel_restrict(&r, x->writes, x->writes, n);
    clause_add(ax, "bob:[W];po;[dmb.st];po;[W]", &r);
    r = x->po;
    rel_restrict(&r, x->memory, rel, n);
    clause_add(ax, "bob:po;[L]", &r);
    rel_compose(&r, &r, &coi, n);
    clause_add(ax, "bob:po;[L];coi", &r);
}

int model_arm_axioms(const struct model_exec *x, struct model_axiom *axioms)
{
    internal_axiom(x, &axioms[0]);
    external_axiom(x, &axioms[1]);
    return 2;
}

const char *const *model_arm_clause_names(void)
{
    return arm_clauses;
}
