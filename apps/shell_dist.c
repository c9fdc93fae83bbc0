/* The shell's distribution commands: nodes (the connected nodes) and dping
 * (net_adm:ping from here). Through dist.h only, as any process would. */
#include <apps/apps.h>
#include <dist/dist.h>
#include <lib/print.h>

static bool distributed(const char *who)
{
    if (!dist_node.name[0]) {
        kprintf("%s: not a distributed node (boot with node=NAME@HOST cookie=C)\n", who);
        return false;
    }
    return true;
}

static void cmd_nodes(int argc, char **argv)
{
    (void)argc, (void)argv;
    static char names[DIST_MAX_NODES][256]; /* the shell is one process */
    if (!distributed("nodes"))
        return;
    uint32_t n = dist_nodes_list(names, DIST_MAX_NODES);
    kprintf("%s (this node), %u connected:\n", dist_node.name, n);
    for (uint32_t i = 0; i < n; i++)
        kprintf("  %s\n", names[i]);
}
SHELL_COMMAND(nodes, "nodes", "the Erlang nodes connected to this one", cmd_nodes);

static void cmd_dping(int argc, char **argv)
{
    if (argc != 2) {
        kprintf("usage: dping NAME@HOST\n");
        return;
    }
    if (distributed("dping"))
        kprintf("%s\n", dist_ping(argv[1], DIST_PING_TIMEOUT_MS) ? "pong" : "pang");
}
SHELL_COMMAND(dping, "dping", "NAME@HOST: net_adm:ping that node", cmd_dping);
