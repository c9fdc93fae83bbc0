/* Distribution capability flags (Erlang/OTP's distribution protocol,
 * "Distribution Flags"): the handshake exchanges them, the intersection is
 * what a connection uses. */
#ifndef ARMADA_DIST_FLAGS_H
#define ARMADA_DIST_FLAGS_H

#define DFLAG_PUBLISHED 0x1ull
#define DFLAG_EXTENDED_REFERENCES 0x4ull
#define DFLAG_DIST_MONITOR 0x8ull
#define DFLAG_FUN_TAGS 0x10ull
#define DFLAG_DIST_MONITOR_NAME 0x20ull
#define DFLAG_NEW_FUN_TAGS 0x80ull
#define DFLAG_EXTENDED_PIDS_PORTS 0x100ull
#define DFLAG_EXPORT_PTR_TAG 0x200ull
#define DFLAG_BIT_BINARIES 0x400ull
#define DFLAG_NEW_FLOATS 0x800ull
#define DFLAG_UTF8_ATOMS 0x10000ull
#define DFLAG_MAP_TAG 0x20000ull
#define DFLAG_BIG_CREATION 0x40000ull
#define DFLAG_SEND_SENDER 0x80000ull
#define DFLAG_HANDSHAKE_23 0x1000000ull
#define DFLAG_UNLINK_ID 0x2000000ull
#define DFLAG_SPAWN (1ull << 32)
#define DFLAG_V4_NC (1ull << 34)
#define DFLAG_MANDATORY_25_DIGEST (1ull << 36)

/* What OTP 25 refuses a connection without, either way. */
#define DFLAGS_MANDATORY_25                                                                               \
    (DFLAG_EXTENDED_REFERENCES | DFLAG_FUN_TAGS | DFLAG_NEW_FUN_TAGS | DFLAG_EXTENDED_PIDS_PORTS |       \
     DFLAG_EXPORT_PTR_TAG | DFLAG_BIT_BINARIES | DFLAG_NEW_FLOATS | DFLAG_UTF8_ATOMS | DFLAG_MAP_TAG |   \
     DFLAG_BIG_CREATION | DFLAG_HANDSHAKE_23)

/* Ours: a visible node, the mandatory set (funs other than M:F/A arrive as
 * terms lib/term refuses: such a message is dropped, said so), monitors,
 * the new link protocol, full 32-bit pid fields (V4_NC: Armada's pids carry
 * a 32-bit generation), SPAWN_REQUEST (dist/spawn.c), SEND_SENDER (a message
 * from a remote process names it: info.from is its remote pid). No atom
 * cache, no fragments. */
#define DFLAGS_ARMADA                                                                                     \
    (DFLAGS_MANDATORY_25 | DFLAG_MANDATORY_25_DIGEST | DFLAG_PUBLISHED | DFLAG_DIST_MONITOR |            \
     DFLAG_DIST_MONITOR_NAME | DFLAG_UNLINK_ID | DFLAG_V4_NC | DFLAG_SPAWN | DFLAG_SEND_SENDER)

#endif
