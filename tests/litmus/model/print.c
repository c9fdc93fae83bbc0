/* The checker's verdicts as text (a witness or a cycle) and as Graphviz graphs. */
#include <stdio.h>
#include <string.h>

#include <tests/litmus/model/model.h>

static const char *const loc_names[] = {"x", "y", "z"};

const char *model_arch_name(enum model_arch arch)
{
    return arch == ARCH_ARM ? "ARMv8" : "x86-TSO";
}

static const char *fence_name(enum model_arch arch, enum model_fence f)
{
    if (arch == ARCH_X86)
        return f == FENCE_LOCKMB ? "lock or" : "mfence";
    return f == FENCE_WMB ? "dmb ishst" : f == FENCE_RMB ? "dmb ishld" : "dmb ish";
}

/* "a:T0 W x=1", events lettered in program order (the initial writes: "init x=0"). */
static void event_text(const struct model_exec *x, enum model_arch arch, int e, char *buf, int len)
{
    const struct model_event *ev = &x->ev[e];
    if (ev->thread < 0) {
        snprintf(buf, len, "init %s=0", loc_names[ev->loc]);
        return;
    }
    char letter = (char)('a' + e - LITMUS_LOCS);
    if (ev->kind == EV_F) {
        snprintf(buf, len, "%c:T%d %s", letter, ev->thread, fence_name(arch, ev->fence));
        return;
    }
    const char *order = ev->rmw                      ? ".swp"
                        : ev->order == ORDER_RELEASE ? ".rel"
                        : ev->order == ORDER_ACQUIRE ? ".acq"
                                                     : "";
    snprintf(buf, len, "%c:T%d %c%s %s=%llu", letter, ev->thread, ev->kind == EV_R ? 'R' : 'W', order,
             loc_names[ev->loc], (unsigned long long)ev->val);
}

/* A clause's family for the one-line summary: "obs:rfe" -> "rfe", "dob:addr" -> "dob". */
static void family(const char *clause, char *buf, int len)
{
    const char *colon = strchr(clause, ':');
    if (!colon)
        snprintf(buf, len, "%s", clause);
    else if (!strncmp(clause, "obs:", 4) || !strncmp(clause, "ghb:", 4))
        snprintf(buf, len, "%s", colon + 1);
    else
        snprintf(buf, len, "%.*s", (int)(colon - clause), clause);
}

void model_cycle_summary(const struct model_verdict *v, const char *sep, char *buf, int len)
{
    buf[0] = 0;
    for (int i = 0; i < v->cycle_len; i++) {
        char f[32];
        family(v->label[i], f, sizeof(f));
        int used = (int)strlen(buf);
        snprintf(buf + used, len - used, "%s%s", i ? sep : "", f);
    }
}

static void print_execution(const char *what, const struct model_exec *x, enum model_arch arch)
{
    char a[48], b[48];
    printf("    %s:", what);
    for (int e = LITMUS_LOCS; e < x->n; e++)
        if (x->ev[e].kind == EV_R) {
            event_text(x, arch, e, a, sizeof(a));
            event_text(x, arch, x->rf[e], b, sizeof(b));
            printf(" [%s reads from %s]", a, b);
        }
    for (int l = 0; l < LITMUS_LOCS; l++) {
        int count = 0;
        for (int e = LITMUS_LOCS; e < x->n; e++)
            count += x->ev[e].kind == EV_W && x->ev[e].loc == (enum model_loc)l;
        if (count < 2)
            continue;
        printf(" [co %s:", loc_names[l]); /* its writes, fewest co-successors last */
        for (int k = count; k >= 1; k--)
            for (int e = LITMUS_LOCS; e < x->n; e++)
                if (x->ev[e].kind == EV_W && x->ev[e].loc == (enum model_loc)l &&
                    __builtin_popcountll(x->co.row[e]) == k - 1) {
                    event_text(x, arch, e, a, sizeof(a));
                    printf(" %s%s", k == count ? "" : "< ", a);
                }
        printf("]");
    }
    printf("\n");
}

void model_print_verdict(enum model_arch arch, const struct model_verdict *v)
{
    char a[48];
    printf("  %-8s %s", model_arch_name(arch), v->verdict == ALLOW ? "allows" : "forbids");
    if (v->verdict == ALLOW) {
        printf("\n");
        print_execution("witness", &v->exec, arch);
        return;
    }
    char summary[256];
    model_cycle_summary(v, " ; ", summary, sizeof(summary));
    printf(" (%d candidate execution%s with the outcome; the first:)\n", v->candidates,
           v->candidates == 1 ? "" : "s");
    print_execution("candidate", &v->exec, arch);
    printf("    %s cycle: %s\n     ", v->axiom, summary);
    for (int i = 0; i < v->cycle_len; i++) {
        event_text(&v->exec, arch, v->cycle[i], a, sizeof(a));
        printf(" %s -%s->", a, v->label[i]);
    }
    event_text(&v->exec, arch, v->cycle[0], a, sizeof(a));
    printf(" %s\n", a);
}

/* ---- Graphviz ---- */

static bool used_loc(const struct model_exec *x, int l)
{
    for (int e = LITMUS_LOCS; e < x->n; e++)
        if (x->ev[e].kind != EV_F && x->ev[e].loc == (enum model_loc)l)
            return true;
    return false;
}

