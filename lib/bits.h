/* Counting set bits without libgcc's __popcountdi2, which uses SIMD
 * registers (the image keeps FP/SIMD for processes' own state: see
 * tools/check-image.sh). */
#ifndef ARMADA_LIB_BITS_H
#define ARMADA_LIB_BITS_H
#include <stdint.h>

static inline uint32_t bits_set(uint64_t x)
{
    uint32_t n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
}

#endif
