/*
 * Atomic read-modify-write on 32- and 64-bit words, in four orderings:
 *   _relaxed  atomicity only;
 *   _acquire  later accesses are performed after the read;
 *   _release  earlier accesses are performed before the write;
 *   (none)    fully ordered: as if smp_mb() stood on both sides.
 * Operations: fetch_{add,sub,and,or} (return the old value), {add,sub}_return
 * (the new value), xchg, cmpxchg (returns the value found: it succeeded iff
 * that equals `expected`; a failed cmpxchg orders nothing beyond _acquire's
 * read), and void add/sub/and/or (relaxed, as Linux's).
 *
 * Default: load/store-exclusive (LL/SC), which every ARMv8.0 core has (the
 * Pi 4's Cortex-A72). Relaxed LDXR/STXR, acquire LDAXR/STXR, release
 * LDXR/STLXR; fully ordered is LDXR/STLXR then DMB ISH (Linux's choice: the
 * STLXR keeps earlier accesses before the write, the DMB keeps later ones
 * after it; LDAXR would not stop a later load from passing the STLXR).
 *
 * `make ATOMICS=lse` (-DARMADA_LSE=1 -march=armv8.1-a): single-instruction
 * FEAT_LSE atomics, LDADD/LDCLR/LDSET/SWP/CAS with the A (acquire), L
 * (release) or AL (both; fully ordered) suffix. Such an image checks every
 * core for FEAT_LSE at boot (atomics_check_cpu) and refuses to run without it.
 *
 * x86-64: every `lock`-prefixed RMW is fully ordered; all four forms are the
 * same `lock xadd` / `lock cmpxchg` / `xchg` there. docs/barriers.md.
 */
#ifndef ARMADA_ARCH_ATOMIC_H
#define ARMADA_ARCH_ATOMIC_H

#include <stdbool.h>
#include <stdint.h>

#include <arch/barrier.h>

#if defined(ARMADA_LSE) && ARMADA_LSE && !defined(__ARM_FEATURE_ATOMICS)
#error "ARMADA_LSE needs -march=armv8.1-a (or +lse): see sync/sync.mk"
#endif

#if defined(ARMADA_LSE) && ARMADA_LSE
#define ATOMICS_KIND "lse"
#else
#define ATOMICS_KIND "ll/sc"
#endif

/* Operand prefix per size: w registers for 32 bits, x for 64. */
#define ATOMIC_R32 "w"
#define ATOMIC_R64 "x"

#if !(defined(ARMADA_LSE) && ARMADA_LSE)
/* ---- LL/SC -------------------------------------------------------------
 * One loop per operation: load-exclusive, compute, store-exclusive, retry if
 * another core wrote the line in between (the monitor was cleared). */

/* fetch_<op><order>: `insn new, old, v`; ld/st pick the ordering, `fence`
 * ends the fully ordered form. */
#define ATOMIC_LLSC_FETCH_OP(sz, op, insn, order, ld, st, fence)                                    \
    static inline uint##sz##_t atomic##sz##_fetch_##op##order(uint##sz##_t *p, uint##sz##_t v)    \
    {                                                                                               \
        uint##sz##_t old, new_;                                                                     \
        uint32_t fail;                                                                              \
        __asm__ volatile("1: " ld " %" ATOMIC_R##sz "[old], %[mem]\n"                               \
                         "   " insn " %" ATOMIC_R##sz "[new], %" ATOMIC_R##sz "[old], %"            \
                         ATOMIC_R##sz "[v]\n"                                                       \
                         "   " st " %w[fail], %" ATOMIC_R##sz "[new], %[mem]\n"                     \
                         "   cbnz %w[fail], 1b\n" fence                                             \
                         : [old] "=&r"(old), [new] "=&r"(new_), [fail] "=&r"(fail), [mem] "+Q"(*p)  \
                         : [v] "r"(v)                                                               \
                         : "memory");                                                               \
        return old;                                                                                 \
    }

#define ATOMIC_LLSC_XCHG(sz, order, ld, st, fence)                                                  \
    static inline uint##sz##_t atomic##sz##_xchg##order(uint##sz##_t *p, uint##sz##_t v)          \
    {                                                                                               \
        uint##sz##_t old;                                                                           \
        uint32_t fail;                                                                              \
        __asm__ volatile("1: " ld " %" ATOMIC_R##sz "[old], %[mem]\n"                               \
                         "   " st " %w[fail], %" ATOMIC_R##sz "[v], %[mem]\n"                       \
                         "   cbnz %w[fail], 1b\n" fence                                             \
                         : [old] "=&r"(old), [fail] "=&r"(fail), [mem] "+Q"(*p)                     \
                         : [v] "r"(v)                                                               \
                         : "memory");                                                               \
        return old;                                                                                 \
    }

