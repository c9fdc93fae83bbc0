/* Binary relations over the events of one candidate execution, as bit
 * matrices (row a holds the b with a -> b): what the cat models are written in. */
#ifndef ARMADA_LITMUS_MODEL_RELATION_H
#define ARMADA_LITMUS_MODEL_RELATION_H

#include <stdbool.h>
#include <stdint.h>

#define MODEL_MAX_EVENTS 64

struct relation {
    uint64_t row[MODEL_MAX_EVENTS];
};

static inline void rel_add(struct relation *r, int a, int b)
{
    r->row[a] |= 1ULL << b;
}
static inline bool rel_has(const struct relation *r, int a, int b)
{
    return r->row[a] >> b & 1;
}

void rel_clear(struct relation *r);
void rel_union(struct relation *into, const struct relation *r, int n);
/* into = a ; b (sequential composition). */
void rel_compose(struct relation *into, const struct relation *a, const struct relation *b, int n);
/* The inverse: b -> a for each a -> b. */
void rel_inverse(struct relation *into, const struct relation *r, int n);
/* Keep only the edges whose source is in `from` and target in `to` (bit sets). */
void rel_restrict(struct relation *r, uint64_t from, uint64_t to, int n);
bool rel_acyclic(const struct relation *r, int n);
/* One shortest cycle: its events in order into cycle[]; returns its length, 0 if none. */
int rel_shortest_cycle(const struct relation *r, int n, int *cycle);

#endif
