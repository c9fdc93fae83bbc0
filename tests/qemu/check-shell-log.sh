#!/usr/bin/env bash
# What the shell printed in run NAME (tests/qemu/matrix-sched.sh types the
# commands), beyond the lines qemu-run.sh --expect finds:
#   stats      a header, then one row per core, in order, of 12 numbers
#              (idle% at most 100), with switches and sends seen somewhere;
#   trace 1 5  exactly 5 events of cpu1, each a named kind, times in order;
#   ps         the process count up by 33 after `spawn ring` (32) and
#              `spawn ticker`, down by 1 after `kill ticker`, whose second
#              try finds no process of that name.
# Prints one PASS or FAIL line: NAME-output.
#   check-shell-log.sh NAME CORES
set -uo pipefail
name=$1 cores=$2
log=build/test-logs/$name.log
fail() { echo "FAIL $name-output: $* (log: $log)"; exit 1; }
[ -f "$log" ] || fail "no log"
out=$(tr -d '\r' < "$log")

header='^cpu +switches +reductions +preempts +steals +migrated +spawns +exits +sends +dropped +ipi-wake +ipi-in +idle%$'
stats=$(printf '%s\n' "$out" | grep -A "$cores" -E "$header" | head -n $((cores + 1)))
[ -n "$stats" ] || fail "no stats header"
verdict=$(printf '%s\n' "$stats" | tail -n +2 | awk -v n="$cores" '
    function bad(why) { print why; failed = 1; exit }
    { if (NF != 13 || $1 != NR - 1) bad("row " NR ": " $0)
      for (i = 2; i <= 13; i++) if ($i !~ /^[0-9]+$/) bad("row " NR ", column " i ": " $i)
      if ($13 > 100) bad("idle " $13 "% on cpu" $1)
      switches += $2; sends += $9 }
    END { if (failed) exit
          if (NR != n) print NR " row(s) for " n " cores"
          else if (!switches || !sends) print "no switches or no sends counted anywhere" }')
[ -z "$verdict" ] || fail "stats: $verdict"

trace=$(printf '%s\n' "$out" | grep -A 5 -E '^trace of cpu1, last 5 event\(s\):$' | tail -n +2)
[ -n "$trace" ] || fail "no 'trace of cpu1, last 5 event(s):'"
verdict=$(printf '%s\n' "$trace" | awk '
    function bad(why) { print why; failed = 1; exit }
    $0 !~ /^ +[0-9]+ us  [a-z-]+ +(idle|<[0-9]+\.[0-9]+>) +[0-9]+$/ { bad("event " NR ": " $0) }
    { if (NR > 1 && $1 < last) bad("time goes back at event " NR); last = $1 }
    END { if (!failed && NR != 5) print NR " event(s), expected 5" }')
[ -z "$verdict" ] || fail "trace: $verdict"

counts=($(printf '%s\n' "$out" | sed -nE 's/^([0-9]+) process\(es\)$/\1/p'))
[ ${#counts[@]} = 3 ] || fail "${#counts[@]} ps count(s), expected 3"
[ $((counts[1] - counts[0])) = 33 ] || fail "ps: ${counts[0]} then ${counts[1]} processes after spawn ring, spawn ticker (expected +33)"
[ $((counts[2] - counts[1])) = -1 ] || fail "ps: ${counts[1]} then ${counts[2]} processes after kill ticker (expected -1)"
grep -qE '^spawned ring as <[0-9]+\.[0-9]+>$' <<< "$out" || fail "no 'spawned ring as <pid>'"
grep -qE '^spawned ticker as <[0-9]+\.[0-9]+>$' <<< "$out" || fail "no 'spawned ticker as <pid>'"
grep -qE '^kill: no such process: ticker$' <<< "$out" || fail "the killed ticker's name still answers"
[ "$(printf '%s\n' "$out" | grep -cE '^killed <[0-9]+\.[0-9]+>$')" = 2 ] || fail "not 2 'killed <pid>' lines (spinner, ticker)"
echo "PASS $name-output: stats rows for $cores cores, 5 named trace events, ps counts ${counts[*]}"
