/* armada:signals(Ender, Victim, Reporter), spawned from erl by
 * tests/qemu/matrix-dist.sh (dist-signals): exit signals across nodes.
 * Trapping exits, it links to and monitors Ender and tells it to go (it
 * exits {shutdown, foo}): the MSG_DOWN's and the MSG_EXIT's reason terms
 * (dist_exit_reason_term_of) go back to Reporter as {signals, Down, Exit,
 * Killed}, Killed what kill(Victim) returned (BEAM's monitor on Victim then
 * sees killed). Then it waits for an exit signal from Reporter
 * (exit(Self, {shutdown, bar})): {exit2, Reason}; then for the EXIT of a
 * linked BEAM process that called exit(kill): {linked_kill, Reason}; and
 * waits on, still trapping, for exit(Self, kill), which no trap stops. */
#include <dist/dist.h>
#include <dist/spawn.h>
#include <tests/image/dist_report.h>
#include <tests/image/proc_helpers.h>

#define STEP_MS 10000
#define LAST_MS 30000 /* for the kill that ends it */

static bool is_exit(const void *data, uint32_t len, const struct msg_info *info, void *ctx)
{
    (void)data, (void)len, (void)ctx;
    return info->kind == MSG_EXIT;
}

/* The reason term of the next signal of that kind from `from` (0: the next
 * exit signal from anyone) into b; none: the atom none. */
static void add_reason(struct term_buf *b, uint16_t kind, pid_t from)
{
    _Alignas(8) uint8_t mail[MSG_MAX];
    struct msg_info info;
    struct signal_match m = {kind, from};
    struct term reason;
    int n = from ? receive(msg_is_signal, &m, mail, sizeof mail, STEP_MS, &info)
                 : receive(is_exit, NULL, mail, sizeof mail, STEP_MS, &info);
    if (n >= 0 && dist_exit_reason_term_of(mail, (uint32_t)n < sizeof mail ? (uint32_t)n : sizeof mail, &info,
                                           &reason))
        term_copy(b, &reason);
    else
        term_atom(b, n < 0 ? "timeout" : "none");
}

static void signals_entry(const struct term *args)
{
    struct term ender_t, victim_t, reporter_t;
    if (!term_match(args, "[~t, ~t, ~t]", &ender_t, &victim_t, &reporter_t) || ender_t.kind != TERM_PID ||
        victim_t.kind != TERM_PID || reporter_t.kind != TERM_PID)
        proc_exit(2);
    pid_t ender = dist_pid(&ender_t.pid), victim = dist_pid(&victim_t.pid), reporter = dist_pid(&reporter_t.pid);
    _Alignas(8) uint8_t out[MSG_MAX];
    struct term_buf b;
    trap_exit(true);
    link(ender);
    monitor(ender);
    send(ender, "go", 2);
    dist_report_begin(&b, out, sizeof out);
    term_tuple(&b, 4);
    term_atom(&b, "signals");
    add_reason(&b, MSG_DOWN, ender);
    add_reason(&b, MSG_EXIT, ender);
    term_atom(&b, kill(victim) ? "true" : "false");
    dist_report_send(reporter, out, &b);

    dist_report_begin(&b, out, sizeof out);
    term_tuple(&b, 2);
    term_atom(&b, "exit2");
    add_reason(&b, MSG_EXIT, reporter);
    dist_report_send(reporter, out, &b);

    /* A linked BEAM process that ended with reason kill: an ordinary reason
     * through a link, trapped as {'EXIT', K, kill} (not killed, and not untrappable) */
    dist_report_begin(&b, out, sizeof out);
    term_tuple(&b, 2);
    term_atom(&b, "linked_kill");
    add_reason(&b, MSG_EXIT, 0);
    dist_report_send(reporter, out, &b);
    while (receive(NULL, NULL, out, sizeof out, LAST_MS, NULL) >= 0) /* trapping: only the kill ends this early */
        ;
}
DIST_SPAWNABLE(signals, "armada", "signals", 3, signals_entry);
