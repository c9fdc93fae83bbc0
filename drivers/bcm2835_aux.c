/* The BCM2835/BCM2711 auxiliary mini UART (`brcm,bcm2835-aux-uart`), the
 * console the Pi 4's Linux device tree names. Its baud rate divides the VPU
 * core clock, which only the firmware knows (`enable_uart=1` pins it): we keep
 * the divisor the firmware set and only make sure the UART is on, 8 bits. */
#include <arch/barrier.h>
#include <drivers/uart.h>
#include <lib/print.h>

/* `base` is the UART's own block (bus 0x7e215040); the AUX block's enable
 * register sits 0x40 below it, in the same page. */
#define AUX_ENABLES (-0x40 + 0x04)
#define AUX_ENABLE_MINI_UART (1U << 0)

#define MU_IO 0x00
#define MU_IER 0x04
#define MU_IIR 0x08
#define MU_LCR 0x0c
#define MU_LSR 0x14
#define MU_CNTL 0x20
#define MU_BAUD 0x28

#define IER_RX (1U << 0) /* receive interrupt (the data sheet swaps the bits) */
#define IIR_CLEAR_FIFOS (3U << 1)
#define LCR_8BIT 3U /* the data sheet names bit 0 only; bit 1 is needed too */
#define LSR_DATA_READY (1U << 0)
#define LSR_TX_EMPTY (1U << 5) /* room for at least one byte */
#define CNTL_RX_TX 3U

static inline uint32_t rd(uintptr_t base, long off)
{
    return READ_ONCE(*(uint32_t *)(base + off));
}
static inline void wr(uintptr_t base, long off, uint32_t v)
{
    WRITE_ONCE(*(uint32_t *)(base + off), v);
}

static void aux_init(uintptr_t base, uint32_t clock_hz)
{
    (void)clock_hz; /* the VPU clock, not the DT's: leave the firmware's divisor alone */
    uint32_t enables = rd(base, AUX_ENABLES);
    if (!(enables & AUX_ENABLE_MINI_UART)) {
        /* Nobody turned it on (no enable_uart=1): do, though the baud rate is
         * then whatever the reset divisor gives. */
        wr(base, AUX_ENABLES, enables | AUX_ENABLE_MINI_UART);
        wr(base, MU_CNTL, 0);
        wr(base, MU_LCR, LCR_8BIT);
        wr(base, MU_IIR, IIR_CLEAR_FIFOS);
    }
    wr(base, MU_IER, 0);
    wr(base, MU_CNTL, CNTL_RX_TX);
}

static void aux_putc(uintptr_t base, char c)
{
    while (!(rd(base, MU_LSR) & LSR_TX_EMPTY))
        ;
    wr(base, MU_IO, (uint8_t)c);
}

static int aux_getc(uintptr_t base)
{
    if (!(rd(base, MU_LSR) & LSR_DATA_READY))
        return -1;
    return rd(base, MU_IO) & 0xff;
}

static void aux_rx_irq_enable(uintptr_t base, bool on)
{
    wr(base, MU_IER, on ? IER_RX : 0);
}

/* Baud = core clock / (8 * (divisor + 1)): the clock the firmware's divisor
 * assumes for 115200, so a wrong core_freq shows as a wrong figure here. */
#define DIAG_BAUD 115200ULL
static void aux_diag(uintptr_t base, uint32_t clock_hz)
{
    uint32_t div = rd(base, MU_BAUD) & 0xffff;
    unsigned long needs = (unsigned long)(8ULL * (div + 1) * DIAG_BAUD);
    if (!div)
        kprintf("diag: uart: mini UART, AUX_ENABLES %#x, AUX_MU_BAUD 0: no divisor set (no enable_uart=1?); "
                "DT clock %u Hz\n",
                rd(base, AUX_ENABLES), clock_hz);
    else
        kprintf("diag: uart: mini UART, AUX_ENABLES %#x, AUX_MU_BAUD %u: 115200 baud needs a %lu.%03lu MHz "
                "core clock; DT clock %u Hz\n",
                rd(base, AUX_ENABLES), div, needs / 1000000, needs / 1000 % 1000, clock_hz);
}

const struct uart_driver bcm2835_aux_driver = {
    .name = "bcm2835-aux",
    .init = aux_init,
    .putc = aux_putc,
    .getc = aux_getc,
    .rx_irq_enable = aux_rx_irq_enable,
    .diag = aux_diag,
};
