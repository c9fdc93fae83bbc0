/*
 * An axiomatic checker for the litmus tests of litmus-tests.def: every
 * candidate execution of a test (which write each read reads from, and the
 * order of the writes to each location), judged by the ARMv8 model
 * (herd7's aarch64.cat, multicopy-atomic; Pulte et al., POPL 2018) and by
 * x86-TSO (herd7's x86tso.cat; Owens, Sarkar, Sewell, TPHOLs 2009).
 * docs/litmus.md ("The checker") defines each relation.
 */
#ifndef ARMADA_LITMUS_MODEL_MODEL_H
#define ARMADA_LITMUS_MODEL_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include <tests/litmus/litmus.h>
#include <tests/litmus/model/relation.h>

#define MODEL_MAX_OPS 12 /* operations a thread */

enum model_loc { MODEL_LOC_x, MODEL_LOC_y, MODEL_LOC_z };
enum model_reg { MODEL_REG_r0, MODEL_REG_r1, MODEL_REG_r2, MODEL_REG_r3 };
enum model_opcode { OP_END, OP_ST, OP_LD, OP_FENCE, OP_SWP };
enum model_order { ORDER_PLAIN, ORDER_RELEASE, ORDER_ACQUIRE };
enum model_fence { FENCE_NONE, FENCE_MB, FENCE_LOCKMB, FENCE_WMB, FENCE_RMB };
enum model_dep { DEP_NONE, DEP_ADDR, DEP_DATA, DEP_CTRL };

/* One operation as litmus-tests.def writes it (ops-model.h). */
struct model_op {
    enum model_opcode op;
    enum model_loc loc;
    enum model_reg reg; /* loads: the register written */
    uint64_t val;       /* stores: the value written */
    enum model_order order;
    enum model_fence fence;
    enum model_dep dep;
    enum model_reg dep_reg; /* the register the dependency comes from */
};

struct model_test {
    const char *name, *variant, *herd;
    enum litmus_verdict arm, x86; /* as typed in the .def: the second opinion */
    const char *why;
    uint32_t threads;
    struct model_op ops[LITMUS_MAX_THREADS][MODEL_MAX_OPS + 1]; /* each ends with OP_END */
    uint8_t relaxed[2 * LITMUS_MAX_COND + 1];
};

extern const struct model_test model_suite[], model_catalogue[];
extern const uint32_t model_suite_count, model_catalogue_count;

enum model_arch { ARCH_ARM, ARCH_X86 };

/* One event: a read, a write or a fence, as the architecture sees the program
 * (on x86 release/acquire are plain, DMB ISHST/ISHLD vanish, MB/LOCKMB are one
 * full fence). The initial writes (value 0) come first, on no thread. */
enum model_kind { EV_R, EV_W, EV_F };
struct model_event {
    enum model_kind kind;
    int thread; /* -1: an initial write */
    enum model_loc loc;
    uint64_t val; /* writes: the value written; reads: the value read (per candidate) */
    enum model_reg reg;
    enum model_order order;
    enum model_fence fence;
    bool rmw; /* the read or the write of an atomic read-modify-write (SWP) */
};

/* A test as events with its static relations, and one candidate execution
 * (rf, co and what follows from them). */
struct model_exec {
    int n;
    struct model_event ev[MODEL_MAX_EVENTS];
    uint64_t reads, writes, fences, memory, atomics;   /* event sets */
    struct relation po, po_loc, addr, data, ctrl, rmw; /* rmw: a SWP's read to its write */
    int rf[MODEL_MAX_EVENTS];                          /* for each read, the write it reads from */
    struct relation rf_rel, co, fr;
};

/* A named clause of an axiom (e.g. "dob:addr"): the unit a cycle is labelled
 * with, and the unit `--drop` removes to show the tests notice. */
#define MODEL_MAX_CLAUSES 24
struct model_clause {
    const char *name;
    struct relation rel;
};
struct model_axiom {
    const char *name; /* "internal", "external", "sc-per-location", "tso" */
    int count;
    struct model_clause clause[MODEL_MAX_CLAUSES];
};
#define MODEL_MAX_AXIOMS 2

/* Fill the axioms `arch`'s model requires acyclic for execution x. */
int model_axioms(enum model_arch arch, const struct model_exec *x, struct model_axiom *axioms);
/* Every clause name of `arch`'s model, NULL-terminated. */
const char *const *model_clause_names(enum model_arch arch);
/* A clause that model_axioms leaves out (`--drop`); NULL: none. */
void model_drop_clause(const char *name);
bool model_clause_dropped(const char *name);

/* The outcome of the judgement of one test under one model. */
struct model_verdict {
    enum litmus_verdict verdict;
    int candidates;         /* candidate executions with the relaxed outcome */
    struct model_exec exec; /* allowed: the witness; forbidden: the first candidate */
    const char *axiom;      /* forbidden: the first candidate's failing axiom */
    int cycle_len;
    int cycle[MODEL_MAX_EVENTS];
    const char *label[MODEL_MAX_EVENTS]; /* label[i]: the edge cycle[i] -> cycle[i+1] */
};

/* Judge test t under arch's model; returns 0, or -1 with a message in err
 * if the test cannot be judged (bad operands, no execution has the outcome). */
int model_judge(const struct model_test *t, enum model_arch arch, struct model_verdict *v, char *err,
                int errlen);

/* Printing (print.c). */
const char *model_arch_name(enum model_arch arch);
/* "bob ; rfe ; dob ; fre": the families of the cycle's edges, sep between. */
void model_cycle_summary(const struct model_verdict *v, const char *sep, char *buf, int len);
void model_print_verdict(enum model_arch arch, const struct model_verdict *v);
int model_write_dot(const char *dir, const struct model_test *t, enum model_arch arch,
                    const struct model_verdict *v);

#endif
