/* Candidate executions: a test's events as one architecture sees them, then
 * every choice of reads-from and coherence order, each judged by the model. */
#include <stdio.h>
#include <string.h>

#include <tests/litmus/model/model.h>

static const char *const reg_names[] = {"r0", "r1", "r2", "r3"};

static int add_event(struct model_exec *x, struct model_event e)
{
    int i = x->n++;
    x->ev[i] = e;
    uint64_t bit = 1ULL << i;
    if (e.rmw)
        x->atomics |= bit;
    if (e.kind == EV_R)
        x->reads |= bit;
    else if (e.kind == EV_W)
        x->writes |= bit;
    else
        x->fences |= bit;
    return i;
}

/* The last read of thread th before event `before` that writes register r; -1 if none. */
static int last_load_of(const struct model_exec *x, int th, enum model_reg r, int before)
{
    for (int e = before - 1; e >= 0 && x->ev[e].thread == th; e--)
        if (x->ev[e].kind == EV_R && x->ev[e].reg == r)
            return e;
    return -1;
}

/* The program as arch sees it, with po, po-loc and the dependencies. */
static int build(const struct model_test *t, enum model_arch arch, struct model_exec *x, char *err,
                 int errlen)
{
    memset(x, 0, sizeof(*x));
    for (int l = 0; l < LITMUS_LOCS; l++)
        add_event(x, (struct model_event){.kind = EV_W, .thread = -1, .loc = l, .val = 0});
    for (uint32_t th = 0; th < t->threads; th++) {
        int first = x->n;
        uint64_t ctrl_from = 0; /* reads a branch before here depends on */
        for (const struct model_op *op = t->ops[th]; op->op != OP_END; op++) {
            if (x->n + 2 >= MODEL_MAX_EVENTS) {
                snprintf(err, errlen, "more than %d events", MODEL_MAX_EVENTS);
                return -1;
            }
            struct model_event e = {.thread = (int)th, .loc = op->loc, .reg = op->reg, .val = op->val};
            if (op->op == OP_FENCE) {
                /* x86: DMB ISHST/ISHLD are compiler barriers only; MB and LOCKMB full fences. */
                if (arch == ARCH_X86 && (op->fence == FENCE_WMB || op->fence == FENCE_RMB))
                    continue;
                e.kind = EV_F, e.fence = op->fence;
            } else {
                e.kind = op->op == OP_LD ? EV_R : EV_W;
                e.order = arch == ARCH_ARM ? op->order : ORDER_PLAIN; /* TSO: every MOV is both */
            }
            int src = -1;
            if (op->dep != DEP_NONE) {
                src = last_load_of(x, (int)th, op->dep_reg, x->n);
                if (src < 0) {
                    snprintf(err, errlen,
                             "thread %u: a dependency on %s, which no earlier load of that thread writes", th,
                             reg_names[op->dep_reg]);
                    return -1;
                }
                if (op->dep == DEP_CTRL)
                    ctrl_from |= 1ULL << src;
            }
            if (op->op == OP_SWP) { /* the read, then (below) the write */
                e.kind = EV_R, e.rmw = true;
                int r = add_event(x, e);
                for (int a = first; a < r; a++)
                    rel_add(&x->po, a, r);
                for (int c = 0; c < r; c++)
                    if (ctrl_from >> c & 1)
                        rel_add(&x->ctrl, c, r);
                e.kind = EV_W;
                rel_add(&x->rmw, r, r + 1);
            }
            int i = add_event(x, e);
            if (op->dep == DEP_ADDR)
                rel_add(&x->addr, src, i);
            if (op->dep == DEP_DATA)
                rel_add(&x->data, src, i);
            for (int r = 0; r < i; r++)
                if (ctrl_from >> r & 1)
                    rel_add(&x->ctrl, r, i);
            for (int a = first; a < i; a++)
                rel_add(&x->po, a, i);
        }
    }
    x->memory = x->reads | x->writes;
    for (int a = 0; a < x->n; a++)
        for (int b = 0; b < x->n; b++)
            if (rel_has(&x->po, a, b) && (x->memory >> a & 1) && (x->memory >> b & 1) &&
                x->ev[a].loc == x->ev[b].loc)
                rel_add(&x->po_loc, a, b);
    return 0;
}

/* The final value of each variable the outcome names, compared with it. */
static bool has_outcome(const struct model_test *t, const struct model_exec *x)
{
    uint64_t val[LITMUS_VARS] = {0};
    for (int e = 0; e < x->n; e++) {
        if (x->ev[e].kind == EV_R)
            val[R0 + x->ev[e].reg] += x->ev[e].val; /* one thread loads each register */
        if (x->ev[e].kind == EV_W && !x->co.row[e])
            val[X + x->ev[e].loc] = x->ev[e].val; /* the coherence-last write */
    }
    for (int c = 0; t->relaxed[2 * c] != LITMUS_COND_END; c++)
        if (val[t->relaxed[2 * c]] != t->relaxed[2 * c + 1])
            return false;
    return true;
}

struct search {
    const struct model_test *t;
    enum model_arch arch;
    struct model_verdict *v;
    bool done;
};

static void union_of(const struct model_axiom *ax, struct relation *all, int n)
{
    rel_clear(all);
    for (int c = 0; c < ax->count; c++)
        rel_union(all, &ax->clause[c].rel, n);
}

