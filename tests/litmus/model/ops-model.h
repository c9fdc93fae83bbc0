/*
 * Litmus operations as data for the checker: each operation of
 * litmus-tests.def becomes one struct model_op initialiser (see model.h).
 * Must say what ops-arm64.h and ops-x86_64.h do: the dependency, fence and
 * release/acquire each operation carries.
 */
#undef ST
#undef LD
#undef STREL
#undef LDACQ
#undef MB
#undef LOCKMB
#undef WMB
#undef RMB
#undef LD_ADDR
#undef ST_DATA
#undef ST_CTRL
#undef SWP

#define ST(l, v) {.op = OP_ST, .loc = MODEL_LOC_##l, .val = (v)},
#define LD(r, l) {.op = OP_LD, .loc = MODEL_LOC_##l, .reg = MODEL_REG_##r},
#define STREL(l, v) {.op = OP_ST, .loc = MODEL_LOC_##l, .val = (v), .order = ORDER_RELEASE},
#define LDACQ(r, l) {.op = OP_LD, .loc = MODEL_LOC_##l, .reg = MODEL_REG_##r, .order = ORDER_ACQUIRE},
#define MB {.op = OP_FENCE, .fence = FENCE_MB},
#define LOCKMB {.op = OP_FENCE, .fence = FENCE_LOCKMB},
#define WMB {.op = OP_FENCE, .fence = FENCE_WMB},
#define RMB {.op = OP_FENCE, .fence = FENCE_RMB},
#define LD_ADDR(r, l, d)                                                                                     \
    {.op = OP_LD, .loc = MODEL_LOC_##l, .reg = MODEL_REG_##r, .dep = DEP_ADDR, .dep_reg = MODEL_REG_##d},
#define ST_DATA(l, v, d)                                                                                     \
    {.op = OP_ST, .loc = MODEL_LOC_##l, .val = (v), .dep = DEP_DATA, .dep_reg = MODEL_REG_##d},
/* The branch orders this store and everything after it in the thread. */
#define ST_CTRL(l, v, d)                                                                                     \
    {.op = OP_ST, .loc = MODEL_LOC_##l, .val = (v), .dep = DEP_CTRL, .dep_reg = MODEL_REG_##d},
/* A read and a write of one location, atomic (rmw); LOCKed on x86. */
#define SWP(r, l, v) {.op = OP_SWP, .loc = MODEL_LOC_##l, .reg = MODEL_REG_##r, .val = (v)},
