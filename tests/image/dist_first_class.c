/* armada:first_class(Peer, Doomed, Reporter), spawned from erl by
 * tests/qemu/matrix-dist.sh (dist-first-class): remote pids through the
 * plain process API, as a local pid would be used. With Peer: link, monitor,
 * a term sent ({hello, Self}), its answer taken with info.from == Peer, raw
 * bytes sent (a binary there), then Peer's end {shutdown, bye} as MSG_DOWN
 * (our monitor's ref) and as MSG_EXIT (we trap exits), each from Peer. With
 * Doomed: link and unlink, monitor and demonitor, then it is told to die:
 * neither comes. A pid on a node nobody runs: send queued (and lost when
 * the call fails, as in Erlang), link and monitor say noconnection. Each check goes back to Reporter as {Name, ok} or
 * {Name, What}, in {first_class, [...]}, through send() to its remote pid. */
#include <dist/dist.h>
#include <dist/spawn.h>
#include <tests/image/proc_helpers.h>
#include <string.h>

#define STEP_MS 10000
#define QUIET_MS 1000 /* for what must not come */
#define CHECKS 12

struct report {
    uint32_t n;
    const char *name[CHECKS];
    const char *what[CHECKS]; /* NULL: ok */
};

static void check(struct report *r, const char *name, bool ok, const char *what)
{
    if (r->n < CHECKS) {
        r->name[r->n] = name;
        r->what[r->n++] = ok ? NULL : what;
    }
}

/* A struct dist_msg holding the term b built in its buffer. */
static uint32_t as_dist_msg(uint8_t *mem, long term_len)
{
    struct dist_msg *m = (struct dist_msg *)mem;
    m->type = DIST_MSG_TERM;
    m->len = (uint32_t)term_len;
    return (uint32_t)sizeof *m + m->len;
}

static void first_class_entry(const struct term *args)
{
    struct term peer_t, doomed_t, reporter_t;
    if (!term_match(args, "[~t, ~t, ~t]", &peer_t, &doomed_t, &reporter_t) || peer_t.kind != TERM_PID ||
        doomed_t.kind != TERM_PID || reporter_t.kind != TERM_PID)
        proc_exit(2);
    pid_t peer = dist_pid(&peer_t.pid), doomed = dist_pid(&doomed_t.pid),
          reporter = dist_pid(&reporter_t.pid);
    struct report r = {0};
    _Alignas(8) uint8_t buf[MSG_MAX];
    struct term_buf b;
    struct msg_info info;
    trap_exit(true);
    check(&r, "remote_pids", pid_is_remote(peer) && pid_is_remote(reporter) && dist_pid(&peer_t.pid) == peer,
          "not remote, or not the same pid_t twice");

    /* Peer: a link, a monitor, a term out, its answer in, raw bytes out, its end. */
    bool linked = link(peer);
    uint64_t ref = monitor(peer);
    check(&r, "link_monitor", linked && (ref & PID_REMOTE), "link failed, or a local reference");
    struct term_pid me;
    dist_pid_of(self(), &me);
    term_begin(&b, buf + sizeof(struct dist_msg), sizeof buf - sizeof(struct dist_msg));
    term_tuple(&b, 2);
    term_atom(&b, "hello");
    term_pid(&b, &me);
    long n = term_end(&b);
    check(&r, "send_term", n > 0 && send(peer, buf, as_dist_msg(buf, n)) == 0, "send refused");
    int got = receive(dist_is_msg, NULL, buf, sizeof buf, STEP_MS, &info);
    struct term t;
    bool answer = got > 0 &&
                  term_decode_exact(((struct dist_msg *)buf)->term, ((struct dist_msg *)buf)->len, &t) > 0 &&
                  term_match(&t, "{answer, 42}");
    check(&r, "answer", answer, "no {answer, 42}");
    check(&r, "answer_from_peer", answer && info.from == peer, "info.from is not Peer's pid");
    check(&r, "send_bytes", send(peer, "done", 4) == 0, "send refused");
    struct signal_match down = {MSG_DOWN, peer}, exit = {MSG_EXIT, peer};
    got = receive(msg_is_signal, &down, buf, sizeof buf, STEP_MS, &info);
    check(&r, "down", got >= 0 && info.ref == ref && info.reason.kind == EXIT_REMOTE,
          "no DOWN from Peer with our reference and its foreign reason");
    got = receive(msg_is_signal, &exit, buf, sizeof buf, STEP_MS, &info);
    check(&r, "exit", got >= 0 && info.reason.kind == EXIT_REMOTE,
          "no EXIT from Peer with its foreign reason");

    /* Doomed: link and monitor taken back before it dies. */
    link(doomed);
    unlink(doomed);
    demonitor(monitor(doomed));
    check(&r, "tell_doomed", send(doomed, "die", 3) == 0, "send refused");
    struct signal_match doomed_down = {MSG_DOWN, doomed}, doomed_exit = {MSG_EXIT, doomed};
    bool quiet = receive(msg_is_signal, &doomed_down, buf, sizeof buf, QUIET_MS, NULL) == RECEIVE_TIMEOUT &&
                 receive(msg_is_signal, &doomed_exit, buf, sizeof buf, 0, NULL) == RECEIVE_TIMEOUT;
    check(&r, "unlink_demonitor", quiet, "a DOWN or EXIT came after unlink/demonitor");

    /* A node nobody runs. */
    struct term_pid ghost = {{(const uint8_t *)"nobody@127.0.0.1", 16, false}, 1, 0, 1};
    pid_t g = dist_pid(&ghost);
    bool queued = send(g, "x", 1) == 0; /* as in Erlang: queued for a call that fails, then lost */
    link(g);
    uint64_t gref = monitor(g);
    struct signal_match gdown = {MSG_DOWN, g}, gexit = {MSG_EXIT, g};
    struct msg_info di = {0}, ei = {0};
    bool nc = receive(msg_is_signal, &gdown, buf, sizeof buf, STEP_MS, &di) >= 0 && di.ref == gref &&
              di.reason.kind == EXIT_NOCONNECTION &&
              receive(msg_is_signal, &gexit, buf, sizeof buf, STEP_MS, &ei) >= 0 &&
              ei.reason.kind == EXIT_NOCONNECTION;
    check(&r, "unreachable", queued && nc, "send refused, or no noconnection DOWN and EXIT");

    /* The report, to Reporter's remote pid. */
    term_begin(&b, buf + sizeof(struct dist_msg), sizeof buf - sizeof(struct dist_msg));
    term_tuple(&b, 2);
    term_atom(&b, "first_class");
    term_list(&b, r.n);
    for (uint32_t i = 0; i < r.n; i++) {
        term_tuple(&b, 2);
        term_atom(&b, r.name[i]);
        if (r.what[i])
            term_string(&b, r.what[i], strlen(r.what[i]));
        else
            term_atom(&b, "ok");
    }
    term_nil(&b);
    n = term_end(&b);
    if (n > 0)
        send(reporter, buf, as_dist_msg(buf, n));
}
DIST_SPAWNABLE(first_class, "armada", "first_class", 3, first_class_entry);
