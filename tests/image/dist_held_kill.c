/* armada:held_kill(Reporter), spawned from erl by tests/qemu/matrix-dist.sh
 * (dist-send-no-wait): processes killed while they hold a node's entry
 * (dist/send.c, between the lookup and the queued request) must not leave
 * it held. Each of KILLS victims sends to a pid on a node nobody runs
 * (gone<i>@127.0.0.1); the race hook tells us it holds the entry and naps,
 * and we kill it then. A kill there waits for the request (kill_defer_*):
 * without that, every victim would leave its entry held for good, and once
 * DIST_MAX_NODES were, no node could be called ("16 nodes are connected or
 * connecting already"), which the harness looks for in the log. Then one
 * more send, to last@127.0.0.1, whose loss the log must name; reports
 * {held_kill, Killed} (how many victims died of our kill). */
#include <dist/dist.h>
#include <dist/spawn.h>
#include <tests/image/dist_report.h>
#include <lib/fmt.h>
#include <lib/print.h>
#include <sched/race_hooks.h>
#include <tests/image/proc_helpers.h>
#include <string.h>

#define KILLS 20
#define NAP_MS 20

static pid_t hook_tester;
static pid_t victims[KILLS]; /* each victim's own pid, stored by itself: the hook acts for these only */

static bool is_victim(pid_t pid)
{
    for (uint32_t i = 0; i < KILLS; i++)
        if (__atomic_load_n(&victims[i], __ATOMIC_RELAXED) == pid) /* a hint: set before its send */
            return true;
    return false;
}

/* In a victim, holding the entry: say so, and nap while the kill comes. */
static void held(pid_t pid)
{
    if (!hook_tester || !is_victim(pid))
        return;
    send(hook_tester, &pid, sizeof pid);
    sleep_ms(NAP_MS);
}

static void send_to_node(const char *node)
{
    struct term_pid there = {{(const uint8_t *)node, (uint16_t)strlen(node), false}, 1, 0, 1};
    send(dist_pid(&there), "x", 1);
}

static void victim(void *arg)
{
    char node[32];
    uint32_t i = (uint32_t)(uintptr_t)arg;
    __atomic_store_n(&victims[i], self(), __ATOMIC_RELAXED); /* our own store: seen by our own hook call */
    fmt_snprintf(node, sizeof node, "gone%u@127.0.0.1", i);
    send_to_node(node);
    sleep_ms(10000); /* a kill that did not land here: DOWN normal much later, counted as not killed */
}

static void held_kill_entry(const struct term *args)
{
    struct term reporter_t;
    if (!term_match(args, "[~t]", &reporter_t) || reporter_t.kind != TERM_PID)
        proc_exit(2);
    pid_t reporter = dist_pid(&reporter_t.pid);
    hook_tester = self();
    RACE_HOOK_SET(dist_entry_held, held); /* the spawns below order it */
    uint32_t killed = 0;
    for (uint32_t i = 0; i < KILLS; i++) {
        uint64_t ref;
        pid_t v = spawn_monitored(victim, (void *)(uintptr_t)i, -1, PRIO_NORMAL, &ref);
        pid_t holding = 0;
        if (!v || receive(msg_is_user, NULL, &holding, sizeof holding, 5000, NULL) < 0 || holding != v) {
            kprintf("held_kill: victim %u: %s\n", i, !v ? "not spawned" : "never said it held the entry");
            sched_print_ps(); /* where the victim is */
            continue;
        }
        kill(v);
        struct exit_reason why = {0};
        bool down = wait_down(ref, &why);
        if (down && why.kind == EXIT_KILLED)
            killed++;
        else
            kprintf("held_kill: victim %u: %s %s\n", i, down ? "ended" : "no DOWN", down ? exit_kind_name(why.kind) : "");
    }
    RACE_HOOK_SET(dist_entry_held, NULL);
    hook_tester = 0;
    send_to_node("last@127.0.0.1");

    _Alignas(8) uint8_t out[256];
    struct term_buf b;
    dist_report_begin(&b, out, sizeof out);
    term_tuple(&b, 2);
    term_atom(&b, "held_kill");
    term_uint(&b, killed);
    if (!dist_report_send(reporter, out, &b))
        proc_exit(3);
}
DIST_SPAWNABLE(held_kill, "armada", "held_kill", 1, held_kill_entry);
