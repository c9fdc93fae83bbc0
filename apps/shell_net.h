/* The shell's network commands (apps/shell_net.c). */
#ifndef ARMADA_APPS_SHELL_NET_H
#define ARMADA_APPS_SHELL_NET_H

void cmd_net(int argc, char **argv);  /* net: interface, address, counters */
void cmd_ping(int argc, char **argv); /* ping <ip> [count] */
void cmd_nc(int argc, char **argv);   /* nc <ip> <port> [bytes]: a connection out, echoed back */

#endif
