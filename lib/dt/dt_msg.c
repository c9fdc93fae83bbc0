/* Error sentences for the boot log, built without stdio: each is truncated to
 * fit errors[] rather than overflow it. */
#include <string.h>

#include "dt_internal.h"

void dt_msg_begin(struct dt_msg *m)
{
    m->len = 0;
    m->text[0] = '\0';
    dt_msg_str(m, "device tree: ");
}

void dt_msg_strn(struct dt_msg *m, const char *s, size_t n)
{
    size_t room = sizeof(m->text) - 1 - m->len;
    n = strnlen(s, n);
    if (n > room)
        n = room;
    memcpy(m->text + m->len, s, n);
    m->len += n;
    m->text[m->len] = '\0';
}

void dt_msg_str(struct dt_msg *m, const char *s)
{
    dt_msg_strn(m, s, sizeof(m->text));
}

/* The node's name ("cpu@2"); libfdt has already checked it ends inside the blob. */
void dt_msg_node(struct dt_msg *m, const void *fdt, int node)
{
    int len;
    const char *name = fdt_get_name(fdt, node, &len);

    if (!name || len < 0)
        dt_msg_str(m, "(unreadable node)");
    else if (len == 0)
        dt_msg_str(m, "/");
    else
        dt_msg_strn(m, name, (size_t)len);
}

void dt_msg_hex(struct dt_msg *m, uint64_t v)
{
    char buf[19];
    int i = sizeof(buf);

    do {
        buf[--i] = "0123456789abcdef"[v & 0xf];
        v >>= 4;
    } while (v);
    buf[--i] = 'x';
    buf[--i] = '0';
    dt_msg_strn(m, buf + i, sizeof(buf) - (size_t)i);
}

void dt_msg_dec(struct dt_msg *m, uint64_t v)
{
    char buf[20];
    int i = sizeof(buf);

    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    dt_msg_strn(m, buf + i, sizeof(buf) - (size_t)i);
}

/* libfdt's own names ("FDT_ERR_BADSTRUCTURE") are what its documentation uses. */
void dt_msg_fdt_err(struct dt_msg *m, int err)
{
    dt_msg_str(m, fdt_strerror(err));
}

/* Remember the sentence; when full, the last slot says that some were dropped
 * (a count in errors_dropped), so error_count never exceeds the array. */
void dt_report(struct platform *p, const struct dt_msg *m)
{
    if (p->error_count < PLATFORM_MAX_ERRORS) {
        memcpy(p->errors[p->error_count++], m->text, sizeof(m->text));
        return;
    }
    p->errors_dropped++;
    dt_copy_string(p->errors[PLATFORM_MAX_ERRORS - 1], sizeof(p->errors[0]),
                   "device tree: more problems than fit in errors[]; later ones dropped",
                   sizeof(p->errors[0]));
}

void dt_error(struct platform *p, const char *sentence)
{
    struct dt_msg m;
    dt_msg_begin(&m);
    dt_msg_str(&m, sentence);
    dt_report(p, &m);
}
