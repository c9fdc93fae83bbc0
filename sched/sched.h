/*
 * Armada's processes: Erlang-style, reduction-scheduled, on per-core run
 * queues. A process is a C function with its own stack (guard page below);
 * processes share no memory by contract and talk by copied messages.
 *
 * This is the whole public runtime API (docs/design.md). Naming contract:
 * what a process calls about itself or other processes carries Erlang's
 * name for it, unprefixed (spawn, self, send, receive, link, monitor,
 * register_name/whereis, ...), with a `_opt` variant taking options; what
 * the layers around the runtime call to run or inspect it starts with
 * `sched_`; interrupts handed to processes start with `irq_`.
 */
#ifndef ARMADA_SCHED_SCHED_H
#define ARMADA_SCHED_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Index in the low 32 bits, generation in the high 32: a stale pid never
 * reaches the process that later reuses the slot. 0 is no process. A pid
 * with PID_REMOTE set names a process on another node (below). */
typedef uint64_t pid_t;
#define PID_REMOTE (1ULL << 63) /* local generations stay below it */
static inline bool pid_is_remote(pid_t pid) { return (pid & PID_REMOTE) != 0; }

enum priority { PRIO_MAX, PRIO_HIGH, PRIO_NORMAL, PRIO_LOW, PRIO_COUNT };

/* Why a process ended. One killed by an exit signal (a link's end, not
 * trapped) ends with that signal's reason, the same kind, class, value and
 * pc (and a remote reason's bytes: its links and monitors, here or on other
 * nodes, see the same term), as Erlang's exit reasons propagate. */
enum exit_kind {
    EXIT_NORMAL, /* returned, or exit_normal() */
    EXIT_ERROR,  /* proc_exit(code): value = code */
    EXIT_KILLED, /* kill(): cannot be trapped; its links get it as an exit signal they may trap */
    EXIT_FAULT,  /* a synchronous exception: class = ESR EC, value = fault address (0 where the
                    class has none, e.g. an undefined instruction), pc */
    EXIT_NOPROC, /* the linked/monitored process did not exist */
    EXIT_NOCONNECTION, /* a remote process's node could not be reached, or went away */
    EXIT_REMOTE,       /* a remote process's reason that has no kind here (say {shutdown, bye}) */
};
struct exit_reason {
    uint16_t kind;  /* enum exit_kind */
    uint16_t class; /* EXIT_FAULT: ESR exception class */
    uint64_t value;
    uint64_t pc; /* EXIT_FAULT: where */
};
/* EXIT_FAULT classes of Armada's own (beyond any ESR class): */
#define EXIT_CLASS_RCU_BLOCK 0xfe /* yielded, sent or received inside an RCU read-side section */
#define EXIT_CLASS_NO_STACK 0xff  /* no stack left to save its state at preemption */
const char *exit_kind_name(uint16_t kind);

struct spawn_opts {
    enum priority prio;  /* default PRIO_NORMAL */
    uint32_t stack_size; /* bytes, rounded up to pages; 0 = default */
    int32_t pin_cpu;     /* -1: may run and move anywhere */
    bool link;           /* link the new process to the caller */
    bool monitor;        /* monitor it: *monitor_ref gets the reference */
};
#define SPAWN_OPTS_DEFAULT {.prio = PRIO_NORMAL, .stack_size = 0, .pin_cpu = -1}

#define CONTEXT_REDS 4000 /* reductions per slice: BEAM's CONTEXT_REDS since OTP 20 */
#define DEFAULT_STACK_SIZE 8192 /* C code that does not recurse deep */
#define MAX_STACK_SIZE (60 * 1024)

typedef void (*proc_fn)(void *arg);

/* 0 when the process could not be made (no memory, bad option): see spawn_error(). */
pid_t spawn(proc_fn fn, void *arg);
pid_t spawn_opt(proc_fn fn, void *arg, const struct spawn_opts *opts, uint64_t *monitor_ref);
/* A stretch of the calling process in which a kill waits for its end (a
 * spawn's steps; a shared count that must come back down): nestable, brief.
 * A kill that came meanwhile takes effect at kill_defer_end. */
