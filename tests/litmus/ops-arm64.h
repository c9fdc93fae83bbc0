/*
 * Litmus operations as AArch64 instructions (see litmus-tests.def). Each is
 * one asm statement with a "memory" clobber, so the compiler keeps them in
 * program order and adds no memory access between them: the hardware (or
 * QEMU) is the only thing that may reorder. x, y, z are uint64_t pointers,
 * r0..r3 uint64_t registers.
 */
#ifndef ARMADA_TESTS_LITMUS_OPS_ARM64_H
#define ARMADA_TESTS_LITMUS_OPS_ARM64_H

#define ST(l, v) __asm__ volatile("str %1, [%0]" ::"r"(l), "r"((uint64_t)(v)) : "memory");
#define LD(r, l) __asm__ volatile("ldr %0, [%1]" : "=r"(r) : "r"(l) : "memory");
/* Release store: every earlier access is observed before it. */
#define STREL(l, v) __asm__ volatile("stlr %1, [%0]" ::"r"(l), "r"((uint64_t)(v)) : "memory");
/* Acquire load: every later access is observed after it (and STLR;LDAR stay ordered). */
#define LDACQ(r, l) __asm__ volatile("ldar %0, [%1]" : "=r"(r) : "r"(l) : "memory");
/* Full barrier: all accesses before | all accesses after, inner shareable. */
#define MB __asm__ volatile("dmb ish" ::: "memory");
/* Linux's smp_mb is the same DMB ISH on ARM (the x86 side uses a LOCKed op). */
#define LOCKMB __asm__ volatile("dmb ish" ::: "memory");
/* Stores before | stores after. */
#define WMB __asm__ volatile("dmb ishst" ::: "memory");
/* Loads before | loads and stores after. */
#define RMB __asm__ volatile("dmb ishld" ::: "memory");
/* Address dependency: the offset is d ^ d (always 0, but computed from d). */
#define LD_ADDR(r, l, d)                                                                           \
    do {                                                                                           \
        uint64_t t_;                                                                               \
        __asm__ volatile("eor %1, %2, %2\n\tldr %0, [%3, %1]"                                      \
                         : "=r"(r), "=&r"(t_)                                                      \
                         : "r"(d), "r"(l)                                                          \
                         : "memory");                                                              \
    } while (0);
/* Data dependency: the value stored is (d ^ d) + v. */
#define ST_DATA(l, v, d)                                                                           \
    do {                                                                                           \
        uint64_t t_;                                                                               \
        __asm__ volatile("eor %0, %1, %1\n\tadd %0, %0, %3\n\tstr %0, [%2]"                        \
                         : "=&r"(t_)                                                               \
                         : "r"(d), "r"(l), "I"(v)                                                  \
                         : "memory");                                                              \
    } while (0);
/* Control dependency: a conditional branch on d (both ways lead on) before the store. */
#define ST_CTRL(l, v, d)                                                                           \
    __asm__ volatile("cbnz %0, 1f\n1:\tstr %2, [%1]" ::"r"(d), "r"(l), "r"((uint64_t)(v)) : "memory");
/* Atomic swap (read-modify-write), no ordering: r = old *l, *l = v, as an
 * exclusive pair retried until the store succeeds (LL/SC: the Cortex-A72
 * has no LSE SWP). */
#define SWP(r, l, v)                                                                               \
    do {                                                                                           \
        uint32_t fail_;                                                                            \
        __asm__ volatile("1:\tldxr %0, [%2]\n\tstxr %w1, %3, [%2]\n\tcbnz %w1, 1b"                \
                         : "=&r"(r), "=&r"(fail_)                                                  \
                         : "r"(l), "r"((uint64_t)(v))                                              \
                         : "memory");                                                              \
    } while (0);

#endif