/* On a mismatch the loop exits without storing (and without the fence). */
#define ATOMIC_LLSC_CMPXCHG(sz, order, ld, st, fence)                                               \
    static inline uint##sz##_t atomic##sz##_cmpxchg##order(uint##sz##_t *p, uint##sz##_t expected, \
                                                           uint##sz##_t v)                          \
    {                                                                                               \
        uint##sz##_t old;                                                                           \
        uint32_t fail;                                                                              \
        __asm__ volatile("1: " ld " %" ATOMIC_R##sz "[old], %[mem]\n"                               \
                         "   cmp %" ATOMIC_R##sz "[old], %" ATOMIC_R##sz "[exp]\n"                  \
                         "   b.ne 2f\n"                                                             \
                         "   " st " %w[fail], %" ATOMIC_R##sz "[v], %[mem]\n"                       \
                         "   cbnz %w[fail], 1b\n" fence "2:\n"                                      \
                         : [old] "=&r"(old), [fail] "=&r"(fail), [mem] "+Q"(*p)                     \
                         : [exp] "r"(expected), [v] "r"(v)                                          \
                         : "cc", "memory");                                                         \
        return old;                                                                                 \
    }

#define ATOMIC_LLSC_ORDERS(gen, ...)                                                                \
    gen(__VA_ARGS__, _relaxed, "ldxr", "stxr", "")                                                  \
    gen(__VA_ARGS__, _acquire, "ldaxr", "stxr", "")                                                 \
    gen(__VA_ARGS__, _release, "ldxr", "stlxr", "")                                                 \
    gen(__VA_ARGS__, , "ldxr", "stlxr", "   dmb ish\n")

#define ATOMIC_LLSC_SIZE(sz)                                                                        \
    ATOMIC_LLSC_ORDERS(ATOMIC_LLSC_FETCH_OP, sz, add, "add")                                        \
    ATOMIC_LLSC_ORDERS(ATOMIC_LLSC_FETCH_OP, sz, sub, "sub")                                        \
    ATOMIC_LLSC_ORDERS(ATOMIC_LLSC_FETCH_OP, sz, and, "and")                                        \
    ATOMIC_LLSC_ORDERS(ATOMIC_LLSC_FETCH_OP, sz, or, "orr")                                         \
    ATOMIC_LLSC_ORDERS(ATOMIC_LLSC_XCHG, sz)                                                        \
    ATOMIC_LLSC_ORDERS(ATOMIC_LLSC_CMPXCHG, sz)

ATOMIC_LLSC_SIZE(32)
ATOMIC_LLSC_SIZE(64)

#else
/* ---- LSE ---------------------------------------------------------------
 * One instruction each. sub is an add of -v; and is LDCLR of ~v (clear the
 * bits that are 0 in v); or is LDSET. The AL forms are fully ordered. */

#define ATOMIC_LSE_FETCH(sz, op, insn, transform, order, sfx)                                       \
    static inline uint##sz##_t atomic##sz##_fetch_##op##order(uint##sz##_t *p, uint##sz##_t v)    \
    {                                                                                               \
        uint##sz##_t old, arg = (uint##sz##_t)(transform v);                                        \
        __asm__ volatile(insn sfx " %" ATOMIC_R##sz "[arg], %" ATOMIC_R##sz "[old], %[mem]"        \
                         : [old] "=r"(old), [mem] "+Q"(*p)                                          \
                         : [arg] "r"(arg)                                                           \
                         : "memory");                                                               \
        return old;                                                                                 \
    }

#define ATOMIC_LSE_XCHG(sz, order, sfx)                                                             \
    static inline uint##sz##_t atomic##sz##_xchg##order(uint##sz##_t *p, uint##sz##_t v)          \
    {                                                                                               \
        uint##sz##_t old;                                                                           \
        __asm__ volatile("swp" sfx " %" ATOMIC_R##sz "[v], %" ATOMIC_R##sz "[old], %[mem]"         \
                         : [old] "=r"(old), [mem] "+Q"(*p)                                          \
                         : [v] "r"(v)                                                               \
                         : "memory");                                                               \
        return old;                                                                                 \
    }

/* CAS: the register holding `expected` comes back holding what was found. */
#define ATOMIC_LSE_CMPXCHG(sz, order, sfx)                                                          \
    static inline uint##sz##_t atomic##sz##_cmpxchg##order(uint##sz##_t *p, uint##sz##_t expected, \
                                                           uint##sz##_t v)                          \
    {                                                                                               \
        uint##sz##_t found = expected;                                                              \
        __asm__ volatile("cas" sfx " %" ATOMIC_R##sz "[found], %" ATOMIC_R##sz "[v], %[mem]"       \
                         : [found] "+r"(found), [mem] "+Q"(*p)                                      \
                         : [v] "r"(v)                                                               \
                         : "memory");                                                               \
        return found;                                                                               \
    }

