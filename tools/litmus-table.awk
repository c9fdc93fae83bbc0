# build/litmus.csv -> the litmus table, as aligned text (md=0) or Markdown (md=1).
# Used by tools/litmus-report.sh.
function seen(count, iters, where) {
    if (count == "skipped") return "skipped (too few cores)"
    return count " / " iters (where != "" ? " (" where ")" : "")
}
function cycle(c) { gsub(/;/, " ; ", c); return c }   # the checker's "bob;rfe;bob;fre"
NR == 1 { next }
{
    n++
    row[n, 1] = $1; row[n, 2] = $2; row[n, 3] = $3
    row[n, 4] = $4 (($4 == "no" && $12 != "-" && $12 != "") ? " (" cycle($12) ")" : "")
    row[n, 5] = $5 (($5 == "no" && $13 != "-" && $13 != "") ? " (" cycle($13) ")" : "")
    row[n, 6] = seen($6, $7, $8); row[n, 7] = seen($9, $10, ""); row[n, 8] = $11
}
END {
    split("test|variant|relaxed outcome|ARMv8 allows|x86-TSO allows|seen on ARM|seen on x86 host|note", head, "|")
    cols = 8
    for (c = 1; c <= cols; c++) { w[c] = length(head[c]); row[0, c] = head[c] }
    for (r = 1; r <= n; r++) for (c = 1; c <= cols; c++) if (length(row[r, c]) > w[c]) w[c] = length(row[r, c])
    for (r = 0; r <= n; r++) {
        line = md ? "|" : ""
        for (c = 1; c <= cols; c++) {
            cell = row[r, c]
            if (md) line = line " " cell " |"
            else line = line (c < cols ? sprintf("%-" w[c] "s  ", cell) : cell)
        }
        print line
        if (r == 0) {
            line = md ? "|" : ""
            for (c = 1; c <= cols; c++) {
                dash = sprintf("%" (md ? 3 : w[c]) "s", ""); gsub(/ /, "-", dash)
                line = line (md ? dash "|" : dash (c < cols ? "  " : ""))
            }
            print line
        }
    }
}
