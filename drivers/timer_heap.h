/* A core's pending timer events as a pairing heap (drivers/timer_heap.c):
 * add and remove in a few steps however many are queued (a sorted list
 * walked every waiting process's timeout on each receive that armed one),
 * the earliest at the root. Pure logic: no hardware, no locking; the core
 * that owns the heap is its only user (drivers/timer.c). */
#ifndef ARMADA_DRIVERS_TIMER_HEAP_H
#define ARMADA_DRIVERS_TIMER_HEAP_H

#include <stdint.h>

typedef void (*timer_callback_t)(void *arg);

struct timer_event {
    uint64_t deadline;
    timer_callback_t fn;
    void *arg;
    /* The heap's links: first child, next sibling, and the node before (the
     * parent of a first child, else the sibling to the left). `next` also
     * links a list of events taken off a core (timer_events_take_all). */
    struct timer_event *child, *next, *prev;
    uint32_t seq;  /* the order of adds on its core: of equal deadlines the first added fires first */
    uint8_t owner; /* 0: not queued; else 1 + the core whose heap holds it (drivers/timer.c) */
};

struct timer_heap {
    struct timer_event *root; /* the earliest; NULL when empty */
    uint32_t seq;             /* the next add's */
};

static inline struct timer_event *timer_heap_first(const struct timer_heap *h) { return h->root; }
void timer_heap_insert(struct timer_heap *h, struct timer_event *ev);
void timer_heap_remove(struct timer_heap *h, struct timer_event *ev); /* ev: in h */
struct timer_event *timer_heap_pop(struct timer_heap *h);             /* the earliest, or NULL */

#endif
