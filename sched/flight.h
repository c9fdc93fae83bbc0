/* The flight recorder: per-core rings of scheduler events for timelines
 * (docs/trace.md; tools/trace2json.py turns a dump into Perfetto JSON).
 * Each core writes only its own ring, interrupts masked, so no locks; a
 * dump is taken with recording stopped. Off, a call site costs one nop
 * (flight_record below; docs/trace.md, Cost). */
#ifndef ARMADA_SCHED_FLIGHT_H
#define ARMADA_SCHED_FLIGHT_H

#include <arch/static_branch.h>
#include <stdbool.h>
#include <stdint.h>

#define FLIGHT_LEN 4096 /* records per core: 128 KiB, about 10 ms of a busy core */

/* What happened; the numbers are the dump's (docs/trace.md): append only. */
enum flight_kind {
    FL_RUN,       /* pid starts running here; aux = the previous process's state, arg = its index,
                   * id = processes left waiting in this core's queue (its run-queue length) */
    FL_SPAWN,     /* pid spawned, arg = the core it was queued on */
    FL_EXIT,      /* pid exited, arg = its exit reason's kind */
    FL_STEAL,     /* pid stolen, arg = from which core */
    FL_MIGRATE,   /* pid moved here */
    FL_PREEMPT,   /* pid's slice ended by the timer */
    FL_WAKE,      /* pid woken */
    FL_IDLE,      /* this core goes idle */
    FL_SEND,      /* pid sent message `id` to pid arg's index */
    FL_RECV,      /* pid took message `id`, sent by arg's index */
    FL_ENTRY,     /* pid was spawned to run the function at address (id << 32 | arg) */
    FL_IPI_SEND,  /* pid (running here) sent IPI kind aux to core arg (FLIGHT_ALL_OTHERS: a broadcast) */
    FL_IPI_TAKEN, /* this core took IPI kind arg, interrupting pid */
    FL_IRQ,       /* this core took interrupt INTID arg (not an IPI), interrupting pid */
    FL_TIMER,     /* a scheduler timer fired for pid: arg FLIGHT_TIMER_*; a slice's aux: 1 it ended */
    FL_IDLE_EXIT, /* this core left WFI after arg counter ticks (saturated); aux 1: with work waiting */
    FL_CPU_DOWN,  /* this core goes offline: arg processes and aux timers moved elsewhere */
    FL_CPU_UP,    /* this core enters the scheduler (at boot, or back online) */
    FL_LOCK_WAIT, /* pid waited arg ticks (saturated), over FLIGHT_LOCK_WAIT_NS, for the lock `id` */
    FL_KIND_COUNT
};

#define FLIGHT_ALL_OTHERS 0xffffffffu              /* an IPI's target: every online core but the sender */
enum { FLIGHT_TIMER_TIMEOUT, FLIGHT_TIMER_SLICE }; /* a timer record's arg: receive timeout or sleep; slice */
/* Lock waits shorter than this are not recorded (lockstat counts them all). */
#define FLIGHT_LOCK_WAIT_NS (20 * 1000)

struct flight_rec {
    uint64_t time; /* generic counter (CNTVCT), common to all cores */
    uint64_t pid;  /* 0: the core's idle loop */
    uint32_t arg;
    uint32_t id; /* send/receive: the message's id (pairs a send with its receive) */
    uint8_t kind;
    uint8_t core;
    uint16_t aux;
    uint32_t reserved;
};

enum flight_mode { FLIGHT_WRAP, FLIGHT_STOP_WHEN_FULL };

/* Every call site is a static branch of this key (sync/static_key.h): off,
 * one nop; flight_start patches each into a branch to its out-of-line call. */
extern struct static_key flight_sites __attribute__((visibility("hidden")));

/* Allocates the rings on first use (false: no memory, said on the console). */
bool flight_start(enum flight_mode mode);
void flight_stop(void);
/* The call sites (the test of the patching): how many there are, how many
 * read as a branch now; true if there are some and they all say `on`. */
bool flight_sites_match(bool on, uint32_t *sites, uint32_t *branching);
void flight_clear(void); /* recording stopped: empties every ring */
/* time 0: now. */
void flight_record_slow(enum flight_kind kind, uint64_t time, uint64_t pid, uint32_t arg, uint32_t id,
                        uint16_t aux);

/* The call sites' form: a macro, so that the arguments are evaluated only
 * in the out-of-line block the branch leads to. `make FLIGHT_SITES=out`
 * compiles the sites out (the Cost table's "without the sites"). */
#ifdef FLIGHT_SITES_OUT
#define flight_record(...)                                                                                   \
    do {                                                                                                     \
        if (0)                                                                                               \
            flight_record_slow(__VA_ARGS__);                                                                 \
    } while (0)
#else
#define flight_record(...)                                                                                   \
    do {                                                                                                     \
        if (static_branch_unlikely(&flight_sites))                                                           \
            flight_record_slow(__VA_ARGS__);                                                                 \
    } while (0)
#endif

/* A message's id for its send and receive records: its block's address. A
 * block is reused only after its receive, so a send pairs with the first
 * receive of the same id after it. */
#define flight_msg_id(m) ((uint32_t)((uintptr_t)(m) >> 4))

/* The dump (recording stopped): the text of docs/trace.md, oldest first per core. */
struct flight_sink {
    void (*write)(void *ctx, const char *text, uint32_t len);
    void *ctx;
};
void flight_dump(const struct flight_sink *sink);
/* The same text, to the semihosting host file `path` (false: no semihosting
 * or the host refused) or to the console framed for tools/trace2json.py. */
bool flight_dump_semihost(const char *path);
void flight_dump_console(void);
/* fn on each kept record, core by core, oldest first (recording stopped). */
void flight_each(void (*fn)(const struct flight_rec *e, void *ctx), void *ctx);
/* fn on the kept records `core` took from its `from`th up to (not with) its
 * `to`th since the last clear (flight_recorded's counts), oldest first. */
void flight_each_between(uint32_t core, uint64_t from, uint64_t to,
                         void (*fn)(const struct flight_rec *e, void *ctx), void *ctx);
/* Kept records of `kind` by `pid` (0: by anyone), over every core. */
uint64_t flight_count(enum flight_kind kind, uint64_t pid);
uint64_t flight_recorded(uint32_t core); /* records taken there since the last clear */
uint64_t flight_dropped(uint32_t core);  /* stop-when-full: records not taken */
uint64_t flight_dropped_all(void);     /* flight_dropped summed over every core */

#endif
