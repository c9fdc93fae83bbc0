/* The translation granule: 4 KiB pages everywhere (the MMU's tables, the page
 * allocator, stack guard pages). Assembly includes this too. The linker
 * script (boot/armada.lds) and -z max-page-size (Makefile) repeat the number:
 * they cannot include a header. */
#ifndef ARMADA_ARCH_PAGE_H
#define ARMADA_ARCH_PAGE_H

#define PAGE_SHIFT 12
#ifdef __ASSEMBLER__
#define PAGE_SIZE (1 << PAGE_SHIFT)
#else
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#endif

#endif
