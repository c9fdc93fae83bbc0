/* sched/policy.c: where stealing and balancing move work, clusters first. */
#include <sched/policy.h>

#include "unit.h"


static void set(struct core_view *v, const uint32_t *movable, const uint32_t *running)
{
    for (int i = 0; i < 8; i++)
        v[i] = (struct core_view){movable[i], movable[i] + running[i], (uint32_t)i / 4, true};
}

static void steal_prefers_own_cluster(void)
{
    struct core_view v[8];
    uint32_t movable[8] = {0, 0, 2, 0, 9, 0, 0, 0}, running[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    set(v, movable, running);
    CHECK(policy_steal_victim(1, v, 8) == 2, "cpu1 stole from %d, want 2 (same cluster, though 4 has more)",
          policy_steal_victim(1, v, 8));
    CHECK(policy_steal_victim(5, v, 8) == 4, "cpu5 stole from %d, want 4", policy_steal_victim(5, v, 8));
    movable[2] = 0;
    set(v, movable, running);
    CHECK(policy_steal_victim(1, v, 8) == 4, "with nothing nearby, cpu1 stole from %d, want 4",
          policy_steal_victim(1, v, 8));
    movable[4] = 0;
    set(v, movable, running);
    CHECK(policy_steal_victim(1, v, 8) == -1, "stole from an empty machine");
}

static void steal_reaches_offline_queues(void)
{
    struct core_view v[8];
    uint32_t movable[8] = {0, 0, 0, 3, 0, 0, 0, 0}, running[8] = {0};
    set(v, movable, running);
    v[3].online = false; /* work left behind by a racing enqueue */
    CHECK(policy_steal_victim(0, v, 8) == 3, "offline queue with work not chosen: %d", policy_steal_victim(0, v, 8));
}

static void balance_evens_out_nearby_first(void)
{
    struct core_view v[8];
    uint32_t movable[8] = {5, 0, 1, 1, 0, 1, 1, 1}, running[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    set(v, movable, running);
    /* cpu1 and cpu4 are both least loaded (1): cpu1 is in cpu0's cluster. */
    CHECK(policy_balance_target(0, v, 8) == 1, "target %d, want 1 (nearby tie)", policy_balance_target(0, v, 8));
    v[1].load = 3, v[1].movable = 2;
    CHECK(policy_balance_target(0, v, 8) == 4, "target %d, want 4 (lighter elsewhere)", policy_balance_target(0, v, 8));
    /* Simulate the moves: it stops once no core is lighter by 2. */
    set(v, movable, running);
    int moves = 0;
    for (int t; (t = policy_balance_target(0, v, 8)) >= 0 && moves < 20; moves++)
        v[0].load--, v[t].load++;
    uint32_t most = 0, least = ~0u;
    for (int i = 0; i < 8; i++) {
        most = v[i].load > most ? v[i].load : most;
        least = v[i].load < least ? v[i].load : least;
    }
    CHECK(moves == 3 && v[0].load == 3, "%d moves, cpu0 left with %u (18 over 8 cores: 2 or 3 each)", moves, v[0].load);
    CHECK(most - least <= 1, "uneven after balancing: %u vs %u", most, least);
}

static void balance_skips_offline_and_even(void)
{
    struct core_view v[8];
    uint32_t movable[8] = {3, 0, 2, 2, 2, 2, 2, 2}, running[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    set(v, movable, running);
    v[1].online = false;
    CHECK(policy_balance_target(0, v, 8) == -1, "moved to an offline core or when even: %d",
          policy_balance_target(0, v, 8));
}

int main(void)
{
    RUN(steal_prefers_own_cluster);
    RUN(steal_reaches_offline_queues);
    RUN(balance_evens_out_nearby_first);
    RUN(balance_skips_offline_and_even);
    return unit_failed_cases != 0;
}
