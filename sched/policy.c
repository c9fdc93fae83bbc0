/* Stealing and balancing choices; see policy.h. */
#include <sched/policy.h>

int policy_steal_victim(uint32_t me, const struct core_view *cores, uint32_t n)
{
    for (int pass = 0; pass < 2; pass++) { /* same cluster first */
        int victim = -1;
        uint32_t most = 0;
        for (uint32_t cpu = 0; cpu < n; cpu++) {
            bool near = cores[cpu].cluster == cores[me].cluster;
            if (cpu == me || near != (pass == 0))
                continue;
            if (cores[cpu].movable > most)
                most = cores[cpu].movable, victim = (int)cpu;
        }
        if (victim >= 0)
            return victim;
    }
    return -1;
}

int policy_balance_target(uint32_t from, const struct core_view *cores, uint32_t n)
{
    int best = -1;
    uint32_t least = cores[from].load;
    bool best_near = false;
    for (uint32_t cpu = 0; cpu < n; cpu++) {
        if (cpu == from || !cores[cpu].online || cores[cpu].load + 1 >= cores[from].load)
            continue; /* moving one must leave it no heavier than we are now */
        bool near = cores[cpu].cluster == cores[from].cluster;
        if (cores[cpu].load < least || (cores[cpu].load == least && near && !best_near))
            least = cores[cpu].load, best = (int)cpu, best_near = near;
    }
    return best;
}
