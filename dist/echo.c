/* "echo", a registered Armada process other nodes can talk to:
 * {echo, 'armada@127.0.0.1'} ! {self(), Msg} sends Msg back, whatever term
 * it is, through the term API (decoded, matched, rebuilt); Msg =
 * spawn_worker answers {worker, Pid} with a new process to link to,
 * monitor and end. */
#include <dist/dist.h>
#include <lib/print.h>

/* A worker another node can watch: it waits for {exit, normal}, {exit,
 * Code} or crash, and ends that way (a crash: a fault, NULL written). */
static void dist_worker_main(void *arg)
{
    (void)arg;
    _Alignas(8) uint8_t mail[MSG_MAX];
    for (;;) {
        int n = receive(dist_is_msg, NULL, mail, sizeof mail, RECEIVE_FOREVER, NULL);
        const struct dist_msg *m = (const struct dist_msg *)mail;
        struct term t;
        int64_t code;
        if (n < 0 || term_decode_exact(m->term, m->len, &t) < 0)
            continue;
        if (term_match(&t, "{exit, normal}"))
            return;
        if (term_match(&t, "{exit, ~i}", &code))
            proc_exit((uint64_t)code);
        if (term_match(&t, "crash")) {
            int *nowhere = NULL;
            __asm__("" : "+r"(nowhere)); /* the compiler may not see it is NULL */
            *nowhere = 1;
        }
    }
}

/* {worker, Pid}: a new worker, to From. */
static void start_worker(const struct term_pid *from)
{
    uint8_t reply[300];
    struct term_buf b;
    struct term_pid w;
    pid_t p = spawn(dist_worker_main, NULL);
    if (!p)
        return;
    dist_pid_of(p, &w);
    term_begin(&b, reply, sizeof reply);
    term_tuple(&b, 2);
    term_atom(&b, "worker");
    term_pid(&b, &w);
    long n = term_end(&b);
    if (n > 0)
        dist_send(from, reply, (uint32_t)n);
}

static void dist_echo_main(void *arg)
{
    (void)arg;
    _Alignas(8) static uint8_t mail[MSG_MAX]; /* one echo process */
    static uint8_t reply[MSG_MAX];
    for (;;) {
        int n = receive(dist_is_msg, NULL, mail, sizeof mail, RECEIVE_FOREVER, NULL);
        const struct dist_msg *m = (const struct dist_msg *)mail;
        struct term t, msg;
        struct term_pid from;
        if (n < 0 || term_decode_exact(m->term, m->len, &t) < 0 || !term_match(&t, "{~p, ~t}", &from, &msg))
            continue; /* not for us: Erlang drops what nobody receives, we drop what nobody can answer */
        if (term_match(&msg, "spawn_worker")) {
            start_worker(&from);
            continue;
        }
        struct term_buf b;
        term_begin(&b, reply, sizeof reply);
        term_copy(&b, &msg);
        long len = term_end(&b);
        if (len < 0 || dist_send(&from, reply, (uint32_t)len) < 0)
            kprintf("dist: echo could not answer\n");
    }
}

bool dist_echo_start(void)
{
    struct spawn_opts o = SPAWN_OPTS_DEFAULT;
    o.stack_size = 16 * 1024;
    pid_t p = spawn_opt(dist_echo_main, NULL, &o, NULL);
    return p && register_name("echo", p);
}
