# net: early-boot networking (DHCPv4 client, ip= parsing, rtnetlink).
LIBS += net
net_SRCS := net/runconf.c net/config.c net/dhcp_packet.c net/dhcp_child.c net/dhcp_client.c \
	net/rtnl.c net/net.c net/hook.c
net_PKGS := libmnl

UNIT_TESTS += test_net_dhcp
test_net_dhcp_SRCS := tests/unit/test_net_dhcp.c tests/unit/test_net_frames.c
test_net_dhcp_LIBS := net common
test_net_dhcp_PKGS := cmocka


UNIT_TESTS += test_net_child
test_net_child_SRCS := tests/unit/test_net_child.c
# (init: child_watch() and child_reap(), the reaper PID 1 gives net.)
test_net_child_LIBS := net init common
test_net_child_PKGS := cmocka

UNIT_TESTS += test_net_config
test_net_config_SRCS := tests/unit/test_net_config.c
test_net_config_LIBS := net common
test_net_config_PKGS := cmocka

# Parsers of untrusted input; seeds in tests/fuzz/corpus/<name>/. Sources, not
# libnet: the libFuzzer build links every source of a library it names.
FUZZ_TARGETS += fuzz_dhcp
fuzz_dhcp_SRCS := tests/fuzz/fuzz_dhcp.c net/dhcp_packet.c
fuzz_dhcp_LIBS := common

FUZZ_TARGETS += fuzz_ipconf
fuzz_ipconf_SRCS := tests/fuzz/fuzz_ipconf.c net/config.c net/dhcp_packet.c
fuzz_ipconf_LIBS := common

# `make net-corpus` regenerates fuzz_dhcp's seed corpus (checked in).
NET_CORPUS_GEN := $(B)/fuzz/fuzz_dhcp_corpus_gen
$(NET_CORPUS_GEN): tests/fuzz/fuzz_dhcp_corpus_gen.c \
		tests/unit/test_net_frames.c net/dhcp_packet.c common/fileio.c \
		common/log.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -std=gnu11 $(WARN) $(CFLAGS) -o $@ $^
.PHONY: net-corpus
net-corpus: $(NET_CORPUS_GEN)
	$(NET_CORPUS_GEN) tests/fuzz/corpus/fuzz_dhcp

# netprobe: net on the host (in a namespace) for the integration test and bench.
PROGS += netprobe
netprobe_SRCS := net/netprobe.c
netprobe_LIBS := net common

# End to end against dnsmasq in network namespaces it creates (root; CI is).
UNIT_TESTS += test_net_netns
test_net_netns_SRCS := tests/unit/test_net_netns.c tests/unit/test_net_frames.c
test_net_netns_LIBS := net common
test_net_netns_PKGS := cmocka

# The hook into /init (init/hooks.h): net/hook.c.
INIT_HOOKS += net_hook
INIT_HOOK_LIBS += net

UNIT_TESTS += test_net_runconf
test_net_runconf_SRCS := tests/unit/test_net_runconf.c
test_net_runconf_LIBS := net common
test_net_runconf_PKGS := cmocka
