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
    CHECK(!b.test && !b.bench && !b.litmus && !b.diag && b.unknown_count == 0, "empty");
    bootargs_parse(&b, "diag test");
    CHECK(b.diag && b.test && b.unknown_count == 0, "diag");
    bootargs_parse(&b, "soak=120 test=soak");
    CHECK(b.soak_seconds == 120 && b.test && b.unknown_count == 0, "soak=120: %u", b.soak_seconds);
    bootargs_parse(&b, "soak=12x");
    CHECK(b.soak_seconds == 0 && b.unknown_count == 1, "soak=12x accepted");
    bootargs_parse(&b, "soak=0");
    CHECK(b.soak_seconds == 0 && b.unknown_count == 1, "soak=0 accepted");
    bootargs_parse(&b, "bench=million procs=20000");
    CHECK(b.procs == 20000 && b.bench && b.unknown_count == 0, "procs=20000: %u", b.procs);
    bootargs_parse(&b, "procs=0 procs=2000000 procs=12k");
    CHECK(b.procs == 0 && b.unknown_count == 3, "bad procs words are reported: %u", b.unknown_count);
    bootargs_parse(&b, "diag=1");
    CHECK(!b.diag && b.unknown_count == 1, "diag takes no value: diag=1 is reported");
    bootargs_parse(&b, "test semihosting");
    CHECK(b.semihosting && b.test && b.unknown_count == 0, "semihosting");
    bootargs_parse(&b, "diag");
    CHECK(!b.semihosting && b.trace_mode == BOOTARGS_TRACE_OFF, "semihosting and trace only when asked for");
    bootargs_parse(&b, "trace=wrap");
    CHECK(b.trace_mode == BOOTARGS_TRACE_WRAP && b.unknown_count == 0, "trace=wrap");
    bootargs_parse(&b, "trace=stop");
    CHECK(b.trace_mode == BOOTARGS_TRACE_STOP && b.unknown_count == 0, "trace=stop");
    bootargs_parse(&b, "trace=sometimes");
    CHECK(b.trace_mode == BOOTARGS_TRACE_OFF && b.unknown_count == 1, "trace=sometimes is reported");
    bootargs_parse(&b, "trace.demo=ring trace.seconds=3");
    CHECK(!strcmp(b.trace_demo, "ring") && b.trace_seconds == 3 && b.unknown_count == 0, "trace.demo, trace.seconds");
    bootargs_parse(&b, "trace.seconds=0 trace.seconds=2x trace.demo=");
    CHECK(b.trace_seconds == 0 && !b.trace_demo[0] && b.unknown_count == 3, "bad trace words are reported");
}

static void bootargs_network_words(void)
{
    struct bootargs b;
    bootargs_parse(&b, "ip=10.0.2.15/24 gw=10.0.2.2 echo=7777 echo.quit=1000");
    CHECK(b.net_ip == 0x0a00020f && b.net_prefix == 24, "ip %#x/%u", b.net_ip, b.net_prefix);
    CHECK(b.net_gw == 0x0a000202, "gw %#x", b.net_gw);
    CHECK(b.echo_port == 7777 && b.echo_quit == 1000 && !b.net_dhcp_off, "echo %u quit %u", b.echo_port, b.echo_quit);
    CHECK(b.unknown_count == 0, "%u unknown", b.unknown_count);
    bootargs_parse(&b, "ip=192.168.1.200 dhcp=off");
    CHECK(b.net_ip == 0xc0a801c8 && b.net_prefix == 24 && b.net_dhcp_off, "ip %#x/%u", b.net_ip, b.net_prefix);
    /* Malformed: kept as unknown words (the boot log reports them), nothing set. */
    const char *bad[] = {"ip=10.0.2", "ip=10.0.2.256/24", "ip=10.0.2.15/33", "ip=10.0.2.15/", "ip=1.2.3.4.5",
                         "gw=10.0.2.x", "echo=70000", "echo=0", "ip=0.0.0.0", "ip=10.0.2.15/0"};
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bootargs_parse(&b, bad[i]);
        CHECK(b.unknown_count == 1 && !b.net_ip && !b.net_gw && !b.echo_port, "%s accepted", bad[i]);
    }
    uint32_t a;
    CHECK(bootargs_parse_ipv4("255.255.255.255", 15, &a) && a == 0xffffffff, "broadcast");
    CHECK(!bootargs_parse_ipv4("1.2.3.4", 6, &a), "length honoured");
}

static void bootargs_distribution_words(void)
{
    struct bootargs b;
    bootargs_parse(&b, "node=armada@127.0.0.1 cookie=s3cr3t dist.port=4370 epmd=10.0.2.2:14369 dist.ticktime=4 dist.connect=b@127.0.0.1,c@10.0.2.2");
    CHECK(!strcmp(b.node, "armada@127.0.0.1") && !strcmp(b.cookie, "s3cr3t"), "node %s cookie %s", b.node, b.cookie);
    CHECK(b.dist_port == 4370 && b.epmd_addr == 0x0a000202 && b.epmd_port == 14369, "port %u epmd %#x:%u", b.dist_port,
          b.epmd_addr, b.epmd_port);
    CHECK(b.dist_ticktime == 4 && !strcmp(b.dist_connect, "b@127.0.0.1,c@10.0.2.2"), "ticktime %u connect %s", b.dist_ticktime, b.dist_connect);
    CHECK(b.unknown_count == 0, "%u unknown", b.unknown_count);
    bootargs_parse(&b, "epmd=4369");
    CHECK(b.epmd_addr == 0 && b.epmd_port == 4369 && !b.node[0], "epmd port alone: %#x:%u", b.epmd_addr, b.epmd_port);
    const char *bad[] = {"node=armada", "node=@host", "node=armada@", "node=a@b@c", "cookie=", "dist.port=0",
                         "dist.port=65536", "dist.ticktime=0", "dist.ticktime=3601", "dist.connect=", "dist.connect=nohost", "epmd=", "epmd=0", "epmd=10.0.2:4369", "epmd=10.0.2.2:",
                         "node=a1234567890123456789012345678901234567890123456789012345678901234567890@h"};
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bootargs_parse(&b, bad[i]);
        CHECK(b.unknown_count == 1 && !b.node[0] && !b.cookie[0] && !b.dist_port && !b.epmd_port && !b.dist_ticktime && !b.dist_connect[0], "%s accepted", bad[i]);
    }
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
    CHECK(!bootargs_selects("-sync", "sync.rcu_x") && bootargs_selects("-sync", "smp.x"), "-suite leaves out only it");
    CHECK(!bootargs_selects("smp,-smp.y", "smp.y") && bootargs_selects("smp,-smp.y", "smp.x"), "-test inside a suite");
    CHECK(!bootargs_selects("timer,-sync", "smp.x"), "a plain entry still chooses");
    CHECK(bootargs_selects("-syn", "sync.x"), "-partial suite name leaves nothing out");
    CHECK(!bootargs_names("-sync", "sync.x") && !bootargs_names("", "sync.x") && bootargs_names("sync", "sync.x"),
          "names: only plain entries name");
}

int main(void)
{
    RUN(bootargs_test_words);
    RUN(bootargs_network_words);
    RUN(bootargs_distribution_words);
    RUN(bootargs_unknown_words_are_bounded);
    RUN(bootargs_selection_matches_suites_and_names);
    return unit_failed_cases != 0;
}
