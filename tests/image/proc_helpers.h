/* Helpers the process tests share: spawn with a monitor, wait for its DOWN. */
#ifndef ARMADA_TESTS_IMAGE_PROC_HELPERS_H
#define ARMADA_TESTS_IMAGE_PROC_HELPERS_H

#include <sched/sched.h>

#define DOWN_WAIT_MS 5000

/* Matches MSG_DOWN; ctx: a uint64_t monitor ref to match, or NULL for any. */
bool msg_is_down(const void *data, uint32_t len, const struct msg_info *info, void *ctx);
/* Match functions for receive: a MSG_USER message; a MSG_CPU_DOWN notice. */
bool msg_is_user(const void *data, uint32_t len, const struct msg_info *info, void *ctx);
bool msg_is_cpu_down(const void *data, uint32_t len, const struct msg_info *info, void *ctx);
/* Wait up to DOWN_WAIT_MS for the DOWN of monitor `ref`; false on timeout. */
bool wait_down(uint64_t ref, struct exit_reason *why);
/* Matches a signal of one kind (MSG_DOWN, MSG_EXIT) from one pid; ctx: a struct signal_match. */
struct signal_match {
    uint16_t kind;
    pid_t from;
};
bool msg_is_signal(const void *data, uint32_t len, const struct msg_info *info, void *ctx);
/* spawn_opt with a monitor; pin -1 for any core. */
pid_t spawn_monitored(proc_fn fn, void *arg, int pin, enum priority prio, uint64_t *ref);
/* A process body: sends itself (uintptr_t)count messages, taking each before the next. */
void send_self_n(void *count);
uint64_t ms_from_now(uint64_t ms); /* a deadline in timer ticks */
/* A process body that keeps its core's queue busy: yields until *(uint32_t *)flag is set (acquire). */
void yield_until_set(void *flag);

#endif
