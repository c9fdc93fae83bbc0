/*
 * litmus-model: the ARMv8 and x86-TSO verdicts of the litmus tests, computed.
 *
 *   litmus-model [SELECT]            each test's verdicts, with a witness
 *                                    execution or the cycle that forbids it
 *   litmus-model --verdicts          one `litmus-verdict` line a test (tools/litmus-report.sh)
 *   litmus-model --check             PASS/FAIL: the checker against litmus-tests.def's
 *                                    typed verdicts and catalogue.def's published ones
 *   litmus-model --dot DIR [SELECT]  DIR/NAME.VARIANT.{arm,x86}.dot for each test
 *   --catalogue                      the catalogue's shapes instead of the suite
 *   --drop CLAUSE                    judge without one clause of the models (to show
 *                                    the tests notice); --clauses lists them
 * SELECT is as litmus=: "MP" (every variant) or "MP.plain", comma-separated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lib/bootargs.h>
#include <tests/litmus/model/model.h>

static const char *verdict_word(enum litmus_verdict v)
{
    return v == ALLOW ? "allow" : "forbid";
}

static void full_name(const struct model_test *t, char *buf, int len)
{
    snprintf(buf, len, "%s.%s", t->name, t->variant);
}

/* Judge t under both models; -1 (with a FAIL line naming it) if it cannot be judged. */
static int judge_both(const struct model_test *t, struct model_verdict v[2])
{
    char name[64], err[160];
    full_name(t, name, sizeof(name));
    for (int a = 0; a < 2; a++)
        if (model_judge(t, (enum model_arch)a, &v[a], err, sizeof(err)) < 0) {
            printf("FAIL litmus-model/%s: %s: %s\n", name, model_arch_name((enum model_arch)a), err);
            return -1;
        }
    return 0;
}

/* The checker against the verdicts written beside the tests. */
static int check(const char *set, const struct model_test *tests, uint32_t count, const char *source)
{
    int bad = 0;
    for (uint32_t i = 0; i < count; i++) {
        const struct model_test *t = &tests[i];
        struct model_verdict v[2];
        char name[64];
        full_name(t, name, sizeof(name));
        if (judge_both(t, v) < 0) {
            bad++;
            continue;
        }
        enum litmus_verdict listed[2] = {t->arm, t->x86};
        for (int a = 0; a < 2; a++)
            if (v[a].verdict != listed[a]) {
                char why[256] = "";
                if (v[a].verdict == FORBID)
                    model_cycle_summary(&v[a], " ; ", why, sizeof(why));
                printf("FAIL %s/%s: %s: the checker says %s%s%s, %s says %s (`build/litmus/litmus-model "
                       "%s%s` shows why)\n",
                       set, name, model_arch_name((enum model_arch)a), verdict_word(v[a].verdict),
                       why[0] ? ", cycle " : "", why, source, verdict_word(listed[a]),
                       tests == model_catalogue ? "--catalogue " : "", name);
                bad++;
            }
    }
    if (!bad)
        printf("PASS %s: %u tests, the checker's ARMv8 and x86-TSO verdicts agree with %s\n", set, count,
               source);
    return bad;
}

int main(int argc, char **argv)
{
    const struct model_test *tests = model_suite;
    uint32_t count = model_suite_count;
    const char *list = "", *dot_dir = NULL;
    bool verdicts = false, do_check = false, clauses = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--catalogue"))
            tests = model_catalogue, count = model_catalogue_count;
        else if (!strcmp(argv[i], "--verdicts"))
            verdicts = true;
        else if (!strcmp(argv[i], "--check"))
            do_check = true;
        else if (!strcmp(argv[i], "--clauses"))
            clauses = true;
        else if (!strcmp(argv[i], "--dot") && i + 1 < argc)
            dot_dir = argv[++i];
        else if (!strcmp(argv[i], "--drop") && i + 1 < argc)
            model_drop_clause(argv[++i]);
        else if (argv[i][0] != '-' && !list[0])
            list = argv[i];
        else {
            fprintf(stderr,
                    "usage: %s [--catalogue] [--verdicts | --check | --dot DIR | --clauses] "
                    "[--drop CLAUSE] [TEST,...]\n",
                    argv[0]);
            return 2;
        }
    }
    if (clauses) {
        for (int a = 0; a < 2; a++)
            for (const char *const *c = model_clause_names((enum model_arch)a); *c; c++)
                printf("%s %s\n", a == ARCH_ARM ? "arm" : "x86", *c);
        return 0;
    }
    if (do_check) {
        int bad = check("litmus-model-suite", model_suite, model_suite_count, "litmus-tests.def");
        bad += check("litmus-model-catalogue", model_catalogue, model_catalogue_count, "catalogue.def");
        return bad ? 1 : 0;
    }
    int selected = 0, bad = 0;
    for (uint32_t i = 0; i < count; i++) {
        const struct model_test *t = &tests[i];
        char name[64];
        full_name(t, name, sizeof(name));
        if (!bootargs_selects(list, name))
            continue;
        selected++;
        struct model_verdict v[2];
        if (judge_both(t, v) < 0) {
            bad++;
            continue;
        }
        if (verdicts) {
            char why[2][256] = {"-", "-"};
            for (int a = 0; a < 2; a++)
                if (v[a].verdict == FORBID)
                    model_cycle_summary(&v[a], ";", why[a], sizeof(why[a]));
            printf("litmus-verdict %s arm=%s x86=%s listed-arm=%s listed-x86=%s arm-cycle=%s x86-cycle=%s\n",
                   name, verdict_word(v[0].verdict), verdict_word(v[1].verdict), verdict_word(t->arm),
                   verdict_word(t->x86), why[0], why[1]);
        } else if (dot_dir) {
            for (int a = 0; a < 2; a++)
                if (model_write_dot(dot_dir, t, (enum model_arch)a, &v[a]) < 0)
                    return 1;
        } else {
            printf("%s (%s): %s\n", name, t->herd, t->why);
            for (int a = 0; a < 2; a++)
                model_print_verdict((enum model_arch)a, &v[a]);
        }
    }
    if (!selected) {
        fprintf(stderr, "litmus-model: no test matches '%s'\n", list);
        return 2;
    }
    return bad ? 1 : 0;
}