void kill_defer_begin(void);
void kill_defer_end(void);
const char *spawn_error(void); /* why this core's last spawn failed */
pid_t self(void);
void yield(void);
void reduce(uint32_t n); /* charge n reductions; switched out at zero */
void exit_normal(void) __attribute__((noreturn));
void proc_exit(uint64_t code) __attribute__((noreturn)); /* EXIT_ERROR */
bool kill(pid_t pid); /* EXIT_KILLED; false if no such process (a remote pid: below) */
bool is_alive(pid_t pid);

/* Messages: copied into the receiver's mailbox. A send to a dead process is
 * dropped and counted (0 returned, as in Erlang). Errors: the message is not
 * sent. SEND_MAILBOX_FULL: the receiver's mailbox holds its limit
 * (sched_mailbox_limit() bytes of blocks: an eighth of RAM); the refusal is
 * counted (sched_mailbox_full_drops). sched/mailbox_limit.h. */
#define SEND_TOO_BIG (-1)
#define SEND_NO_MEMORY (-2)
#define SEND_MAILBOX_FULL (-3)
#define MSG_MAX 4000
/* MSG_CPU_DOWN: the core a process was pinned to went offline; it now runs
 * unpinned elsewhere (ref = that core). */
enum msg_kind { MSG_USER, MSG_EXIT, MSG_DOWN, MSG_IRQ, MSG_CPU_DOWN };
struct msg_info {
    pid_t from;
    uint16_t kind;             /* enum msg_kind */
    uint64_t ref;              /* MSG_DOWN: the monitor reference; MSG_IRQ: the INTID */
    struct exit_reason reason; /* MSG_EXIT, MSG_DOWN */
};
int send(pid_t to, const void *data, uint32_t len);
/* Selective receive: the first message in arrival order for which
 * match(data, len, info, ctx) is true (NULL matches any) is taken out and
 * copied into buf; the others stay, in order. timeout_ms: 0 = poll,
 * RECEIVE_FOREVER = wait as long as it takes. Returns the message length
 * (more than cap: truncated), or RECEIVE_TIMEOUT. */
#define RECEIVE_FOREVER UINT64_MAX
#define RECEIVE_TIMEOUT (-1)
typedef bool (*msg_match_fn)(const void *data, uint32_t len, const struct msg_info *info, void *ctx);
int receive(msg_match_fn match, void *ctx, void *buf, uint32_t cap, uint64_t timeout_ms, struct msg_info *info);
void sleep_ms(uint64_t ms);

/* Links, monitors, exit signals, names (Erlang's semantics: sched/links.c). */
bool link(pid_t pid); /* false: no such process (and an EXIT_NOPROC signal comes to us) */
void unlink(pid_t pid);
uint64_t monitor(pid_t pid); /* one MSG_DOWN when it ends; at once (EXIT_NOPROC) if it is gone */
void demonitor(uint64_t ref);
void trap_exit(bool on); /* exit signals arrive as MSG_EXIT messages instead of killing us */
bool register_name(const char *name, pid_t pid);
pid_t whereis(const char *name); /* 0 if none */
void unregister_name(const char *name);

/* Remote pids are pids: send, link, unlink, monitor and demonitor take one
 * as they take a local pid, through the operations the distribution
 * registers when it starts (dist/remote.c), so a process does not know which
 * it holds. A remote monitor's reference has PID_REMOTE set; its DOWN, and a
 * remote link's exit signal, come as MSG_DOWN / MSG_EXIT with the remote pid
 * in info.from. Without the distribution a remote pid is a process that is
 * not there: link and monitor say EXIT_NOCONNECTION, a send is refused.
 * kill of a remote pid sends its node exit(Pid, kill) (true: sent; false: no
 * connection); is_alive answers for local processes only (as Erlang's
 * is_process_alive/1). A remote reason that has no kind here (EXIT_REMOTE)
 * comes with its own bytes as the MSG_EXIT / MSG_DOWN's data (the
 * distribution's: dist_exit_reason_term_of, dist/dist.h). */
/* A remote pid that no connection can be started for (the node table full,
 * a pid not kept): not sent. A node that cannot be reached is found out
 * later: the send is queued for its call, and lost when that fails. */
