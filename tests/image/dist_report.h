/* The distribution tests' reports to their BEAM peer (tests/image/dist_*.c). */
#ifndef ARMADA_TESTS_IMAGE_DIST_REPORT_H
#define ARMADA_TESTS_IMAGE_DIST_REPORT_H
#include <dist/dist.h>

/* Begin a report's term in out, after room for its struct dist_msg header. */
void dist_report_begin(struct term_buf *b, uint8_t *out, uint32_t cap);
/* The term b holds (begun by dist_report_begin on out) to `to`, as a term
 * message; false if it did not fit, or the send was refused. */
bool dist_report_send(pid_t to, uint8_t *out, struct term_buf *b);

#endif
