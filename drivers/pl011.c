/* ARM PL011 UART. The firmware (or QEMU) has set the baud rate; we keep it
 * and only make sure the UART is on with FIFOs, 8N1, and RX interrupts as asked. */
#include <arch/barrier.h>
#include <drivers/uart.h>
#include <lib/print.h>

#define UART_DR 0x00
#define UART_FR 0x18
#define UART_IBRD 0x24
#define UART_FBRD 0x28
#define UART_LCRH 0x2c
#define UART_CR 0x30
#define UART_IMSC 0x38
#define UART_ICR 0x44

#define FR_RXFE (1 << 4)
#define FR_TXFF (1 << 5)
#define LCRH_FEN (1 << 4)
#define LCRH_WLEN8 (3 << 5)
#define CR_UARTEN (1 << 0)
#define CR_TXE (1 << 8)
#define CR_RXE (1 << 9)
#define IMSC_RX (1 << 4)
#define IMSC_RT (1 << 6)

static inline uint32_t rd(uintptr_t base, unsigned off) { return READ_ONCE(*(uint32_t *)(base + off)); }
static inline void wr(uintptr_t base, unsigned off, uint32_t v) { WRITE_ONCE(*(uint32_t *)(base + off), v); }

static void pl011_init(uintptr_t base, uint32_t clock_hz)
{
    (void)clock_hz;
    if (!(rd(base, UART_CR) & CR_UARTEN) || !(rd(base, UART_LCRH) & LCRH_FEN)) {
        wr(base, UART_CR, 0);
        wr(base, UART_LCRH, LCRH_FEN | LCRH_WLEN8);
        wr(base, UART_CR, CR_UARTEN | CR_TXE | CR_RXE);
    }
    wr(base, UART_IMSC, 0);
    wr(base, UART_ICR, 0x7ff);
}

static void pl011_putc(uintptr_t base, char c)
{
    while (rd(base, UART_FR) & FR_TXFF)
        ;
    wr(base, UART_DR, (uint8_t)c);
}

static int pl011_getc(uintptr_t base)
{
    if (rd(base, UART_FR) & FR_RXFE)
        return -1;
    return rd(base, UART_DR) & 0xff;
}

static void pl011_rx_irq_enable(uintptr_t base, bool on)
{
    wr(base, UART_IMSC, on ? IMSC_RX | IMSC_RT : 0);
}

/* Baud = clock / (16 * (IBRD + FBRD / 64)). */
static void pl011_diag(uintptr_t base, uint32_t clock_hz)
{
    uint32_t ibrd = rd(base, UART_IBRD), fbrd = rd(base, UART_FBRD);
    uint64_t div64 = 64ULL * ibrd + fbrd;
    unsigned long baud = clock_hz && div64 ? (unsigned long)(4ULL * clock_hz / div64) : 0;
    kprintf("diag: uart: PL011, DT clock %u Hz, IBRD %u FBRD %u: %lu baud%s\n", clock_hz, ibrd, fbrd, baud,
            baud ? "" : clock_hz ? " (no divisor set)" : " (the DT gives no clock)");
}

const struct uart_driver pl011_driver = {
    .name = "pl011",
    .init = pl011_init,
    .putc = pl011_putc,
    .getc = pl011_getc,
    .rx_irq_enable = pl011_rx_irq_enable,
    .diag = pl011_diag,
};
