#!/usr/bin/env bash
# The checker (build/litmus/litmus-model) in `make test`, from host-check.sh:
#  - its ARMv8 and x86-TSO verdicts equal the ones typed in litmus-tests.def
#    (the literature's, a second opinion) and catalogue.def's published ones;
#  - each clause of each model is needed: judged without it (--drop), some
#    verdict must change, so a model missing a relation cannot pass;
#  - the reasons it prints are the known ones for two classic shapes, and
#    tools/litmus-graphs.sh draws them (Graphviz dot).
# PASS/FAIL lines; exit 1 on any FAIL.
set -uo pipefail
cd "$(dirname "$0")/../.."
make --no-print-directory -s litmus-model-bin || { echo "FAIL litmus-model-build: make litmus-model-bin failed"; exit 1; }
model=build/litmus/litmus-model
bad=0
timeout 60 $model --check || bad=1

# aob:rmw (a SWP's read before its write) changes no verdict in this
# language: every ob edge into a SWP's read is an rfe from a write that is
# also coe before the SWP's write (atomicity), or comes from a po-earlier
# event whose barrier or dependency orders the SWP's write as well. It stays,
# as in aarch64.cat, and is the one clause this test lets go unneeded.
not_needed_here="aob:rmw"
clauses=$($model --clauses | awk '{ print $2 }' | sort -u)
unneeded=""
for c in $clauses; do
    [ "$c" = "$not_needed_here" ] && continue
    timeout 60 $model --check --drop "$c" > /dev/null && unneeded="$unneeded $c"
done
if [ -z "$unneeded" ]; then
    echo "PASS litmus-model-every-clause-needed: without any one of the $(($(echo $clauses | wc -w) - 1)) clauses (all but $not_needed_here) some verdict changes"
else
    echo "FAIL litmus-model-every-clause-needed: no verdict changes without:$unneeded (add a catalogue.def shape that needs it)"
    bad=1
fi

# The cycle that forbids MP.wmb+addr on ARMv8 (po ; rfe ; dob ; fre in the
# literature: here the writer's po is a DMB ISHST, bob), and SB's TSO witness.
want="litmus-verdict MP.wmb+addr arm=forbid x86=forbid listed-arm=forbid listed-x86=forbid arm-cycle=bob;rfe;dob;fre x86-cycle=ppo;rfe;ppo;fr"
got=$($model --verdicts MP.wmb+addr)
if [ "$got" = "$want" ]; then
    echo "PASS litmus-model-cycle: MP.wmb+addr is forbidden on ARMv8 by bob ; rfe ; dob ; fre"
else
    echo "FAIL litmus-model-cycle: MP.wmb+addr: got '$got', want '$want'"
    bad=1
fi
got=$($model SB.plain | grep -A1 'x86-TSO  allows' | tail -n 1)
want="    witness: [b:T0 R y=0 reads from init y=0] [d:T1 R x=0 reads from init x=0]"
if [ "$got" = "$want" ]; then
    echo "PASS litmus-model-witness: SB.plain's TSO witness reads both initial values"
else
    echo "FAIL litmus-model-witness: SB.plain: got '$got', want '$want'"
    bad=1
fi

# Bad input gets a clear error: tests with a dependency on a register that no
# load wrote, and an outcome no execution can have, are refused by name.
mkdir -p build/test-logs
bad_bin=build/litmus/litmus-model-bad-input
if gcc -std=gnu11 -O2 -Wall -Wextra -Werror -DLITMUS_MODEL_BAD_INPUT -I. -o "$bad_bin" \
    tests/litmus/model/*.c lib/bootargs.c 2> build/test-logs/litmus-model-bad-input.log; then
    out=$(timeout 60 "$bad_bin" --check)
    rc=$?
    if [ $rc = 1 ] &&
        grep -q '^FAIL litmus-model/bad.dep: ARMv8: thread 1: a dependency on r2, which no earlier load of that thread writes$' <<< "$out" &&
        grep -q '^FAIL litmus-model/bad.value: ARMv8: no candidate execution has the outcome at all: check its values$' <<< "$out"; then
        echo "PASS litmus-model-bad-input: a dependency on an unwritten register and an impossible outcome are refused by name"
    else
        echo "FAIL litmus-model-bad-input: exit $rc, output: $(tr '\n' '|' <<< "$out")"
        bad=1
    fi
else
    echo "FAIL litmus-model-bad-input: the build failed (log: build/test-logs/litmus-model-bad-input.log)"
    bad=1
fi

graphs=build/test-logs/litmus-graphs
rm -rf "$graphs"
if bash tools/litmus-graphs.sh --tests MP.wmb+addr,SB.plain --out "$graphs" 2> "$graphs.log" &&
    grep -q 'dob:addr' "$graphs/MP.wmb+addr.arm.svg" && grep -q 'allowed (a witness)' "$graphs/SB.plain.x86.svg" &&
    [ "$(ls "$graphs"/*.svg | wc -l)" = 4 ]; then
    echo "PASS litmus-graphs: MP.wmb+addr's forbidding cycle and SB's witness drawn, 4 SVGs"
else
    echo "FAIL litmus-graphs: tools/litmus-graphs.sh did not draw the 4 graphs (log: $graphs.log)"
    bad=1
fi
exit $bad
