/* Console: the print sink (lib/print.h) over the UART the DT names. Each
 * write goes out under one lock, so lines from different cores never
 * interleave; panic output takes the UART over without the lock. */
#include <arch/cpu.h>
#include <arch/timer.h>
#include <drivers/console.h>
#include <drivers/uart.h>
#include <gic/irq.h>
#include <lib/dt/platform.h>
#include <sync/spinlock.h>

#define RX_RING 256
#define TAKEOVER_WAIT_NS (10 * 1000 * 1000ULL) /* a line in progress finishes well within this */

static const struct uart_driver *uart;
static uintptr_t uart_base;
static uint32_t uart_irq;
static bool locking;
static DEFINE_SPINLOCK(console_lock, "console");

static DEFINE_SPINLOCK(rx_lock, "console-rx");
static char rx_ring[RX_RING];
static unsigned rx_head, rx_tail; /* under rx_lock */
static uint64_t rx_interrupts;    /* under rx_lock */
static void (*rx_listener)(void *arg);
static void *rx_listener_arg;

static void console_write_takeover(const char *s, unsigned long n);
static const struct print_sink console_sink = {
    .write = console_write,
    .write_unlocked = console_write_unlocked,
    .write_takeover = console_write_takeover,
};

bool console_init(const struct platform_console *c)
{
    if (c->kind == CONSOLE_PL011)
        uart = &pl011_driver;
    else if (c->kind == CONSOLE_BCM2835_AUX)
        uart = &bcm2835_aux_driver;
    else
        uart = NULL;
    if (!uart)
        return false;
    uart_base = c->base;
    uart_irq = c->irq.intid;
    uart->init(uart_base, c->clock_hz);
    print_sink_set(&console_sink);
    return true;
}

bool console_present(void) { return uart != NULL; }

void console_hold_lock_forever(void)
{
    irq_disable_local();
    spin_lock(&console_lock);
    for (;;)
        cpu_wfe(); /* never lets go: only a stop can end this core now */
}

void console_diag(const struct platform_console *c) { uart->diag(uart_base, c->clock_hz); }

void console_smp_ready(void) { locking = true; }

void console_write_unlocked(const char *s, unsigned long n)
{
    if (!uart)
        return;
    for (unsigned long i = 0; i < n; i++) {
        if (s[i] == '\n')
            uart->putc(uart_base, '\r');
        uart->putc(uart_base, s[i]);
    }
}

void console_write(const char *s, unsigned long n)
{
    if (!locking) {
        console_write_unlocked(s, n);
        return;
    }
    uint64_t flags = spin_lock_irqsave(&console_lock);
    console_write_unlocked(s, n);
    spin_unlock_irqrestore(&console_lock, flags);
}

/* Panic time: let a line another core is writing finish (bounded: its
 * holder may be stopped for good), then write without ever taking the lock. */
/* Two cores that panic at once each write a whole report by takeover: the
 * one that claims this first goes first, the other waits for it, but only
 * so long (a report takes far less), so a stuck first one stops nobody. */
static uint32_t takeover_writer; /* 1 + the cpu writing by takeover, 0: none */
#define TAKEOVER_REPORT_WAIT_NS (200 * 1000 * 1000ULL)

static void console_write_takeover(const char *s, unsigned long n)
{
    if (locking && spin_is_locked(&console_lock) && !spin_is_held_by_me(&console_lock)) {
        uint64_t until = timer_now() + timer_ns_to_ticks(TAKEOVER_WAIT_NS);
        while (spin_is_locked(&console_lock) && timer_now() < until)
            cpu_relax();
    }
    uint32_t me = this_cpu_id() + 1, free = 0;
    uint64_t until = timer_now() + timer_ns_to_ticks(TAKEOVER_REPORT_WAIT_NS);
    /* Acquire: the previous writer's characters are out before ours start. */
    bool claimed = __atomic_compare_exchange_n(&takeover_writer, &free, me, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
    while (!claimed && free != me && timer_now() < until) {
        cpu_relax();
        free = 0;
        claimed = __atomic_compare_exchange_n(&takeover_writer, &free, me, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
    }
    console_write_unlocked(s, n);
    if (claimed) /* Release: our characters are out before the next writer's. */
        __atomic_store_n(&takeover_writer, 0, __ATOMIC_RELEASE);
}

static void console_rx_irq(uint32_t intid, void *arg)
{
    (void)intid, (void)arg;
    int c;
    spin_lock(&rx_lock);
    rx_interrupts++;
    while ((c = uart->getc(uart_base)) >= 0) {
        if (rx_head - rx_tail < RX_RING)
            rx_ring[rx_head++ % RX_RING] = (char)c;
    }
    void (*listener)(void *) = rx_listener;
    void *listener_arg = rx_listener_arg;
    spin_unlock(&rx_lock);
    if (listener)
        listener(listener_arg); /* e.g. tell the shell process: characters are waiting */
}

void console_rx_listen(void (*fn)(void *arg), void *arg)
{
    uint64_t flags = spin_lock_irqsave(&rx_lock);
    rx_listener = fn;
    rx_listener_arg = arg;
    spin_unlock_irqrestore(&rx_lock, flags);
}

void console_rx_start(void)
{
    if (!uart || !uart_irq)
        return;
    irq_handler_set(uart_irq, console_rx_irq, NULL);
    irq_enable(uart_irq);
    uart->rx_irq_enable(uart_base, true);
}

int console_getc(void)
{
    int c = -1;
    uint64_t flags = spin_lock_irqsave(&rx_lock);
    if (rx_head != rx_tail)
        c = (unsigned char)rx_ring[rx_tail++ % RX_RING];
    spin_unlock_irqrestore(&rx_lock, flags);
    return c;
}

uint64_t console_rx_interrupts(void)
{
    uint64_t flags = spin_lock_irqsave(&rx_lock);
    uint64_t n = rx_interrupts;
    spin_unlock_irqrestore(&rx_lock, flags);
    return n;
}
