/* armada:no_wait(Node, Reporter), spawned from erl by tests/qemu/matrix-dist.sh
 * (dist-send-no-wait): Node takes our call and never answers
 * (dist-stall-peer.py), so its handshake stalls until we give up. A send, a
 * link and a monitor to a process there must not wait for that: each is
 * queued for the connection and returns at once. When the call fails, the
 * link and the monitor get noconnection (the message is lost, as in
 * Erlang). Reports {no_wait, SendMs, LinkMonitorMs, Down, Exit} to
 * Reporter: the milliseconds send() and link()+monitor() took, and the
 * reasons of the DOWN and the EXIT (noconnection, or timeout). */
#include <arch/timer.h>
#include <dist/dist.h>
#include <dist/spawn.h>
#include <tests/image/dist_report.h>
#include <tests/image/proc_helpers.h>

#define GIVE_UP_MS 20000 /* the handshake's time, and more */

static uint64_t ms_since(uint64_t t0) { return timer_ticks_to_ns(timer_now() - t0) / 1000000; }

static void add_signal(struct term_buf *b, uint16_t kind, pid_t from)
{
    _Alignas(8) uint8_t mail[MSG_MAX];
    struct msg_info info;
    struct signal_match m = {kind, from};
    if (receive(msg_is_signal, &m, mail, sizeof mail, GIVE_UP_MS, &info) < 0)
        term_atom(b, "timeout");
    else
        term_atom(b, info.reason.kind == EXIT_NOCONNECTION ? "noconnection" : exit_kind_name(info.reason.kind));
}

static void no_wait_entry(const struct term *args)
{
    struct term node, reporter_t;
    if (!term_match(args, "[~t, ~t]", &node, &reporter_t) || node.kind != TERM_ATOM || reporter_t.kind != TERM_PID)
        proc_exit(2);
    pid_t reporter = dist_pid(&reporter_t.pid);
    struct term_pid stalled = {node.atom, 1, 0, 1};
    pid_t there = dist_pid(&stalled);
    trap_exit(true);
    uint64_t t0 = timer_now();
    send(there, "x", 1);
    uint64_t send_ms = ms_since(t0);
    t0 = timer_now();
    link(there);
    monitor(there);
    uint64_t hold_ms = ms_since(t0);

    _Alignas(8) uint8_t out[MSG_MAX];
    struct term_buf b;
    dist_report_begin(&b, out, sizeof out);
    term_tuple(&b, 5);
    term_atom(&b, "no_wait");
    term_uint(&b, send_ms);
    term_uint(&b, hold_ms);
    add_signal(&b, MSG_DOWN, there);
    add_signal(&b, MSG_EXIT, there);
    if (!dist_report_send(reporter, out, &b))
        proc_exit(3);
}
DIST_SPAWNABLE(no_wait, "armada", "no_wait", 2, no_wait_entry);
