/*
 * x86-TSO: herd7's x86tso.cat (the axiomatic form of Owens, Sarkar, Sewell,
 * "A better x86 memory model: x86-TSO", TPHOLs 2009). On the program as x86
 * runs it: STLR/LDAR are plain MOVs, DMB ISHST/ISHLD compiler barriers only,
 * dependencies order nothing more than po already does. Two axioms:
 *   sc-per-location:  acyclic po-loc | rf | co | fr
 *   tso:              acyclic ghb, ghb = WW(po) | RM(po) | mfence | implied | rfe | fr | co
 * `implied` = WR(po) with a LOCKed end (the cat's MA(poWR) | AM(poWR)): a
 * LOCKed instruction (XCHG of SWP) orders every earlier and later access; the
 * LOCK OR [rsp],0 of LOCKMB does so on a location no other thread touches,
 * so it acts as the fence po;[LOCK];po between the test's accesses.
 * atomic:           empty rmw & (fre ; coe)  (exec.c)
 */
#include <stddef.h>

#include <tests/litmus/model/clause.h>

/* sc-per-location and atomic; then tso. */
// clang-format off
static const char *const x86_clauses[] = {
    "po-loc", "rf", "co", "fr", "atomic",
    "ppo:WW(po)", "ppo:RM(po)", "mfence", "implied", "rfe", "ghb:fr", "ghb:co",
    NULL};
// clang-format on

static bool is_mfence(enum model_fence f)
{
    return f == FENCE_MB;
}
static bool is_locked(enum model_fence f)
{
    return f == FENCE_LOCKMB;
}

int model_x86_axioms(const struct model_exec *x, struct model_axiom *axioms)
{
    int n = x->n;
    struct relation r;
    struct model_axiom *ax = &axioms[0];
    *ax = (struct model_axiom){.name = "sc-per-location"};
    clause_add(ax, "po-loc", &x->po_loc);
    clause_add(ax, "rf", &x->rf_rel);
    clause_add(ax, "co", &x->co);
    clause_add(ax, "fr", &x->fr);

    ax = &axioms[1];
    *ax = (struct model_axiom){.name = "tso"};
    r = x->po;
    rel_restrict(&r, x->writes, x->writes, n);
    clause_add(ax, "ppo:WW(po)", &r);
    r = x->po;
    rel_restrict(&r, x->reads, x->memory, n);
    clause_add(ax, "ppo:RM(po)", &r);
    rel_across_fences(&r, x, is_mfence);
    clause_add(ax, "mfence", &r);
    rel_across_fences(&r, x, is_locked);
    struct relation locked_end = x->po;
    rel_restrict(&locked_end, x->writes, x->reads, n);
    for (int a = 0; a < n; a++)
        if (!(x->atomics >> a & 1))
            locked_end.row[a] &= x->atomics; /* a non-atomic write: only to an atomic read */
    rel_union(&r, &locked_end, n);
    clause_add(ax, "implied", &r);
    rel_internal(&r, x, &x->rf_rel, false);
    clause_add(ax, "rfe", &r);
    clause_add(ax, "ghb:fr", &x->fr);
    clause_add(ax, "ghb:co", &x->co);
    return 2;
}

const char *const *model_x86_clause_names(void)
{
    return x86_clauses;
}