#define SEND_NO_CONNECTION (-4)
struct remote_ops {
    int (*send)(pid_t to, const void *data, uint32_t len);
    bool (*link)(pid_t to);
    void (*unlink)(pid_t to);
    uint64_t (*monitor)(pid_t to); /* a reference with PID_REMOTE set */
    void (*demonitor)(uint64_t ref);
    bool (*kill)(pid_t to);
};
void sched_set_remote_ops(const struct remote_ops *ops); /* once, before any process holds a remote pid */
/* For the distribution: a message, or an exit signal, from a remote process
 * (`from` a remote pid), delivered as a local one would be; reason_bytes
 * (NULL, 0: none) become the MSG_DOWN / MSG_EXIT's data. */
int send_as(pid_t to, pid_t from, const void *data, uint32_t len);
int send_down_as(pid_t to, pid_t from, uint64_t ref, const struct exit_reason *why, const void *reason_bytes,
                 uint32_t reason_len);
void exit_signal_from(pid_t to, pid_t from, const struct exit_reason *why, const void *reason_bytes,
                      uint32_t reason_len);

/* Interrupts as messages: the process gets MSG_IRQ (info.ref = INTID) each
 * time `intid` fires; the interrupt stays masked from then until irq_done,
 * so the process services the device at its own pace. */
bool irq_give_to_process(uint32_t intid, pid_t pid);
void irq_done(uint32_t intid);
/* For a driver that services its device in its own handler (the console)
 * and only wants a process told: callback(arg) sends MSG_IRQ to pid `arg`. */
void irq_message_callback(void *pid_as_arg);

/* Seeing it work: counters, the trace ring, the process list. */
void sched_print_stats(void);
void sched_print_ps(void); /* the first SCHED_PS_FIRST processes by slot, then only the running ones */
#define SCHED_PS_FIRST 256
/* ps's lines for the links and monitors between local processes and other
 * nodes' (their ends are held by the distribution's connection processes,
 * not in a process's own link list): a hook the distribution registers once
 * at start (dist/ps.c). It fills out[] (at most max), returns how many there
 * are (more than max: the rest left out), and runs in the process that calls
 * sched_print_ps, one call at a time; it may wait briefly for answers. */
enum ps_remote_kind { PS_REMOTE_LINK, PS_REMOTE_MONITORS, PS_REMOTE_MONITORED_BY };
struct ps_remote {
    pid_t local;
    uint8_t kind;     /* enum ps_remote_kind */
    char remote[96];  /* the remote process as its node names it: <node.id.serial> */
};
typedef uint32_t (*ps_remote_fn)(struct ps_remote *out, uint32_t max);
void sched_set_ps_remote(ps_remote_fn fn);
void sched_print_trace(uint32_t cpu, uint32_t last);
uint64_t sched_idle_ticks(uint32_t cpu);  /* counter ticks spent idle so far */
uint64_t sched_preemptions(uint32_t cpu); /* processes switched out by the slice timer so far */
uint32_t sched_process_count(void);
/* Every core's counters summed, for a benchmark to say where its time went
 * (a snapshot: each counter read once, relaxed, as the cores update them). */
struct sched_totals {
    uint64_t switches, sends, steals, preemptions, spawns, exits;
    uint64_t migrations, ipi_wakeups, wakeups_no_ipi, balance_ipis, idle_ticks;
};
void sched_totals(struct sched_totals *t);
pid_t pid_from_index(uint32_t index); /* the live process in that slot, or 0 */

/* The runtime. */
void sched_init(void);                                /* boot core, once, before any spawn */
void sched_core_loop(void) __attribute__((noreturn)); /* every core ends up here */
bool sched_is_running(void);                          /* sched_init has finished */
/* The exception layer's hooks (arch/exception.h), installed by init/ before
 * interrupts are first unmasked; both do nothing for processes until
 * sched_init has run. */
struct exception_frame;
void sched_irq_entry(struct exception_frame *f);
bool sched_process_fault(struct exception_frame *f);
uint64_t sched_msg_blocks_in_use(void);              /* message blocks held by mailboxes (and in flight), all cores */
uint64_t sched_link_nodes_in_use(void);              /* links and monitors held, both ends counted */
uint64_t sched_dropped_sends(void);                   /* sends to dead processes, all cores */
uint64_t sched_mailbox_full_drops(void);              /* user messages refused at a full mailbox */
uint64_t sched_mailbox_limit(void);                   /* bytes of message blocks a mailbox may hold */
bool sched_global_queue(void);                        /* booted with sched=global */

#endif
