/* Synchronous exceptions and the rest: report, then stop the machine. */
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <arch/exception.h>
#include <arch/exception_frame.h>
#include <arch/timer.h>
#include <lib/fmt.h>
#include <lib/ksyms.h>
#include <lib/print.h>

#define STOP_WAIT_NS (100 * 1000 * 1000ULL) /* for the other cores to take IPI_STOP */

int panic_poweroff;
struct exception_hooks exception_hooks;
uint32_t cpus_stopped;
static uint32_t panicking; /* first core to panic wins; others just stop */

const char *esr_class_name(uint32_t ec)
{
    switch (ec) {
    case 0x00: return "unknown reason";
    case 0x01: return "WFI/WFE trapped";
    case 0x07: return "FP/SIMD access trapped";
    case 0x0e: return "illegal execution state";
    case 0x15: return "SVC (AArch64)";
    case 0x16: return "HVC (AArch64)";
    case 0x17: return "SMC (AArch64)";
    case 0x18: return "system register access trapped";
    case 0x20: return "instruction abort from a lower EL";
    case 0x21: return "instruction abort (same EL)";
    case 0x22: return "PC alignment fault";
    case 0x24: return "data abort from a lower EL";
    case 0x25: return "data abort (same EL)";
    case 0x26: return "SP alignment fault";
    case 0x2c: return "floating-point exception";
    case 0x2f: return "SError";
    case 0x30: return "breakpoint from a lower EL";
    case 0x31: return "breakpoint (same EL)";
    case 0x32: return "software step from a lower EL";
    case 0x33: return "software step (same EL)";
    case 0x34: return "watchpoint from a lower EL";
    case 0x35: return "watchpoint (same EL)";
    case 0x3c: return "BRK instruction";
    default: return "unexpected exception class";
    }
}

static const char *abort_kind(uint32_t iss)
{
    uint32_t fsc = iss & ESR_ISS_FSC_MASK;
    if (fsc >= 0x04 && fsc <= 0x07) return "translation fault";
    if (fsc >= 0x08 && fsc <= 0x0b) return "access flag fault";
    if (fsc >= 0x0c && fsc <= 0x0f) return "permission fault";
    if (fsc == 0x21) return "alignment fault";
    if (fsc == 0x10) return "synchronous external abort";
    if (fsc == 0x30) return "TLB conflict abort";
    return "other fault";
}

/* "function+0xOFF" for a code address, or "?" outside the image's functions. */
static void code_name(uint64_t addr, char *buf, unsigned long size)
{
    struct ksym k;
    if (ksym_lookup(addr, &k))
        fmt_snprintf(buf, size, "%s+%#lx", k.name, (unsigned long)k.offset);
    else
        fmt_snprintf(buf, size, "?");
}

void exception_report(const struct exception_frame *f, const char *what)
{
    uint32_t ec = esr_class(f->esr);
    uint32_t iss = f->esr & ESR_ISS_MASK;
    struct percpu *cpu = this_cpu();
    char detail[64] = "";
    if (ec == 0x24 || ec == 0x25 || ec == 0x20 || ec == 0x21)
        fmt_snprintf(detail, sizeof detail, ", %s%s", abort_kind(iss),
                     (ec == 0x24 || ec == 0x25) ? ((iss & ESR_ISS_WNR) ? " on write" : " on read") : "");
    /* Build the whole report first: one console write, so it stays in one piece. */
    char buf[1400];
    int n = fmt_snprintf(buf, sizeof buf,
                         "\n*** %s, cpu%u at EL%u: ESR %#lx (class %#x: %s%s)\n"
                         "    ELR 0x%016lx  FAR 0x%016lx  SPSR %#lx  SP 0x%016lx\n",
                         what, cpu ? cpu->cpu_id : 0, current_el(), (unsigned long)f->esr, ec,
                         esr_class_name(ec), detail, (unsigned long)f->elr, (unsigned long)f->far,
                         (unsigned long)f->spsr, (unsigned long)f->sp);
    char pc_in[96], lr_in[96];
    code_name(f->elr, pc_in, sizeof pc_in);
    code_name(f->x[30], lr_in, sizeof lr_in);
    n += fmt_snprintf(buf + n, sizeof buf - n, "    pc in %s, lr in %s\n", pc_in, lr_in);
    for (int i = 0; i < 31 && n < (int)sizeof buf; i++)
        n += fmt_snprintf(buf + n, sizeof buf - n, "%s x%-2d 0x%016lx%s", i % 4 ? "" : "   ", i,
                          (unsigned long)f->x[i], i % 4 == 3 || i == 30 ? "\n" : "");
    print_write(buf, n < (int)sizeof buf ? (unsigned long)n : sizeof buf - 1);
}