/* Is a -> b an edge of the forbidding cycle (drawn once, as the cycle's)? */
static bool on_cycle(const struct model_verdict *v, int a, int b)
{
    for (int i = 0; i < v->cycle_len; i++)
        if (v->cycle[i] == a && v->cycle[(i + 1) % v->cycle_len] == b)
            return true;
    return false;
}

static void dot_edge(FILE *f, int a, int b, const char *label, const char *attrs)
{
    fprintf(f, "  e%d -> e%d [label=\"%s\" %s];\n", a, b, label, attrs);
}

int model_write_dot(const char *dir, const struct model_test *t, enum model_arch arch,
                    const struct model_verdict *v)
{
    char path[512], text[48], outcome[128] = "";
    snprintf(path, sizeof(path), "%s/%s.%s.%s.dot", dir, t->name, t->variant,
             arch == ARCH_ARM ? "arm" : "x86");
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        return -1;
    }
    static const char *const var_names[] = {"r0", "r1", "r2", "r3", "x", "y", "z"};
    for (int c = 0; t->relaxed[2 * c] != LITMUS_COND_END; c++) {
        int used = (int)strlen(outcome);
        snprintf(outcome + used, sizeof(outcome) - used, "%s%s=%u", c ? " " : "",
                 var_names[t->relaxed[2 * c]], t->relaxed[2 * c + 1]);
    }
    const struct model_exec *x = &v->exec;
    char summary[256] = "";
    if (v->verdict == FORBID)
        model_cycle_summary(v, " ; ", summary, sizeof(summary));
    fprintf(f, "digraph \"%s.%s %s\" {\n", t->name, t->variant, model_arch_name(arch));
    fprintf(f, "  label=\"%s.%s on %s: %s %s%s%s%s\"; labelloc=t; fontname=\"Helvetica\";\n", t->name,
            t->variant, model_arch_name(arch), outcome,
            v->verdict == ALLOW ? "allowed (a witness)" : "forbidden, ", v->verdict == FORBID ? v->axiom : "",
            v->verdict == FORBID ? " cycle:\\n" : "", summary);
    fprintf(
        f,
        "  node [shape=box fontname=\"Courier\" fontsize=11]; edge [fontname=\"Helvetica\" fontsize=9];\n");
    for (int th = 0; th < (int)t->threads; th++) {
        fprintf(f, "  subgraph cluster_t%d { label=\"T%d\";\n", th, th);
        for (int e = LITMUS_LOCS; e < x->n; e++)
            if (x->ev[e].thread == th) {
                event_text(x, arch, e, text, sizeof(text));
                fprintf(f, "    e%d [label=\"%s\"%s];\n", e, text,
                        x->ev[e].kind == EV_F ? " shape=plaintext" : "");
            }
        fprintf(f, "  }\n");
    }
    fprintf(f, "  subgraph cluster_init { label=\"initial\"; style=dotted;\n");
    for (int l = 0; l < LITMUS_LOCS; l++)
        if (used_loc(x, l))
            fprintf(f, "    e%d [label=\"%s=0\" shape=plaintext];\n", l, loc_names[l]);
    fprintf(f, "  }\n");
    for (int a = LITMUS_LOCS; a < x->n; a++) /* po: each event to its next */
        for (int b = a + 1; b < x->n; b++)
            if (rel_has(&x->po, a, b)) {
                dot_edge(f, a, b, "po", "color=gray40");
                break;
            }
    for (int r = LITMUS_LOCS; r < x->n; r++)
        if (x->ev[r].kind == EV_R && !on_cycle(v, x->rf[r], r))
            dot_edge(f, x->rf[r], r, "rf", "color=red fontcolor=red constraint=false");
    for (int a = LITMUS_LOCS; a < x->n; a++) /* co between the test's own writes */
        for (int b = LITMUS_LOCS; b < x->n; b++)
            if (rel_has(&x->co, a, b) &&
                __builtin_popcountll(x->co.row[a]) == __builtin_popcountll(x->co.row[b]) + 1 &&
                !on_cycle(v, a, b))
                dot_edge(f, a, b, "co", "color=blue fontcolor=blue constraint=false");
    for (int a = LITMUS_LOCS; a < x->n; a++)
        for (int b = LITMUS_LOCS; b < x->n; b++)
            if (rel_has(&x->rmw, a, b) && !on_cycle(v, a, b))
                dot_edge(f, a, b, "rmw", "style=bold color=black constraint=false");
    for (int r = LITMUS_LOCS; r < x->n; r++) /* fr: a read to the write just after the one it read */
        for (int w = LITMUS_LOCS; x->ev[r].kind == EV_R && w < x->n; w++)
            if (rel_has(&x->co, x->rf[r], w) &&
                __builtin_popcountll(x->co.row[w]) + 1 == __builtin_popcountll(x->co.row[x->rf[r]]) &&
                !on_cycle(v, r, w))
                dot_edge(f, r, w, "fr", "color=purple fontcolor=purple style=dashed constraint=false");
    for (int i = 0; i < v->cycle_len; i++)
        dot_edge(f, v->cycle[i], v->cycle[(i + 1) % v->cycle_len], v->label[i],
                 "color=darkorange fontcolor=darkorange penwidth=2.5 constraint=false");
    fprintf(f, "}\n");
    fclose(f);
    return 0;
}
