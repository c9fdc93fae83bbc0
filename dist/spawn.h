/* SPAWN_REQUEST from other nodes: spawn(Node, Module, Function, Args) starts
 * a C entry point that some layer registered under Module:Function/Arity
 * (DIST_SPAWNABLE, gathered by the linker, so dist/ names none of them).
 * The entry runs in the new process with the argument list decoded. */
#ifndef ARMADA_DIST_SPAWN_H
#define ARMADA_DIST_SPAWN_H

#include <dist/watch.h>

struct dist_spawnable {
    const char *module, *function;
    uint8_t arity;
    void (*entry)(const struct term *args); /* a proper list of `arity` terms */
};
#define DIST_SPAWNABLE(id, module_, function_, arity_, entry_)                                            \
    static const struct dist_spawnable dist_spawnable_##id                                                \
        __attribute__((used, section(".dist_spawnables." #id), aligned(8))) = {module_, function_, arity_, entry_}

/* SPAWN_REQUEST (ctrl) with ArgList (args, from its byte 131): the new
 * process, its link and monitor held for the peer in ws, and the
 * SPAWN_REPLY packet in buf (its length). */
uint32_t dist_spawn_request(struct watches *ws, const struct term *ctrl, const uint8_t *args, uint32_t args_len,
                            uint8_t *buf, uint32_t cap);

#endif
