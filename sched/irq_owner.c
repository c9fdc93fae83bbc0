/* Interrupts handed to processes: the exokernel idea that a process can own
 * a device's interrupt and get it as a message (sched.h). */
#include <gic/irq.h>
#include <sched/internal.h>

static void to_owner(uint32_t intid, void *arg)
{
    irq_disable(intid); /* until the owner says irq_done */
    send_signal((pid_t)(uintptr_t)arg, 0, MSG_IRQ, intid, NULL);
}

bool irq_give_to_process(uint32_t intid, pid_t pid)
{
    if (!proc_lookup(pid) || intid < 16 || intid >= INTID_SPURIOUS_MIN)
        return false; /* SGIs are the scheduler's own */
    irq_handler_set(intid, to_owner, (void *)(uintptr_t)pid);
    irq_enable(intid);
    return true;
}

void irq_done(uint32_t intid) { irq_enable(intid); }

void irq_message_callback(void *pid_as_arg)
{
    send_signal((pid_t)(uintptr_t)pid_as_arg, 0, MSG_IRQ, 0, NULL);
}
