/* Bit-matrix relations: small (at most 64 events), so plain loops are enough. */
#include <string.h>

#include <tests/litmus/model/relation.h>

void rel_clear(struct relation *r)
{
    memset(r, 0, sizeof(*r));
}

void rel_union(struct relation *into, const struct relation *r, int n)
{
    for (int a = 0; a < n; a++)
        into->row[a] |= r->row[a];
}

void rel_compose(struct relation *into, const struct relation *a, const struct relation *b, int n)
{
    struct relation out;
    rel_clear(&out);
    for (int i = 0; i < n; i++)
        for (int k = 0; k < n; k++)
            if (rel_has(a, i, k))
                out.row[i] |= b->row[k];
    *into = out;
}

void rel_inverse(struct relation *into, const struct relation *r, int n)
{
    struct relation out;
    rel_clear(&out);
    for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++)
            if (rel_has(r, a, b))
                rel_add(&out, b, a);
    *into = out;
}

void rel_restrict(struct relation *r, uint64_t from, uint64_t to, int n)
{
    for (int a = 0; a < n; a++)
        r->row[a] = (from >> a & 1) ? r->row[a] & to : 0;
}

/* Breadth-first from each event back to itself; the shortest such path over
 * all starts is the cycle printed. */
int rel_shortest_cycle(const struct relation *r, int n, int *cycle)
{
    int best = 0;
    for (int s = 0; s < n; s++) {
        int parent[MODEL_MAX_EVENTS], queue[MODEL_MAX_EVENTS], dist[MODEL_MAX_EVENTS];
        for (int i = 0; i < n; i++)
            dist[i] = -1;
        int head = 0, tail = 0, found = -1;
        queue[tail++] = s;
        dist[s] = 0, parent[s] = s;
        while (head < tail && found < 0) {
            int a = queue[head++];
            for (int b = 0; b < n && found < 0; b++) {
                if (!rel_has(r, a, b))
                    continue;
                if (b == s)
                    found = a;
                else if (dist[b] < 0) {
                    dist[b] = dist[a] + 1, parent[b] = a;
                    queue[tail++] = b;
                }
            }
        }
        if (found < 0 || (best && dist[found] + 1 >= best))
            continue;
        best = dist[found] + 1;
        for (int i = best - 1, e = found; i >= 0; i--, e = parent[e])
            cycle[i] = e;
    }
    return best;
}

bool rel_acyclic(const struct relation *r, int n)
{
    int cycle[MODEL_MAX_EVENTS];
    return rel_shortest_cycle(r, n, cycle) == 0;
}
