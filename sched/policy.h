/* Where work moves between cores: pure choices over snapshots of the queues,
 * so the host tests can check them (tests/unit/test_policy.c). */
#ifndef ARMADA_SCHED_POLICY_H
#define ARMADA_SCHED_POLICY_H

#include <stdbool.h>
#include <stdint.h>

struct core_view {
    uint32_t movable; /* queued processes another core may take */
    uint32_t load;    /* movable + the one running (what balancing evens out) */
    uint32_t cluster;
    bool online;
};

/* The core an idle `me` steals from: the one with most movable work in its
 * own cluster, else the one with most anywhere (offline queues included: a
 * racing enqueue may have left work there). -1: nothing to steal. */
int policy_steal_victim(uint32_t me, const struct core_view *cores, uint32_t n);

/* Where `from` should push one process to even out loads: the least loaded
 * online core, ties to its own cluster; -1 if none is lighter by 2 or more. */
int policy_balance_target(uint32_t from, const struct core_view *cores, uint32_t n);

#endif
