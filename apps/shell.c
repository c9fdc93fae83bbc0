/*
 * The console shell: a process that owns the console's receive interrupt (it
 * gets MSG_IRQ messages when characters arrive), reads a line, and runs a
 * command. Commands look at and steer the runtime: ps, top, cpus, stats,
 * trace, lockstat, spawn, kill, cpu off|on, net, ping, nc, poweroff, and any
 * other layer's (SHELL_COMMAND, apps/apps.h: bench and test come from tests/).
 */
#include <apps/apps.h>
#include <apps/shell_net.h>
#include <arch/cpu.h>
#include <arch/semihost.h>
#include <arch/timer.h>
#include <boot/boot.h>
#include <drivers/console.h>
#include <psci/psci.h>
#include <sched/flight.h>
#include <stdlib.h>
#include <string.h>
#include <sync/lockstat.h>

#define LINE_MAX_LEN 120
#define MAX_ARGS 4
#define SHELL_TRACE_FILE "build/trace/shell-trace.raw" /* relative to QEMU's working directory */

static bool is_input(const void *d, uint32_t l, const struct msg_info *i, void *ctx)
{
    (void)d, (void)l, (void)ctx;
    return i->kind == MSG_IRQ;
}

/* Wait up to timeout_ms for input; true if some arrived. */
static bool wait_input(uint64_t timeout_ms)
{
    return receive(is_input, NULL, NULL, 0, timeout_ms, NULL) != RECEIVE_TIMEOUT;
}

static void cmd_help(int argc, char **argv);

static void cmd_ps(int argc, char **argv)
{
    (void)argc, (void)argv;
    sched_print_ps();
}

static void cmd_stats(int argc, char **argv)
{
    (void)argc, (void)argv;
    sched_print_stats();
}

static void cmd_cpus(int argc, char **argv)
{
    (void)argc, (void)argv;
    for (uint32_t cpu = 0; cpu < cpus_possible; cpu++) {
        const struct platform_cpu *c = &platform.cpus[cpu_dt_index[cpu]];
        kprintf("cpu%u: %-7s MPIDR %#lx  cluster %u  %s\n", cpu, cpu_is_online(cpu) ? "online" : "offline",
                (unsigned long)c->mpidr, c->cluster, cpu_enable_method_name(c->method));
    }
    kprintf("%u of %u core(s) online\n", cpus_online_count(), cpus_possible);
}

/* Per-core load from idle time, redrawn in place every second. */
static void cmd_top(int argc, char **argv)
{
    uint32_t rounds = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 0) : 0; /* 0: until a key */
    uint64_t idle_before[MAX_CPUS], t_before = timer_now();
    for (uint32_t cpu = 0; cpu < cpus_possible; cpu++)
        idle_before[cpu] = sched_idle_ticks(cpu);
    kprintf("top: per-core load, every second%s\n", rounds ? "" : "; any key stops");
    for (uint32_t r = 0; !rounds || r < rounds; r++) {
        if (!rounds && wait_input(1000)) { /* interactive: a key stops it */
            while (console_getc() >= 0)
                ;
            break;
        }
        if (rounds)
            sleep_ms(1000); /* counted: typed-ahead input stays for the shell */
        uint64_t now = timer_now(), span = now - t_before;
        if (r)
            kprintf("\033[%uA", cpus_possible + 1); /* back up over the last table */
        for (uint32_t cpu = 0; cpu < cpus_possible; cpu++) {
            uint64_t idle = sched_idle_ticks(cpu) - idle_before[cpu];
            idle_before[cpu] = sched_idle_ticks(cpu);
            uint64_t busy = span > idle ? (span - idle) * 100 / span : 0;
            char bar[21];
            for (int i = 0; i < 20; i++)
                bar[i] = i < (int)(busy / 5) ? '#' : '.';
            bar[20] = 0;
            kprintf("\033[Kcpu%-2u %3lu%% [%s]%s\n", cpu, (unsigned long)busy, bar, cpu_is_online(cpu) ? "" : " offline");
        }
        kprintf("\033[K%u processes\n", sched_process_count());
        t_before = now;
    }
}

static void cmd_lockstat(int argc, char **argv)
{
    (void)argc, (void)argv;
    lockstat_report();
}