#define ATOMIC_LSE_ORDERS(gen, ...)                                                                 \
    gen(__VA_ARGS__, _relaxed, "")                                                                  \
    gen(__VA_ARGS__, _acquire, "a")                                                                 \
    gen(__VA_ARGS__, _release, "l")                                                                 \
    gen(__VA_ARGS__, , "al")

#define ATOMIC_LSE_SIZE(sz)                                                                         \
    ATOMIC_LSE_ORDERS(ATOMIC_LSE_FETCH, sz, add, "ldadd", +)                                        \
    ATOMIC_LSE_ORDERS(ATOMIC_LSE_FETCH, sz, sub, "ldadd", -)                                        \
    ATOMIC_LSE_ORDERS(ATOMIC_LSE_FETCH, sz, and, "ldclr", ~)                                        \
    ATOMIC_LSE_ORDERS(ATOMIC_LSE_FETCH, sz, or, "ldset", +)                                         \
    ATOMIC_LSE_ORDERS(ATOMIC_LSE_XCHG, sz)                                                          \
    ATOMIC_LSE_ORDERS(ATOMIC_LSE_CMPXCHG, sz)

ATOMIC_LSE_SIZE(32)
ATOMIC_LSE_SIZE(64)
#endif

/* ---- Built from the above, the same for both ---------------------------- */

#define ATOMIC_RETURN(sz, op, c_op, order)                                                          \
    static inline uint##sz##_t atomic##sz##_##op##_return##order(uint##sz##_t *p, uint##sz##_t v)  \
    {                                                                                               \
        return atomic##sz##_fetch_##op##order(p, v) c_op v;                                         \
    }
#define ATOMIC_VOID(sz, op)                                                                         \
    static inline void atomic##sz##_##op(uint##sz##_t *p, uint##sz##_t v)                          \
    {                                                                                               \
        (void)atomic##sz##_fetch_##op##_relaxed(p, v);                                              \
    }
#define ATOMIC_DERIVED(sz)                                                                          \
    ATOMIC_RETURN(sz, add, +, _relaxed) ATOMIC_RETURN(sz, add, +, _acquire)                         \
    ATOMIC_RETURN(sz, add, +, _release) ATOMIC_RETURN(sz, add, +, )                                 \
    ATOMIC_RETURN(sz, sub, -, _relaxed) ATOMIC_RETURN(sz, sub, -, _acquire)                         \
    ATOMIC_RETURN(sz, sub, -, _release) ATOMIC_RETURN(sz, sub, -, )                                 \
    ATOMIC_VOID(sz, add) ATOMIC_VOID(sz, sub) ATOMIC_VOID(sz, and) ATOMIC_VOID(sz, or)

ATOMIC_DERIVED(32)
ATOMIC_DERIVED(64)

/* Plain single-copy-atomic read and write (no ordering). */
#define atomic_read(p) READ_ONCE(*(p))
#define atomic_set(p, v) WRITE_ONCE(*(p), (v))

/*
 * Wait, in WFE, until *p != old; returns the new value, read with acquire.
 * SEVL makes the first WFE fall through; LDAXR arms the exclusive monitor, so
 * the store that changes *p clears it and generates the event that ends the
 * next WFE (no SEV needed from the writer). Linux: smp_cond_load_acquire.
 * x86: a `pause` loop on a plain load.
 */
#define ATOMIC_WAIT_NE(sz)                                                                          \
    static inline uint##sz##_t atomic##sz##_wait_ne_acquire(const uint##sz##_t *p, uint##sz##_t old)\
    {                                                                                               \
        uint##sz##_t v;                                                                             \
        __asm__ volatile("   sevl\n"                                                                \
                         "1: wfe\n"                                                                 \
                         "   ldaxr %" ATOMIC_R##sz "[v], %[mem]\n"                                  \
                         "   cmp %" ATOMIC_R##sz "[v], %" ATOMIC_R##sz "[old]\n"                    \
                         "   b.eq 1b\n"                                                             \
                         : [v] "=&r"(v)                                                             \
                         : [mem] "Q"(*p), [old] "r"(old)                                            \
                         : "cc", "memory");                                                         \
        return v;                                                                                   \
    }
ATOMIC_WAIT_NE(32)
ATOMIC_WAIT_NE(64)

#endif
