/* The flight recorder's rings, recording and dump (sched/flight.h). */
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <arch/semihost.h>
#include <arch/sysreg.h>
#include <arch/timer.h>
#include <drivers/console.h>
#include <lib/fmt.h>
#include <lib/ksyms.h>
#include <lib/print.h>
#include <mm/page_alloc.h>
#include <sched/flight.h>
#include <sched/flight_watch.h>
#include <string.h>
#include <sync/lockstat.h>
#include <sync/static_key.h>

#define PAGE_BYTES 4096
#define RING_PAGES ((FLIGHT_LEN * sizeof(struct flight_rec) + PAGE_BYTES - 1) / PAGE_BYTES)
#define LINE_MAX 96

struct flight_ring {
    uint64_t head;    /* records claimed since the last clear; written by its core only */
    uint64_t dropped; /* stop-when-full: records refused */
    struct flight_rec *rec;
};

struct static_key flight_sites;
/* 1 while recording: checked by the slow path, interrupts masked, so that a
 * core still running a site's old branch after flight_stop records nothing. */
static uint32_t recording;
static enum flight_mode mode;
static struct flight_ring rings[MAX_CPUS];

static bool rings_allocated(void)
{
    for (uint32_t cpu = 0; cpu < cpus_possible; cpu++) {
        if (rings[cpu].rec)
            continue;
        uint64_t mem = page_alloc(RING_PAGES);
        if (!mem) {
            kprintf("flight: no memory for cpu%u's ring (%lu pages)\n", cpu, (unsigned long)RING_PAGES);
            return false;
        }
        rings[cpu].rec = (struct flight_rec *)(uintptr_t)mem;
    }
    return true;
}

bool flight_start(enum flight_mode m)
{
    if (!rings_allocated())
        return false;
    mode = m;
    /* Release: the rings and the mode are visible to a core whose slow path
     * sees recording on (its acquire) and writes into its ring. */
    __atomic_store_n(&recording, 1, __ATOMIC_RELEASE);
    /* IPIs, interrupts, lock waits (hooks below sched/) before the sites:
     * the cross-call's own IPIs below are recorded, sent and taken, as the
     * counters count them (trace.kinds_match_counters). */
    flight_watch_start();
    /* Every online core runs the sites' branches from here on. */
    static_key_enable_all_cores(&flight_sites);
    return true;
}

void flight_stop(void)
{
    flight_watch_stop();
    /* Relaxed: a record taken at the moment recording stops is fine; one
     * that sees 0 is not taken. No cross-call here: it would wake idle cores
     * after the fact, and a core still taking an old branch records nothing. */
    __atomic_store_n(&recording, 0, __ATOMIC_RELAXED);
    static_key_disable_lazily(&flight_sites);
}

bool flight_sites_match(bool on, uint32_t *sites, uint32_t *branching)
{
    *sites = arch_static_branch_sites(&flight_sites, branching);
    return *sites > 0 && *branching == (on ? *sites : 0) &&
           __atomic_load_n(&flight_sites.enabled, __ATOMIC_RELAXED) == on;
}

void flight_clear(void)
{
    for (uint32_t cpu = 0; cpu < cpus_possible; cpu++) {
        /* Relaxed: recording is stopped; a record in flight on another core
         * may still land, which a dump after a clear tolerates. */
        __atomic_store_n(&rings[cpu].head, 0, __ATOMIC_RELAXED);
        __atomic_store_n(&rings[cpu].dropped, 0, __ATOMIC_RELAXED);
    }
}

void flight_record_slow(enum flight_kind kind, uint64_t time, uint64_t pid, uint32_t arg, uint32_t id,
                        uint16_t aux)
{
    /* Masked: an interrupt's record cannot interleave with ours, and we
     * cannot migrate between choosing the ring and filling the slot. */
    uint64_t flags = irq_save();
    /* Acquire: pairs with flight_start's release (the rings, the mode). */
    if (!__atomic_load_n(&recording, __ATOMIC_ACQUIRE)) {
        irq_restore(flags);
        return;
    }
    if (!time)
        time = timer_now(); /* read here, so that the call site pays nothing when off */
    uint32_t cpu = this_cpu_id();
    struct flight_ring *r = &rings[cpu];
    uint64_t n = r->head;
    if (!r->rec || (mode == FLIGHT_STOP_WHEN_FULL && n >= FLIGHT_LEN)) {
        r->dropped++;
        irq_restore(flags);
        return;
    }
    struct flight_rec *e = &r->rec[n % FLIGHT_LEN];
    *e = (struct flight_rec){.time = time,
                             .pid = pid,
                             .arg = arg,
                             .id = id,
                             .kind = (uint8_t)kind,
                             .core = (uint8_t)cpu,
                             .aux = aux};
    /* Release: the record is complete before a dumper that reads head
     * (acquire) looks at it. */
    __atomic_store_n(&r->head, n + 1, __ATOMIC_RELEASE);
    irq_restore(flags);
}

uint64_t flight_recorded(uint32_t core)
{
    return core < MAX_CPUS ? __atomic_load_n(&rings[core].head, __ATOMIC_ACQUIRE) : 0;
}
uint64_t flight_dropped(uint32_t core)
{
    return core < MAX_CPUS ? __atomic_load_n(&rings[core].dropped, __ATOMIC_RELAXED) : 0;
}

uint64_t flight_dropped_all(void)
{
    uint64_t n = 0;
    for (uint32_t cpu = 0; cpu < cpus_possible; cpu++)
        n += flight_dropped(cpu);
    return n;
}