void cpu_stop_self(void)
{
    irq_disable_local();
    __atomic_fetch_add(&cpus_stopped, 1, __ATOMIC_RELEASE); /* after our last output */
    for (;;)
        cpu_wfi();
}

static void stop_everything(void)
{
    irq_disable_local();
    if (__atomic_exchange_n(&panicking, 1, __ATOMIC_ACQ_REL)) /* someone else is panicking */
        cpu_stop_self();
    print_panic_mode(); /* a stopped core may hold the console lock */
    if (cpus_online_count() > 1 && exception_hooks.stop_others) {
        exception_hooks.stop_others();
        uint64_t until = timer_now() + timer_ns_to_ticks(STOP_WAIT_NS);
        while (__atomic_load_n(&cpus_stopped, __ATOMIC_ACQUIRE) + 1 < cpus_online_count() &&
               timer_now() < until)
            cpu_relax();
        kprintf("panic: stopped %u other core(s)\n", __atomic_load_n(&cpus_stopped, __ATOMIC_ACQUIRE));
    }
    if (panic_poweroff && exception_hooks.halt) {
        kprintf("panic: powering off (test mode)\n");
        exception_hooks.halt();
    }
    kprintf("panic: system halted\n");
    for (;;)
        cpu_wfi();
}

void panic(const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    fmt_vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    print_panic_mode(); /* from here on output takes the console over */
    kprintf("\n*** panic on cpu%u: %s\n", this_cpu_id(), line);
    stop_everything();
    __builtin_unreachable();
}

static void exception_sync(struct exception_frame *f, uint64_t kind)
{
    struct percpu *cpu = this_cpu();
    if (cpu->fault_skip) { /* a test asked to survive this one */
        exception_report(f, "expected exception");
        cpu->skipped_esr = f->esr;
        cpu->skipped_far = f->far;
        cpu->skipped_elr = f->elr;
        f->elr += 4; /* resume after the faulting instruction */
        cpu->fault_skip = 0;
        cpu->faults_recovered++;
        return;
    }
    if (kind == EXC_SYNC_SP0 && exception_hooks.process_fault && exception_hooks.process_fault(f))
        return; /* a process died of it; the frame now resumes another */
    /* SP0: thread context. SPx: an interrupt or exception handler was running
     * (cross-calls run there too). */
    print_panic_mode(); /* fatal: the report must get out */
    exception_report(f, kind == EXC_SYNC_SP0 ? "unexpected exception" : "unexpected exception (handler context)");
    stop_everything();
}

static void exception_unexpected(struct exception_frame *f, uint64_t kind)
{
    static const char *const names[] = {"sync", "IRQ", "FIQ", "SError"};
    char what[64];
    fmt_snprintf(what, sizeof what, "unexpected %s (vector group %lu)", names[kind % 4],
                 (unsigned long)(kind / 4));
    print_panic_mode(); /* fatal: the report must get out */
    exception_report(f, what);
    stop_everything();
}

/* From arch/arm64/vectors.S, on the core's exception stack. */
void exception_entry(struct exception_frame *f, uint64_t kind)
{
    switch (kind) {
    case EXC_SYNC_SP0:
    case EXC_SYNC_SPX:
        exception_sync(f, kind);
        break;
    case EXC_IRQ_SP0:
        exception_hooks.irq(f); /* set once, before any core unmasks interrupts */
        break;
    default:
        exception_unexpected(f, kind);
    }
}