/* The flight recorder (sched/flight.h): on (wrap, or `on stop` to stop
 * when full), off, dump (stops it; semihosting file when the run has it,
 * else the console frame for tools/trace2json.py), clear. */
static bool trace_recorder_command(int argc, char **argv)
{
    const char *w = argv[1];
    if (!strcmp(w, "on")) {
        bool stop = argc > 2 && !strcmp(argv[2], "stop");
        if (flight_start(stop ? FLIGHT_STOP_WHEN_FULL : FLIGHT_WRAP))
            kprintf("trace: recording (%s)\n", stop ? "stop when full" : "overwriting the oldest");
    } else if (!strcmp(w, "off")) {
        flight_stop();
        kprintf("trace: stopped\n");
    } else if (!strcmp(w, "clear")) {
        flight_stop();
        flight_clear();
        kprintf("trace: stopped and cleared\n");
    } else if (!strcmp(w, "dump")) {
        flight_stop();
        if (semihost_available() && flight_dump_semihost(SHELL_TRACE_FILE))
            kprintf("trace: wrote %s by semihosting\n", SHELL_TRACE_FILE);
        else
            flight_dump_console();
    } else {
        return false;
    }
    return true;
}

static void cmd_trace(int argc, char **argv)
{
    if (argc > 1 && trace_recorder_command(argc, argv))
        return;
    uint32_t cpu = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 0) : 0;
    uint32_t n = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 0) : 20;
    sched_print_trace(cpu, n);
}

static void cmd_spawn(int argc, char **argv)
{
    if (argc < 2) {
        kprintf("spawn: which demo? (%s)\n", demo_names());
        return;
    }
    pid_t pid = demo_spawn(argv[1]);
    if (pid)
        kprintf("spawned %s as <%u.%u>\n", argv[1], (uint32_t)pid, (uint32_t)(pid >> 32));
    else
        kprintf("spawn: no demo \"%s\", or it could not start (%s)\n", argv[1], spawn_error());
}

/* A pid as ps prints it (<7.2> or 7.2 or 7) or a registered name. */
static pid_t parse_pid(const char *s)
{
    if (*s == '<')
        s++;
    if (*s < '0' || *s > '9')
        return whereis(s);
    char *end;
    uint32_t index = (uint32_t)strtoul(s, &end, 10);
    pid_t pid = pid_from_index(index);
    if (*end == '.' && pid && (uint32_t)(pid >> 32) != (uint32_t)strtoul(end + 1, NULL, 10))
        return 0; /* that generation is gone */
    return pid;
}

#define KILL_WAIT_MS 1000 /* how long kill waits to see its process gone */

static bool is_down_of(const void *data, uint32_t len, const struct msg_info *info, void *ref)
{
    (void)data, (void)len;
    return info->kind == MSG_DOWN && info->ref == *(uint64_t *)ref;
}

/* A kill is a signal, taken when the process next runs: wait for its DOWN,
 * so that "killed" means gone (its name free), as the next command sees. */
static void cmd_kill(int argc, char **argv)
{
    pid_t pid = argc > 1 ? parse_pid(argv[1]) : 0;
    if (!pid || !kill(pid)) {
        kprintf("kill: no such process: %s\n", argc > 1 ? argv[1] : "(none given)");
        return;
    }
    uint64_t ref = monitor(pid); /* after the kill: gone already, the DOWN comes at once */
    uint8_t none;
    bool gone = receive(is_down_of, &ref, &none, 0, KILL_WAIT_MS, NULL) != RECEIVE_TIMEOUT;
    if (!gone)
        demonitor(ref);
    if (gone)
        kprintf("killed <%u.%u>\n", (uint32_t)pid, (uint32_t)(pid >> 32));
    else
        kprintf("killed <%u.%u> (still exiting after %u ms)\n", (uint32_t)pid, (uint32_t)(pid >> 32), KILL_WAIT_MS);
}