void flight_each_between(uint32_t core, uint64_t from, uint64_t to,
                         void (*fn)(const struct flight_rec *e, void *ctx), void *ctx)
{
    uint64_t head = flight_recorded(core), kept_from = head < FLIGHT_LEN ? 0 : head - FLIGHT_LEN;
    if (from < kept_from)
        from = kept_from; /* wrapped over */
    if (to > head)
        to = head;
    for (uint64_t i = from; i < to && rings[core].rec; i++)
        fn(&rings[core].rec[i % FLIGHT_LEN], ctx);
}

void flight_each(void (*fn)(const struct flight_rec *e, void *ctx), void *ctx)
{
    for (uint32_t cpu = 0; cpu < cpus_possible; cpu++)
        flight_each_between(cpu, 0, UINT64_MAX, fn, ctx);
}

struct kind_count {
    enum flight_kind kind;
    uint64_t pid, n;
};

static void count_one(const struct flight_rec *e, void *ctx)
{
    struct kind_count *k = ctx;
    k->n += e->kind == k->kind && (!k->pid || e->pid == k->pid);
}

uint64_t flight_count(enum flight_kind kind, uint64_t pid)
{
    struct kind_count k = {kind, pid, 0};
    flight_each(count_one, &k);
    return k.n;
}

/* The ninth field of an entry record (its function) or a lock wait (the
 * lock's name, spaces made underscores: one field); NULL for other kinds. */
static const char *record_name(const struct flight_rec *e, char *buf, uint32_t cap)
{
    if (e->kind == FL_ENTRY) {
        struct ksym fn = {"?", 0};
        ksym_lookup((uintptr_t)((uint64_t)e->id << 32 | e->arg), &fn);
        return fn.name;
    }
    if (e->kind != FL_LOCK_WAIT)
        return NULL;
    const struct lockstat *l = lockstat_by_id(e->id);
    const char *name = !l ? "?" : l->name && l->name[0] ? l->name : "(anon)";
    uint32_t n = 0;
    for (; name[n] && n + 1 < cap; n++)
        buf[n] = name[n] == ' ' ? '_' : name[n];
    buf[n] = 0;
    return buf;
}

static void emit(const struct flight_sink *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(const struct flight_sink *s, const char *fmt, ...)
{
    char line[LINE_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = fmt_vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n > 0)
        s->write(s->ctx, line, (uint32_t)(n < (int)sizeof line ? n : (int)sizeof line - 1));
}

void flight_dump(const struct flight_sink *s)
{
    emit(s, "armada-trace 1 cores %u freq %lu\n", cpus_possible, (unsigned long)timer_frequency());
    uint64_t total = 0;
    for (uint32_t cpu = 0; cpu < cpus_possible; cpu++) {
        const struct flight_ring *r = &rings[cpu];
        uint64_t head = flight_recorded(cpu);
        uint64_t kept = head < FLIGHT_LEN ? head : FLIGHT_LEN;
        emit(s, "core %u recorded %lu kept %lu dropped %lu\n", cpu, (unsigned long)head, (unsigned long)kept,
             (unsigned long)flight_dropped(cpu));
        for (uint64_t i = head - kept; i < head && r->rec; i++) {
            const struct flight_rec *e = &r->rec[i % FLIGHT_LEN];
            char lock[24];
            const char *name = record_name(e, lock, sizeof lock);
            emit(s, "r %u %u %lx %lx %x %x %x%s%s\n", e->core, e->kind, (unsigned long)e->time,
                 (unsigned long)e->pid, e->arg, e->id, e->aux, name ? " " : "", name ? name : "");
        }
        total += kept;
    }
    emit(s, "end %lu\n", (unsigned long)total);
}

/* Semihosting: lines gathered into blocks, one SYS_WRITE each. */
struct semihost_out {
    long fd;
    bool failed;
    uint32_t used;
    char buf[4096];
};

static void semihost_flush(struct semihost_out *o)
{
    if (o->used && semihost_write(o->fd, o->buf, o->used) != 0)
        o->failed = true;
    o->used = 0;
}

static void semihost_put(void *ctx, const char *text, uint32_t len)
{
    struct semihost_out *o = ctx;
    if (o->used + len > sizeof o->buf)
        semihost_flush(o);
    memcpy(o->buf + o->used, text, len);
    o->used += len;
}

bool flight_dump_semihost(const char *path)
{
    static struct semihost_out out; /* 4 KiB: off the stack; one dump at a time (the caller's) */
    out.fd = semihost_open_write(path);
    if (out.fd < 0)
        return false;
    out.failed = false;
    out.used = 0;
    flight_dump(&(struct flight_sink){semihost_put, &out});
    semihost_flush(&out);
    return semihost_close(out.fd) == 0 && !out.failed;
}

/* The console frame: each line of the dump as `T <line> ~<sum>`, the sum of
 * its bytes (newline excluded) mod 65536 in hex, between TRACE-BEGIN and
 * TRACE-END <lines>, so a host tool can see a line lost or garbled. */
static void console_put(void *ctx, const char *text, uint32_t len)
{
    uint64_t *lines = ctx;
    uint32_t sum = 0, n = len && text[len - 1] == '\n' ? len - 1 : len;
    for (uint32_t i = 0; i < n; i++)
        sum += (uint8_t)text[i];
    kprintf("T %.*s ~%04x\n", (int)n, text, sum & 0xffff);
    (*lines)++;
}

void flight_dump_console(void)
{
    uint64_t lines = 0;
    kprintf("TRACE-BEGIN\n");
    flight_dump(&(struct flight_sink){console_put, &lines});
    kprintf("TRACE-END %lu\n", (unsigned long)lines);
}
