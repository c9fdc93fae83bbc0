/* drivers/timer_heap.c on the host: against a plain array of what should be
 * queued, through random adds, re-adds, removals of any event and pops; the
 * pops come earliest first, equal deadlines first-added first, and after
 * every step each node's links agree (prev names its parent or its left
 * sibling) and no child is earlier than its parent; a broken heap stops
 * the case at once (walked again, a cycle in it would loop). */
#include <drivers/timer_heap.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#define EVENTS 512

static struct timer_event ev[EVENTS];
static bool queued[EVENTS];
static uint32_t added_at[EVENTS]; /* the reference's order of adds */
static uint32_t adds;

static bool before(int a, int b)
{
    if (ev[a].deadline != ev[b].deadline)
        return ev[a].deadline < ev[b].deadline;
    return added_at[a] < added_at[b];
}

/* The reference's earliest, or -1. */
static int reference_first(void)
{
    int best = -1;
    for (int i = 0; i < EVENTS; i++)
        if (queued[i] && (best < 0 || before(i, best)))
            best = i;
    return best;
}

/* Walks the subtree under n (n's own links checked by its caller); counts its nodes. */
static int check_subtree(const struct timer_event *n, bool *ok)
{
    int count = 1;
    const struct timer_event *left = n;
    for (const struct timer_event *c = n->child; c; left = c, c = c->next) {
        if (c->prev != left || count > EVENTS) { /* more than there are: a cycle */
            *ok = false;
            return count;
        }
        if (c->deadline < n->deadline || (c->deadline == n->deadline && added_at[c - ev] < added_at[n - ev]))
            *ok = false;
        count += check_subtree(c, ok);
    }
    return count;
}

static bool heap_consistent(const struct timer_heap *h, int expected)
{
    bool ok = true;
    if (!h->root)
        return expected == 0;
    if (h->root->next || h->root->prev)
        return false;
    int n = check_subtree(h->root, &ok);
    return ok && n == expected;
}

static int queued_count(void)
{
    int n = 0;
    for (int i = 0; i < EVENTS; i++)
        n += queued[i];
    return n;
}

static void add(struct timer_heap *h, int i, uint64_t deadline)
{
    if (queued[i])
        timer_heap_remove(h, &ev[i]);
    ev[i].deadline = deadline;
    timer_heap_insert(h, &ev[i]);
    queued[i] = true;
    added_at[i] = adds++;
}

static void heap_matches_reference_through_random_steps(void)
{
    struct timer_heap h = {0};
    memset(ev, 0, sizeof ev);
    memset(queued, 0, sizeof queued);
    srand(11);
    int bad_pops = 0, bad_shapes = 0;
    for (int step = 0; step < 200000; step++) {
        int i = rand() % EVENTS, what = rand() % 10;
        /* Few distinct deadlines: many ties, which the order of adds decides. */
        uint64_t deadline = (uint64_t)(rand() % 64);
        if (what < 5) {
            add(&h, i, deadline);
        } else if (what < 8) {
            if (queued[i]) {
                timer_heap_remove(&h, &ev[i]);
                queued[i] = false;
            }
        } else {
            int want = reference_first();
            struct timer_event *got = timer_heap_pop(&h);
            if ((want < 0) != (got == NULL) || (got && got != &ev[want]))
                bad_pops++;
            if (got)
                queued[got - ev] = false;
        }
        if (!heap_consistent(&h, queued_count())) { /* stop there: the next step could loop in a cycle */
            bad_shapes++;
            break;
        }
    }
    CHECK(bad_pops == 0, "%d pops were not the reference's earliest", bad_pops);
    CHECK(bad_shapes == 0, "%d checks found a broken heap", bad_shapes);
    if (bad_shapes)
        return;
    /* Drain: every event left comes out in order, and then none. */
    int last = -1, drained = 0, left = queued_count();
    for (struct timer_event *e; (e = timer_heap_pop(&h)); drained++) {
        int at = (int)(e - ev);
        CHECK(last < 0 || before(last, at), "drain out of order at %d", drained);
        queued[at] = false;
        last = at;
    }
    CHECK(drained == left, "drained %d of %d", drained, left);
}

/* The receive-timeout pattern: many waiting, each later than the rest; the
 * oldest is cancelled and a new one added, again and again. */
static void cancel_oldest_add_newest_keeps_order(void)
{
    struct timer_heap h = {0};
    memset(ev, 0, sizeof ev);
    memset(queued, 0, sizeof queued);
    uint64_t now = 1000;
    for (int i = 0; i < EVENTS; i++)
        add(&h, i, now + (uint64_t)i);
    for (int round = 0; round < 5 * EVENTS; round++) {
        int oldest = round % EVENTS;
        timer_heap_remove(&h, &ev[oldest]);
        queued[oldest] = false;
        add(&h, oldest, now + EVENTS + (uint64_t)round);
    }
    CHECK(heap_consistent(&h, EVENTS), "heap broken after the cancel-and-add rounds");
    int want = reference_first();
    CHECK(timer_heap_first(&h) == &ev[want], "first is %d, want %d", (int)(timer_heap_first(&h) - ev), want);
}

static void empty_heap_pops_nothing(void)
{
    struct timer_heap h = {0};
    CHECK(timer_heap_pop(&h) == NULL, "an empty heap gave an event");
    struct timer_event one = {.deadline = 5};
    timer_heap_insert(&h, &one);
    timer_heap_remove(&h, &one);
    CHECK(h.root == NULL && timer_heap_pop(&h) == NULL, "not empty after the only event was removed");
}

int main(void)
{
    RUN(heap_matches_reference_through_random_steps);
    RUN(cancel_oldest_add_newest_keeps_order);
    RUN(empty_heap_pops_nothing);
    return unit_failed_cases != 0;
}
