/* ARM semihosting (the "Semihosting for AArch64" spec, HLT #0xF000): file
 * calls answered by the debugger or emulator, e.g. QEMU started with
 * -semihosting-config enable=on,target=native. A HLT with nothing listening
 * is an undefined-instruction trap, and the CPU cannot ask whether anyone
 * listens, so nothing here traps until semihost_enable() has been called; the
 * boot argument `semihosting` (passed by whoever started QEMU with it) does
 * that. Until then every call answers "no semihosting" (-1). */
#ifndef ARMADA_ARCH_SEMIHOST_H
#define ARMADA_ARCH_SEMIHOST_H

#include <stdbool.h>
#include <stddef.h>

void semihost_enable(void);
bool semihost_available(void);

/* A host file created or truncated for writing (binary). Returns a handle
 * (>= 0), or -1: no semihosting, or the host refused (no such directory). */
long semihost_open_write(const char *path);
/* Writes all of buf; returns the bytes the host did not take (0 = all), or
 * -1 without semihosting. */
long semihost_write(long handle, const void *buf, size_t len);
/* 0, or -1. */
long semihost_close(long handle);

#endif
