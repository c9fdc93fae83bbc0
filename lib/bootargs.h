/* Boot arguments from /chosen/bootargs (QEMU -append, U-Boot bootargs, the
 * Pi's cmdline.txt). Words: test, test=A,B  bench, bench=A,B  litmus,
 * litmus=A,B  iters=N  sched=global  demo  diag (the bring-up screen, init/diag.c)
 * soak=SECONDS (how long test=soak runs). procs=N (how many processes
 * bench=million makes, 1 to BOOTARGS_MAX_PROCS).
 * trace=wrap | trace=stop: the flight recorder records from boot, overwriting
 * its oldest records or stopping when full (sched/flight.h).
 * trace.demo=NAME trace.seconds=N: make trace: record demo NAME for N seconds
 * (from boot, stop-when-full), dump it by semihosting, power off.
 * semihosting: QEMU was started with -semihosting-config enable=on (arch/semihost.h).
 * Unknown words are kept for a report.
 * Network (net/): ip=A.B.C.D/N gw=A.B.C.D  the static address, used when DHCP
 * does not answer (or at once with dhcp=off); echo=PORT starts the TCP echo
 * service; echo.quit=N powers off once N echo connections have closed.
 * Erlang distribution (dist/): node=NAME@HOST cookie=C  this node's name and
 * cookie; dist.port=N  the port it listens on (4370 if left out);
 * epmd=PORT or epmd=A.B.C.D:PORT  where epmd is (the gateway, 4369);
 * dist.ticktime=S  erl's net_ticktime (60); dist.connect=NODE,...  nodes to
 * connect to (and ping) once registered. */
#ifndef ARMADA_BOOTARGS_H
#define ARMADA_BOOTARGS_H

#include <stdbool.h>
#include <stdint.h>

#define BOOTARGS_LIST 256
#define BOOTARGS_MAX_UNKNOWN 8
#define BOOTARGS_MAX_PROCS (1U << 20) /* the process table's size (sched/internal.h) */

enum { BOOTARGS_TRACE_OFF, BOOTARGS_TRACE_WRAP, BOOTARGS_TRACE_STOP };

struct bootargs {
    bool test, bench, litmus, sched_global, diag;
    bool semihosting;                 /* the host answers semihosting calls */
    uint8_t trace_mode;               /* BOOTARGS_TRACE_*: record from boot */
    char trace_demo[32];              /* "" = no make-trace run */
    uint32_t trace_seconds;           /* 0 = 2 */
    char test_list[BOOTARGS_LIST];   /* "" = all */
    char bench_list[BOOTARGS_LIST];
    char litmus_list[BOOTARGS_LIST];
    uint64_t iters;                   /* 0 = default */
    uint32_t soak_seconds;            /* soak=N: how long test=soak runs; 0 = its default */
    uint32_t procs;                   /* procs=N: bench=million's process count; 0 = its default */
    uint32_t net_ip, net_gw;          /* host byte order; 0 = not given */
    uint8_t net_prefix;               /* ip=.../N: N (24 if left out) */
    bool net_dhcp_off;
    uint16_t echo_port;               /* 0 = no echo service */
    uint32_t echo_quit;               /* 0 = run on */
    char node[64];                    /* "" = not a distributed node */
    char cookie[64];
    uint16_t dist_port;               /* 0 = not given */
    uint32_t epmd_addr;               /* 0 = the gateway */
    uint16_t epmd_port;               /* 0 = not given */
    uint32_t dist_ticktime;           /* seconds; 0 = not given (60) */
    char dist_connect[BOOTARGS_LIST]; /* nodes to ping once registered, comma-separated */
    uint32_t unknown_count;
    char unknown[BOOTARGS_MAX_UNKNOWN][32];
};

void bootargs_parse(struct bootargs *b, const char *cmdline);
/* "A.B.C.D" (exactly n characters) to a host-order address; false if malformed. */
bool bootargs_parse_ipv4(const char *s, unsigned n, uint32_t *out);
/* Does comma-separated `list` select `name`? An entry names a name equal to
 * it or starting with it followed by '.' (a suite); "-entry" leaves out what
 * it names. A name is selected when no entry leaves it out and some entry
 * names it, or no entry names anything ("" and "-sync" select all but...). */
bool bootargs_selects(const char *list, const char *name);
/* Does an entry of `list` (not a "-" one) name `name`? */
bool bootargs_names(const char *list, const char *name);

#endif
