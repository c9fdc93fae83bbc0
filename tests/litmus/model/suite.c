/* The tests the checker judges: litmus-tests.def (the suite the image and
 * the host run) and catalogue.def (classic shapes with published verdicts,
 * judged only), expanded through ops-model.h into struct model_test. */
#include <tests/litmus/model/model.h>
#include <tests/litmus/model/ops-model.h>

#define MODEL_STRIP(...) __VA_ARGS__
#define LITMUS(id, name_, variant_, herd_, arm_, x86_, why_, n, t0, t1, t2, t3, ...)                         \
    {.name = name_,                                                                                          \
     .variant = variant_,                                                                                    \
     .herd = herd_,                                                                                          \
     .arm = arm_,                                                                                            \
     .x86 = x86_,                                                                                            \
     .why = why_,                                                                                            \
     .threads = n,                                                                                           \
     .ops = {{MODEL_STRIP t0{.op = OP_END}},                                                                 \
             {MODEL_STRIP t1{.op = OP_END}},                                                                 \
             {MODEL_STRIP t2{.op = OP_END}},                                                                 \
             {MODEL_STRIP t3{.op = OP_END}}},                                                                \
     .relaxed = {__VA_ARGS__, LITMUS_COND_END}},

const struct model_test model_suite[] = {
#ifdef LITMUS_MODEL_BAD_INPUT /* model-check.sh: the error messages */
#include <tests/litmus/model/bad-input.def>
#else
#include <tests/litmus/litmus-tests.def>
#endif
};
const uint32_t model_suite_count = sizeof(model_suite) / sizeof(model_suite[0]);

const struct model_test model_catalogue[] = {
#include <tests/litmus/model/catalogue.def>
};
const uint32_t model_catalogue_count = sizeof(model_catalogue) / sizeof(model_catalogue[0]);
