#!/usr/bin/env bash
# Every layer calls only downward (docs/design.md). Reads the symbols of every
# image object (nm), finds the file that defines each one, and fails, naming
# both ends, when a file calls or reads a symbol defined in a layer above its
# own. The order is declared once, in tools/layers.txt. Symbols no object
# defines (libgcc, libfdt, the linker script's) belong to no layer and are
# not checked. Registrations the linker gathers (BOOT_ENTRY, RUN_MODE,
# SHELL_COMMAND, IMAGE_TEST) name no symbol, so they pass: that is the point.
# First a self-test: two made-up objects, one calling up, must be caught.
# Usage: tools/check-layers.sh [OBJ_DIR...]   (default build/obj; `make` first)
set -uo pipefail
cd "$(dirname "$0")/.."
nm=${CROSS:-aarch64-linux-gnu-}nm
cc=${CROSS:-aarch64-linux-gnu-}gcc
table=tools/layers.txt

# check OBJ_DIR SRC_ROOT: print one line per violation; exit 1 if any.
check() {
    local obj=$1 root=$2
    # Only objects whose source is still there: a deleted file's stale object
    # is not linked (the Makefile takes the sources it finds). The source is
    # the first prerequisite in the object's .d file (third-party code, such
    # as lwIP's under .deps/, is built from outside the tree), else the same
    # path with .c or .S.
    local objs
    objs=$(find "$obj" -name '*.o' | sort | while read -r o; do
        src=${o#"$obj"/}
        src=${src%.o}
        dep=
        [ -f "${o%.o}.d" ] && dep=$(sed -n '1{s/^[^:]*: *//; s/[ \\].*//; p}' "${o%.o}.d")
        if { [ -n "$dep" ] && [ -e "$root/$dep" ]; } || [ -e "$root/$src.c" ] || [ -e "$root/$src.S" ]; then
            echo "$o"
        fi
    done)
    if [ -z "$objs" ]; then
        echo "no objects under $obj"
        return 1
    fi
    echo "objects $(wc -l <<< "$objs")"
    # One line per symbol: FILE D|U SYMBOL (FILE: the source path, without
    # .c/.S). Two nm runs over all objects (-A names each line's object):
    # one per object took most of a minute.
    # shellcheck disable=SC2086
    {
        "$nm" -A --defined-only -g $objs | awk 'NF == 3 {print $1, "D", $3}'
        "$nm" -A --undefined-only $objs | awk '{print $1, "U", $NF}'
    } | sed -E "s#^$obj/##; s#\.o:[^ ]* # #" | awk '
        FNR == NR {            # the table: rank by line order, prefix -> layer
            if ($0 ~ /^[ \t]*(#|$)/) next
            rank[$1] = ++n
            for (i = 2; i <= NF; i++) prefix[$i] = $1
            next
        }
        function layer_of(f,   best, p) {
            best = ""
            for (p in prefix)
                if (index(f, p "/") == 1 && length(p) > length(best)) best = p
            return best == "" ? "" : prefix[best]
        }
        $2 == "D" { if (!($3 in def)) def[$3] = $1; next }
        { use[++u] = $1 " " $3 }
        END {
            bad = 0
            for (i = 1; i <= u; i++) {
                split(use[i], a, " ")
                f = a[1]; s = a[2]
                if (!(s in def)) continue
                lf = layer_of(f); ld = layer_of(def[s])
                if (lf == "") { print "unmapped " f; bad++; continue }
                if (ld == "") { print "unmapped " def[s]; bad++; continue }
                if (rank[ld] > rank[lf]) {
                    printf "upward %s (%s) uses %s, defined in %s (%s) above it\n", f, lf, s, def[s], ld
                    bad++
                }
            }
            exit bad ? 1 : 0
        }' "$table" -
}

failed=0

# The self-test: lib/ (the bottom) calling sched/ must be named, both ends;
# sched/ calling lib/ must not.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/lib" "$tmp/sched" "$tmp/obj/lib" "$tmp/obj/sched"
echo 'int selftest_low(void) { return 1; } int selftest_high(void); int selftest_up(void) { return selftest_high(); }' > "$tmp/lib/low.c"
echo 'int selftest_low(void); int selftest_high(void) { return selftest_low(); }' > "$tmp/sched/high.c"
if "$cc" -c -o "$tmp/obj/lib/low.o" "$tmp/lib/low.c" && "$cc" -c -o "$tmp/obj/sched/high.o" "$tmp/sched/high.c"; then
    out=$(check "$tmp/obj" "$tmp")
    want='upward lib/low (lib) uses selftest_high, defined in sched/high (sched) above it'
    if [ "$(grep -c '^upward' <<< "$out")" = 1 ] && grep -qxF "$want" <<< "$out"; then
        echo "PASS layers-selftest: an upward call (lib -> sched) is caught and named, a downward one is not"
    else
        echo "FAIL layers-selftest: expected exactly: $want; got:"
        printf '%s\n' "$out"
        failed=1
    fi
else
    echo "FAIL layers-selftest: cannot compile the self-test objects with $cc"
    failed=1
fi

[ $# -gt 0 ] || set -- build/obj
for obj in "$@"; do
    if [ ! -d "$obj" ]; then
        echo "FAIL layers: no objects under $obj (run make first)"
        failed=1
        continue
    fi
    out=$(check "$obj" .)
    rc=$?
    if [ $rc = 0 ]; then
        echo "PASS layers: $obj: $(sed -n 's/^objects //p' <<< "$out") objects; each uses only symbols of its own layer or those below (tools/layers.txt)"
    else
        grep '^unmapped' <<< "$out" | sort -u | sed "s|^unmapped |FAIL layers: $obj: no layer in tools/layers.txt for |"
        grep '^upward' <<< "$out" | sort | sed "s|^upward |FAIL layers: $obj: |"
        grep '^no objects' <<< "$out" | sed 's/^/FAIL layers: /'
        failed=1
    fi
done
exit $failed
