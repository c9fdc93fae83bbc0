/*
 * Barriers, one line each, named for what they order (Linux's names).
 * x86-64 equivalents and the litmus tests that show the difference:
 * docs/barriers.md.
 */
#ifndef ARMADA_ARCH_BARRIER_H
#define ARMADA_ARCH_BARRIER_H

/* Compiler only: no memory access is moved across it by the compiler. */
#define barrier() __asm__ volatile("" ::: "memory")

/* Between cores (inner shareable domain): order memory accesses only. */
#define smp_mb() __asm__ volatile("dmb ish" ::: "memory")    /* all before | all after */
#define smp_rmb() __asm__ volatile("dmb ishld" ::: "memory") /* loads before | all after */
#define smp_wmb() __asm__ volatile("dmb ishst" ::: "memory") /* stores before | stores after */

/* Completion (dsb): accesses finished, also for devices, TLB and cache maintenance. */
#define mb() __asm__ volatile("dsb sy" ::: "memory")
#define rmb() __asm__ volatile("dsb ld" ::: "memory")
#define wmb() __asm__ volatile("dsb st" ::: "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt ::: "memory")
#define dmb(opt) __asm__ volatile("dmb " #opt ::: "memory")
/* Context synchronisation: later instructions see earlier system register writes. */
#define isb() __asm__ volatile("isb" ::: "memory")

/* Single-copy-atomic access the compiler may not tear, merge or elide. */
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

/* LDAR: later accesses are not performed before this load. */
#define load_acquire(p)                                                              \
    ({                                                                               \
        __typeof__(*(p) + 0) v_; /* +0: drops const */                            \
        _Static_assert(sizeof(v_) == 8 || sizeof(v_) == 4, "load_acquire size");     \
        if (sizeof(v_) == 8)                                                         \
            __asm__ volatile("ldar %x0, %1" : "=r"(v_) : "Q"(*(p)) : "memory");      \
        else                                                                         \
            __asm__ volatile("ldar %w0, %1" : "=r"(v_) : "Q"(*(p)) : "memory");      \
        v_;                                                                          \
    })
/* STLR: earlier accesses are performed before this store. */
#define store_release(p, v)                                                          \
    do {                                                                             \
        __typeof__(*(p)) v_ = (v);                                                   \
        _Static_assert(sizeof(v_) == 8 || sizeof(v_) == 4, "store_release size");    \
        if (sizeof(v_) == 8)                                                         \
            __asm__ volatile("stlr %x1, %0" : "=Q"(*(p)) : "rZ"(v_) : "memory");     \
        else                                                                         \
            __asm__ volatile("stlr %w1, %0" : "=Q"(*(p)) : "rZ"(v_) : "memory");     \
    } while (0)

/* Linux's longer names for the same two. */
#define smp_load_acquire(p) load_acquire(p)
#define smp_store_release(p, v) store_release(p, v)

#endif
