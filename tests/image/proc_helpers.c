/* Helpers the process tests share: see proc_helpers.h. */
#include <arch/timer.h>
#include <tests/image/proc_helpers.h>

bool msg_is_down(const void *data, uint32_t len, const struct msg_info *info, void *ctx)
{
    (void)data, (void)len;
    return info->kind == MSG_DOWN && (!ctx || info->ref == *(uint64_t *)ctx);
}

bool msg_is_user(const void *data, uint32_t len, const struct msg_info *info, void *ctx)
{
    (void)data, (void)len, (void)ctx;
    return info->kind == MSG_USER;
}

bool msg_is_cpu_down(const void *data, uint32_t len, const struct msg_info *info, void *ctx)
{
    (void)data, (void)len, (void)ctx;
    return info->kind == MSG_CPU_DOWN;
}

bool wait_down(uint64_t ref, struct exit_reason *why)
{
    struct msg_info info;
    if (receive(msg_is_down, &ref, NULL, 0, DOWN_WAIT_MS, &info) == RECEIVE_TIMEOUT)
        return false;
    if (why)
        *why = info.reason;
    return true;
}

pid_t spawn_monitored(proc_fn fn, void *arg, int pin, enum priority prio, uint64_t *ref)
{
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.pin_cpu = pin;
    o.prio = prio;
    o.monitor = true;
    return spawn_opt(fn, arg, &o, ref);
}

void send_self_n(void *count)
{
    for (uint32_t i = 0; i < (uint32_t)(uintptr_t)count; i++) {
        send(self(), &i, sizeof i);
        uint32_t got;
        receive(NULL, NULL, &got, sizeof got, RECEIVE_FOREVER, NULL);
    }
}

bool msg_is_signal(const void *data, uint32_t len, const struct msg_info *info, void *ctx)
{
    (void)data, (void)len;
    const struct signal_match *s = ctx;
    return info->kind == s->kind && info->from == s->from;
}

uint64_t ms_from_now(uint64_t ms) { return timer_now() + timer_ns_to_ticks(ms * 1000000ULL); }

void yield_until_set(void *flag)
{
    while (!__atomic_load_n((uint32_t *)flag, __ATOMIC_ACQUIRE)) /* acquire: pairs with the setter's release */
        yield();
}
