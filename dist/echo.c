/* "echo", a registered Armada process other nodes can talk to:
 * {armada, 'armada@127.0.0.1'} ! {self(), Msg} sends Msg back, whatever
 * term it is, through the term API (decoded, matched, rebuilt). */
#include <dist/dist.h>
#include <lib/print.h>

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
