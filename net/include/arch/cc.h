/* lwIP's port to Armada's freestanding image: types from the compiler's own
 * headers, no libc beyond lib/include, assertions that panic. */
#ifndef ARMADA_LWIP_ARCH_CC_H
#define ARMADA_LWIP_ARCH_CC_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* netif_find() parses an interface number with atoi; lib/ has strtoul. */
#define atoi(s) ((int)strtoul((s), NULL, 10))

/* No inttypes.h, limits.h, ctype.h or errno.h under -nostdinc: lwIP has its
 * own fallbacks for each. */
#define LWIP_NO_INTTYPES_H 1
#define LWIP_NO_LIMITS_H 1
#define LWIP_NO_CTYPE_H 1
#define LWIP_PROVIDE_ERRNO 1
#define X8_F "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "lu"

#define BYTE_ORDER LITTLE_ENDIAN
#define LWIP_RAND() armada_lwip_rand()
uint32_t armada_lwip_rand(void);

void armada_lwip_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void armada_lwip_assert(const char *msg, const char *file, int line) __attribute__((noreturn));
#define LWIP_PLATFORM_DIAG(x) do { armada_lwip_diag x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) armada_lwip_assert(x, __FILE__, __LINE__)

#endif