/* Both models' atomic axiom, `empty rmw & (fre ; coe)`: no write of another
 * thread comes between a SWP's read and its write. Returns 3 with the cycle
 * read -fre-> that write -coe-> the SWP's write (-rmw^-1-> the read) in
 * cycle[], or 0. */
static int atomicity_cycle(const struct model_exec *x, int *cycle)
{
    if (model_clause_dropped("atomic"))
        return 0;
    for (int r = 0; r < x->n; r++)
        for (int w = 0; w < x->n; w++)
            for (int mid = 0; rel_has(&x->rmw, r, w) && mid < x->n; mid++)
                if (x->ev[mid].thread != x->ev[r].thread && rel_has(&x->fr, r, mid) &&
                    rel_has(&x->co, mid, w)) {
                    cycle[0] = r, cycle[1] = mid, cycle[2] = w;
                    return 3;
                }
    return 0;
}

/* One complete candidate: derive fr, then judge it if it has the outcome. */
static void judge_candidate(struct search *s, struct model_exec *x)
{
    struct relation rf_inv;
    rel_inverse(&rf_inv, &x->rf_rel, x->n);
    rel_compose(&x->fr, &rf_inv, &x->co, x->n);
    if (!has_outcome(s->t, x))
        return;
    struct model_verdict *v = s->v;
    int cycle[MODEL_MAX_EVENTS];
    if (atomicity_cycle(x, cycle)) {
        if (v->candidates++ == 0) {
            static const char *const labels[] = {"fre", "coe", "rmw^-1"};
            v->exec = *x;
            v->axiom = "atomic";
            v->cycle_len = 3;
            for (int i = 0; i < 3; i++)
                v->cycle[i] = cycle[i], v->label[i] = labels[i];
        }
        return;
    }
    struct model_axiom axioms[MODEL_MAX_AXIOMS];
    int count = model_axioms(s->arch, x, axioms);
    for (int a = 0; a < count; a++) {
        struct relation all;
        union_of(&axioms[a], &all, x->n);
        int len = rel_shortest_cycle(&all, x->n, cycle);
        if (!len)
            continue;
        if (v->candidates++ == 0) { /* the first forbidden candidate is the one shown */
            v->exec = *x;
            v->axiom = axioms[a].name;
            v->cycle_len = len;
            for (int i = 0; i < len; i++) {
                int from = cycle[i], to = cycle[(i + 1) % len];
                v->cycle[i] = from;
                for (int c = 0; c < axioms[a].count; c++)
                    if (rel_has(&axioms[a].clause[c].rel, from, to)) {
                        v->label[i] = axioms[a].clause[c].name;
                        break;
                    }
            }
        }
        return;
    }
    v->candidates++;
    v->verdict = ALLOW;
    v->exec = *x;
    s->done = true;
}

/* The writes to loc l other than the initial one, in a chosen coherence order. */
static void choose_co(struct search *s, struct model_exec *x, int l)
{
    if (s->done)
        return;
    if (l == LITMUS_LOCS) {
        judge_candidate(s, x);
        return;
    }
    int w[MODEL_MAX_EVENTS], k = 0;
    for (int e = LITMUS_LOCS; e < x->n; e++)
        if (x->ev[e].kind == EV_W && x->ev[e].loc == (enum model_loc)l)
            w[k++] = e;
    /* Heap's algorithm over the k writes (k is at most a handful). */
    int c[MODEL_MAX_EVENTS] = {0};
    for (int i = 0;;) {
        struct relation saved = x->co;
        for (int a = 0; a < k; a++) {
            rel_add(&x->co, l, w[a]); /* the initial write comes first */
            for (int b = a + 1; b < k; b++)
                rel_add(&x->co, w[a], w[b]);
        }
        choose_co(s, x, l + 1);
        x->co = saved;
        while (i < k && c[i] >= i)
            c[i++] = 0;
        if (i >= k || s->done)
            return;
        int j = (i % 2) ? c[i] : 0, tmp = w[j];
        w[j] = w[i], w[i] = tmp;
        c[i]++, i = 0;
    }
}

static void choose_rf(struct search *s, struct model_exec *x, int r)
{
    while (r < x->n && x->ev[r].kind != EV_R)
        r++;
    if (r == x->n) {
        choose_co(s, x, 0);
        return;
    }
    for (int w = 0; w < x->n && !s->done; w++) {
        if (x->ev[w].kind != EV_W || x->ev[w].loc != x->ev[r].loc)
            continue;
        x->rf[r] = w;
        x->ev[r].val = x->ev[w].val;
        rel_add(&x->rf_rel, w, r);
        choose_rf(s, x, r + 1);
        x->rf_rel.row[w] &= ~(1ULL << r);
    }
}

int model_judge(const struct model_test *t, enum model_arch arch, struct model_verdict *v, char *err,
                int errlen)
{
    static struct model_exec x; /* large: keep it off the stack */
    memset(v, 0, sizeof(*v));
    v->verdict = FORBID;
    if (build(t, arch, &x, err, errlen) < 0)
        return -1;
    struct search s = {.t = t, .arch = arch, .v = v};
    choose_rf(&s, &x, 0);
    if (!v->candidates) {
        snprintf(err, errlen, "no candidate execution has the outcome at all: check its values");
        return -1;
    }
    return 0;
}
