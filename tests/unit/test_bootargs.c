/* lib/bootargs.c: the boot-argument words of the test interface (docs/design.md). */
#include <lib/bootargs.h>
#include <string.h>

#include "unit.h"

static void bootargs_test_words(void)
{
    struct bootargs b;
    bootargs_parse(&b, "  test  ");
    CHECK(b.test && b.test_list[0] == 0, "plain test selects all");
    bootargs_parse(&b, "console=ttyAMA0 test=smp,timer.cancel iters=1000000 sched=global");
    CHECK(b.test && !strcmp(b.test_list, "smp,timer.cancel"), "list \"%s\"", b.test_list);
    CHECK(b.iters == 1000000, "iters %lu", (unsigned long)b.iters);
    CHECK(b.sched_global, "sched=global");
    CHECK(b.unknown_count == 1 && !strcmp(b.unknown[0], "console=ttyAMA0"), "unknown kept: %u", b.unknown_count);
    bootargs_parse(&b, "litmus=MP,SB\titers=0x10\nbench");
    CHECK(b.litmus && !strcmp(b.litmus_list, "MP,SB") && b.iters == 16 && b.bench && !b.test, "litmus/bench");
    bootargs_parse(&b, "");
    CHECK(!b.test && !b.bench && !b.litmus && b.unknown_count == 0, "empty");
}

static void bootargs_unknown_words_are_bounded(void)
{
    struct bootargs b;
    char line[2048] = "";
    for (int i = 0; i < 20; i++)
        strcat(line, "a-very-long-unknown-word-that-will-not-fit-in-one-slot ");
    bootargs_parse(&b, line);
    CHECK(b.unknown_count == BOOTARGS_MAX_UNKNOWN, "kept %u", b.unknown_count);
    CHECK(strlen(b.unknown[0]) == sizeof b.unknown[0] - 1, "truncated to the slot");
}

static void bootargs_selection_matches_suites_and_names(void)
{
    CHECK(bootargs_selects("", "smp.sgi_every_pair"), "empty selects all");
    CHECK(bootargs_selects("smp", "smp.sgi_every_pair"), "suite prefix");
    CHECK(bootargs_selects("timer,smp.sgi_every_pair", "smp.sgi_every_pair"), "full name");
    CHECK(!bootargs_selects("sm", "smp.sgi_every_pair"), "partial suite name must not match");
    CHECK(!bootargs_selects("smp.sgi", "smp.sgi_every_pair"), "partial test name must not match");
    CHECK(!bootargs_selects("timer", "smp.x"), "other suite");
    CHECK(bootargs_selects(",,smp", "smp.x"), "empty entries skipped");
}

int main(void)
{
    RUN(bootargs_test_words);
    RUN(bootargs_unknown_words_are_bounded);
    RUN(bootargs_selection_matches_suites_and_names);
    return unit_failed_cases != 0;
}
