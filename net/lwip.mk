# lwIP 2.1.3 from Debian's source package, unpacked under .deps/lwip by
# tools/fetch-lwip.sh (apt-get source), never copied into the repository.
# Included by the top Makefile. The file list is written out here, not
# found by wildcard: on a fresh machine nothing is unpacked while make reads
# this file, and the list must not depend on it.
LWIP_DIR := $(DEPS)/lwip
LWIP_SRC := $(LWIP_DIR)/src
LWIP_STAMP := $(LWIP_DIR)/src/core/tcp.c
LWIP_FILES := core/init.c core/def.c core/inet_chksum.c core/ip.c core/mem.c core/memp.c \
              core/netif.c core/pbuf.c core/raw.c core/stats.c core/sys.c core/tcp.c \
              core/tcp_in.c core/tcp_out.c core/timeouts.c core/udp.c \
              core/ipv4/dhcp.c core/ipv4/etharp.c core/ipv4/icmp.c core/ipv4/ip4.c \
              core/ipv4/ip4_addr.c core/ipv4/ip4_frag.c netif/ethernet.c
LWIP_OBJS := $(LWIP_FILES:%.c=$(BUILD)/obj/lwip/%.o)
LWIP_CFLAGS := -Inet/include -I$(LWIP_SRC)/include

$(LWIP_STAMP): | $(SETUP_STAMP)
	@bash tools/fetch-lwip.sh $(LWIP_DIR)

# Every file of the list comes with the package (the recipe above).
$(addprefix $(LWIP_SRC)/,$(filter-out core/tcp.c,$(LWIP_FILES))): | $(LWIP_STAMP) ;

# Third-party code: the image's flags, less the warnings lwIP does not keep.
$(BUILD)/obj/lwip/%.o: $(LWIP_SRC)/%.c | $(LIBFDT_A)
	@mkdir -p $(dir $@)
	@echo "  CC      lwip/$*.c"
	@$(CC) $(CFLAGS) $(LWIP_CFLAGS) -Wno-unused-parameter -Wno-sign-compare -Wno-type-limits \
		-isystem $(GCC_INCLUDE) -c $< -o $@
