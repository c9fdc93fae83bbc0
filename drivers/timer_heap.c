/* Pairing heap (Fredman, Sedgewick, Sleator, Tarjan 1986) of timer events.
 * Insert is one comparison and a link; removing an event that is not the
 * earliest cuts it out and merges its children (a receive timeout cancelled
 * before it fires usually has none); taking the earliest merges the root's
 * children in two passes, amortised O(log n). Ordered by deadline, then by
 * the order of adds, so equal deadlines fire first-added first. */
#include <drivers/timer_heap.h>
#include <stdbool.h>
#include <stddef.h>

/* seq wraps after 2^32 adds; compared as a difference, it orders any two
 * adds less than 2^31 apart, and it only decides between equal deadlines. */
static inline bool earlier(const struct timer_event *a, const struct timer_event *b)
{
    if (a->deadline != b->deadline)
        return a->deadline < b->deadline;
    return (int32_t)(a->seq - b->seq) < 0;
}

/* Two heaps into one: the later root becomes the earlier's first child.
 * The winner's next and prev are left for the caller to set. */
static struct timer_event *meld(struct timer_event *a, struct timer_event *b)
{
    if (earlier(b, a)) {
        struct timer_event *t = a;
        a = b;
        b = t;
    }
    b->next = a->child;
    if (a->child)
        a->child->prev = b;
    b->prev = a;
    a->child = b;
    return a;
}

/* A list of sibling heaps (linked by next) into one: meld them in pairs left
 * to right, then the pairs into one right to left. Returns the root, its
 * next and prev cleared; NULL for an empty list. */
static struct timer_event *merge_siblings(struct timer_event *first)
{
    struct timer_event *pairs = NULL; /* the pass's melded pairs, last first (linked by next) */
    while (first) {
        struct timer_event *a = first, *b = first->next;
        if (!b) {
            a->next = pairs;
            pairs = a;
            break;
        }
        first = b->next;
        struct timer_event *m = meld(a, b);
        m->next = pairs;
        pairs = m;
    }
    struct timer_event *root = pairs;
    if (!root)
        return NULL;
    for (struct timer_event *p = root->next, *next; p; p = next) {
        next = p->next;
        root = meld(root, p);
    }
    root->next = root->prev = NULL;
    return root;
}

void timer_heap_insert(struct timer_heap *h, struct timer_event *ev)
{
    ev->child = ev->next = ev->prev = NULL;
    ev->seq = h->seq++;
    if (h->root) {
        h->root = meld(h->root, ev);
        h->root->next = h->root->prev = NULL;
    } else {
        h->root = ev;
    }
}

struct timer_event *timer_heap_pop(struct timer_heap *h)
{
    struct timer_event *ev = h->root;
    if (ev) {
        h->root = merge_siblings(ev->child);
        ev->child = NULL;
    }
    return ev;
}

void timer_heap_remove(struct timer_heap *h, struct timer_event *ev)
{
    if (ev == h->root) {
        timer_heap_pop(h);
        return;
    }
    /* Out of its parent's list of children: ev->prev is the parent when ev
     * is the first child, else the sibling before it. */
    if (ev->prev->child == ev)
        ev->prev->child = ev->next;
    else
        ev->prev->next = ev->next;
    if (ev->next)
        ev->next->prev = ev->prev;
    /* Its children, each later than the root, go back under the root. */
    struct timer_event *sub = merge_siblings(ev->child);
    if (sub)
        h->root = meld(h->root, sub);
    ev->child = ev->next = ev->prev = NULL;
}
