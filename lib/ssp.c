/* Debian's libfdt.a is built with -fstack-protector-strong: give it a guard
 * and a failure path. The image itself is built without stack protection. */
#include <lib/print.h>
#include <stdint.h>

uintptr_t __stack_chk_guard = 0x5a3c96e1f00dfaceUL;

void __stack_chk_fail(void)
{
    kprintf("armada: stack smashing detected (libfdt)\n");
    for (;;)
        __asm__ volatile("wfe");
}