static void cmd_cpu(int argc, char **argv)
{
    if (argc < 3 || (strcmp(argv[1], "on") && strcmp(argv[1], "off"))) {
        kprintf("usage: cpu off|on N\n");
        return;
    }
    uint32_t cpu = (uint32_t)strtoul(argv[2], NULL, 0);
    bool on = !strcmp(argv[1], "on");
    int r = on ? smp_cpu_up(cpu) : smp_cpu_down(cpu);
    if (r)
        kprintf("cpu %s %u: failed (%s)\n", argv[1], cpu,
                cpu == 0 ? "the boot core stays" : cpu >= cpus_possible ? "no such core" : !psci_available() ? "no PSCI" : "see above");
    else
        kprintf("cpu%u is %s\n", cpu, on ? "online" : "offline");
}

static void cmd_poweroff(int argc, char **argv)
{
    (void)argc, (void)argv;
    kprintf("powering off\n");
    system_off();
}

static const struct shell_command commands[] = {
    {"help", "this list", cmd_help},
    {"ps", "processes", cmd_ps},
    {"top", "per-core load, redrawn every second [N times]", cmd_top},
    {"cpus", "cores, MPIDR, cluster, online", cmd_cpus},
    {"stats", "per-core scheduler counters", cmd_stats},
    {"trace",
     "[cpu] [n]: a core's last n recorded events; on [stop]|off|dump|clear: the flight recorder",
     cmd_trace},
    {"lockstat", "per named lock: acquisitions, contended, longest wait", cmd_lockstat},
    {"spawn", "<demo>: start a demo process (spinner, ring, ticker)", cmd_spawn},
    {"kill", "<pid|name>: kill a process", cmd_kill},
    {"cpu", "off|on <n>: take a core down or bring it back", cmd_cpu},
    {"net", "the network interface: address, packets, drops, retransmissions", cmd_net},
    {"ping", "<ip> [count]: ICMP echo, replies with their times", cmd_ping},
    {"nc", "<ip> <port> [bytes]: connect, send bytes, check they come back", cmd_nc},
    {"poweroff", "power the machine off", cmd_poweroff},
};
#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

/* Registered by other layers (SHELL_COMMAND): the linker gathers them. */
extern const struct shell_command __shell_commands_start[], __shell_commands_end[];

static void cmd_help(int argc, char **argv)
{
    (void)argc, (void)argv;
    for (unsigned i = 0; i < COMMAND_COUNT; i++)
        kprintf("  %-9s %s\n", commands[i].name, commands[i].help);
    for (const struct shell_command *c = __shell_commands_start; c < __shell_commands_end; c++)
        kprintf("  %-9s %s\n", c->name, c->help);
}

static const struct shell_command *find_command(const char *name)
{
    for (unsigned i = 0; i < COMMAND_COUNT; i++)
        if (!strcmp(name, commands[i].name))
            return &commands[i];
    for (const struct shell_command *c = __shell_commands_start; c < __shell_commands_end; c++)
        if (!strcmp(name, c->name))
            return c;
    return NULL;
}

static void run_line(char *line)
{
    char *argv[MAX_ARGS];
    int argc = 0;
    for (char *p = line; *p && argc < MAX_ARGS;) {
        while (*p == ' ')
            *p++ = 0;
        if (!*p)
            break;
        argv[argc++] = p;
        while (*p && *p != ' ')
            p++;
    }
    if (!argc)
        return;
    const struct shell_command *c = find_command(argv[0]);
    if (c)
        c->fn(argc, argv);
    else
        kprintf("%s: unknown command (try help)\n", argv[0]);
}

void shell_main(void *arg)
{
    (void)arg;
    console_rx_listen(irq_message_callback, (void *)(uintptr_t)self());
    kprintf("armada shell: type help\n> ");
    char line[LINE_MAX_LEN + 1];
    unsigned len = 0;
    for (;;) {
        int c;
        while ((c = console_getc()) >= 0) {
            if (c == '\r' || c == '\n') {
                line[len] = 0;
                console_write("\n", 1);
                run_line(line);
                len = 0;
                console_write("> ", 2);
            } else if ((c == 0x7f || c == 0x08) && len) {
                len--;
                console_write("\b \b", 3);
            } else if (c >= 32 && c < 127 && len < LINE_MAX_LEN) {
                line[len++] = (char)c;
                char ch = (char)c;
                console_write(&ch, 1);
            }
        }
        wait_input(RECEIVE_FOREVER); /* the receive interrupt's message */
    }
}
