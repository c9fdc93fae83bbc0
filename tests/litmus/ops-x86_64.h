/*
 * Litmus operations as x86-64 instructions (see litmus-tests.def): the host
 * column. One asm statement each with a "memory" clobber, so only the CPU
 * reorders. Under TSO a plain MOV is already a release store and an acquire
 * load, and loads and stores each stay in order, so STREL/LDACQ are MOVs and
 * WMB/RMB only stop the compiler (as Linux's smp_wmb/smp_rmb on x86).
 */
#ifndef ARMADA_TESTS_LITMUS_OPS_X86_64_H
#define ARMADA_TESTS_LITMUS_OPS_X86_64_H

#define ST(l, v) __asm__ volatile("movq %1, (%0)" ::"r"(l), "er"((uint64_t)(v)) : "memory");
#define LD(r, l) __asm__ volatile("movq (%1), %0" : "=r"(r) : "r"(l) : "memory");
#define STREL(l, v) ST(l, v)  /* TSO: earlier accesses are already ordered before a store */
#define LDACQ(r, l) LD(r, l)  /* TSO: later accesses are already ordered after a load */
/* Full barrier: drains the store buffer before any later load. */
#define MB __asm__ volatile("mfence" ::: "memory");
/* A LOCKed read-modify-write is a full barrier too (Linux's smp_mb on x86). */
#define LOCKMB __asm__ volatile("lock orq $0, (%%rsp)" ::: "memory", "cc");
#define WMB __asm__ volatile("" ::: "memory"); /* stores are already in order */
#define RMB __asm__ volatile("" ::: "memory"); /* loads are already in order */
#define LD_ADDR(r, l, d)                                                                           \
    do {                                                                                           \
        uint64_t t_;                                                                               \
        __asm__ volatile("movq %2, %1\n\txorq %2, %1\n\tmovq (%3,%1), %0"                          \
                         : "=r"(r), "=&r"(t_)                                                      \
                         : "r"(d), "r"(l)                                                          \
                         : "memory", "cc");                                                        \
    } while (0);
#define ST_DATA(l, v, d)                                                                           \
    do {                                                                                           \
        uint64_t t_;                                                                               \
        __asm__ volatile("movq %1, %0\n\txorq %1, %0\n\taddq %3, %0\n\tmovq %0, (%2)"              \
                         : "=&r"(t_)                                                               \
                         : "r"(d), "r"(l), "i"(v)                                                  \
                         : "memory", "cc");                                                        \
    } while (0);
#define ST_CTRL(l, v, d)                                                                           \
    __asm__ volatile("testq %0, %0\n\tjnz 1f\n1:\tmovq %2, (%1)" ::"r"(d), "r"(l),               \
                     "er"((uint64_t)(v))                                                           \
                     : "memory", "cc");
/* Atomic swap: XCHG with memory is always LOCKed, so also a full barrier. */
#define SWP(r, l, v)                                                                               \
    do {                                                                                           \
        uint64_t t_ = (v);                                                                         \
        __asm__ volatile("xchgq %0, (%1)" : "+r"(t_) : "r"(l) : "memory");                         \
        r = t_;                                                                                    \
    } while (0);

#endif
