#!/usr/bin/env bash
# Every layer calls only downward (docs/design.md). Reads the symbols of every
# image object (nm), finds the file that defines each one, and fails, naming
# both ends, when a file calls or reads a symbol defined in a layer above its
# own. The order is tools/layers.txt. Symbols no object defines (libgcc,
# libfdt, the linker script's) are not a layer's and are not checked.
# Usage: tools/check-layers.sh [OBJ_DIR]   (default build/obj; `make` first)
set -uo pipefail
cd "$(dirname "$0")/.."
obj=${1:-build/obj}
nm=${CROSS:-aarch64-linux-gnu-}nm
table=tools/layers.txt
if [ ! -d "$obj" ]; then
    echo "FAIL layers: no objects under $obj (run make first)"
    exit 1
fi
# Only objects whose source is still in the tree: a deleted file's stale
# object is not linked (the Makefile takes the sources it finds).
objs=$(find "$obj" -name '*.o' | sort | while read -r o; do
    src=${o#"$obj"/}
    src=${src%.o}
    if [ -e "$src.c" ] || [ -e "$src.S" ]; then echo "$o"; fi
done)
if [ -z "$objs" ]; then
    echo "FAIL layers: no objects under $obj"
    exit 1
fi
# One line per symbol: FILE D|U SYMBOL (FILE is the source path, as in the tree).
syms=$(for o in $objs; do
    src=${o#"$obj"/}
    src=${src%.o}
    "$nm" --defined-only -g "$o" | awk -v f="$src" 'NF == 3 {print f, "D", $3}'
    "$nm" --undefined-only "$o" | awk -v f="$src" '{print f, "U", $NF}'
done)
report=$(awk '
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
    { file = $1; kind = $2; sym = $3 }
    kind == "D" { if (!(sym in def)) def[sym] = file; next }
    { use[++u] = file " " sym }
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
                printf "upward %s (%s) uses %s, defined in %s (%s)\n", f, lf, s, def[s], ld
                bad++
            }
        }
        exit bad ? 1 : 0
    }' "$table" - <<< "$syms")
rc=$?
if [ $rc = 0 ]; then
    echo "PASS layers: $(wc -l <<< "$objs") objects, every symbol they use is defined in their own layer or below"
else
    grep '^unmapped' <<< "$report" | sort -u | sed 's/^unmapped /FAIL layers: no layer in tools\/layers.txt for /'
    grep '^upward' <<< "$report" | sort | sed 's/^upward /FAIL layers: /'
fi
exit $rc
