/* dtb-cut IN OUT NODE: write IN with its structure block cut off where NODE
 * begins (no FDT_END, nodes left open), the strings block kept after the cut
 * and the header made consistent: a truncated blob for the boot tests. */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: dtb-cut IN OUT /node/path\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    static char in[1 << 20], out[1 << 20];
    size_t n = f ? fread(in, 1, sizeof in, f) : 0;
    if (!f || fdt_check_header(in) || n < fdt_totalsize(in)) {
        fprintf(stderr, "dtb-cut: %s is not a complete device tree\n", argv[1]);
        return 1;
    }
    fclose(f);
    int node = fdt_path_offset(in, argv[3]);
    if (node < 0) {
        fprintf(stderr, "dtb-cut: %s: no node %s\n", argv[1], argv[3]);
        return 1;
    }
    uint32_t off_struct = fdt_off_dt_struct(in), strings = fdt_size_dt_strings(in);
    memcpy(out, in, off_struct + node);
    memcpy(out + off_struct + node, in + fdt_off_dt_strings(in), strings);
    fdt_set_size_dt_struct(out, node);
    fdt_set_off_dt_strings(out, off_struct + node);
    fdt_set_totalsize(out, off_struct + node + strings);
    f = fopen(argv[2], "wb");
    if (!f || fwrite(out, 1, fdt_totalsize(out), f) != fdt_totalsize(out)) {
        fprintf(stderr, "dtb-cut: cannot write %s\n", argv[2]);
        return 1;
    }
    return fclose(f) ? 1 : 0;
}
