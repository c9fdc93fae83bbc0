/* Reports of the distribution tests (dist_report.h). */
#include <tests/image/dist_report.h>

void dist_report_begin(struct term_buf *b, uint8_t *out, uint32_t cap)
{
    term_begin(b, out + sizeof(struct dist_msg), cap - sizeof(struct dist_msg));
}

bool dist_report_send(pid_t to, uint8_t *out, struct term_buf *b)
{
    long n = term_end(b);
    struct dist_msg *m = (struct dist_msg *)out;
    if (n <= 0)
        return false;
    m->type = DIST_MSG_TERM;
    m->len = (uint32_t)n;
    return send(to, m, (uint32_t)sizeof *m + m->len) == 0;
}
