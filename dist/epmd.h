/* The client of epmd, Erlang's port mapper: one per host, on TCP port 4369
 * unless ERL_EPMD_PORT says otherwise. A node registers its short name and
 * its distribution port (ALIVE2), and stays registered while that connection
 * stays open; others look the port up by name (PORT_PLEASE2). */
#ifndef ARMADA_DIST_EPMD_H
#define ARMADA_DIST_EPMD_H

#include <dist/stream.h>
#include <stdint.h>

#define EPMD_PORT_DEFAULT 4369
#define EPMD_TIMEOUT_MS 3000
#define DIST_VERSION 6 /* the handshake of OTP 23 and later */

enum epmd_error {
    EPMD_ERR_UNREACHABLE = -1, /* no TCP connection to epmd */
    EPMD_ERR_NO_ANSWER = -2,   /* connected, but no (whole) answer in time */
    EPMD_ERR_REFUSED = -3,     /* epmd said no: the name is taken, or unknown */
    EPMD_ERR_PROTOCOL = -4,    /* an answer epmd does not give */
};
const char *epmd_strerror(int error);

/* Register `alive` (the name before '@') at `port`. On success the returned
 * connection must stay open for as long as the node lives, read through *s;
 * *creation is the node's creation (ALIVE2_X_RESP). Or < 0: enum epmd_error. */
int epmd_register(struct dist_stream *s, uint32_t addr, uint16_t epmd_port, const char *alive, uint16_t port,
                  uint32_t *creation);
/* The distribution port of `alive` on that host's epmd, or < 0. */
int epmd_port_please(struct dist_stream *s, uint32_t addr, uint16_t epmd_port, const char *alive);

#endif
