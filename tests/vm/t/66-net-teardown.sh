#!/bin/bash
# After switch_root nothing of the initramfs's network is left: the real
# root's init finds no address, route or link up but lo's, and dnsmasq saw
# the release, and no /run/net-IFACE.conf claims the interface is configured
# (the real system's ifupdown would leave it alone). With rd.neednet=1 the
# lease, its routes, the link and those files stay.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-net.sh
. "$(dirname "$0")/../lib-net.sh"

net_image
net_root_disk root
net_ns ns
net_tap "$ns" tap0 192.0.2.1/24
net_dnsmasq "$ns" tap0 --dhcp-range=192.0.2.50,192.0.2.59,255.255.255.0,10m
mac=$(net_mac 0)

say "== boot 1: ip=dhcp, torn down at the handoff"
net_nic_tap "$ns" tap0
net_vm_boot net --disk root --timeout 60 \
	--type '[/~] # ' "$NET_WAIT_ROUTE" \
	-- "root=UUID=$ROOT_UUID ip=dhcp rd.break=pre-mount rd.shell"
expect_log 'sesame-init: net: eth0: configured 192\.0\.2\.5[0-9]/24 via 192\.0\.2\.1 \(DHCP\)' \
	"a lease was configured before the switch"
expect_log 'sesame-init: net: torn down; no address, route or link left up' \
	"net's teardown verified itself"
expect_dnsmasq "DHCPRELEASE\(tap0\) 192\.0\.2\.5[0-9] $mac" "dnsmasq saw the release"
expect_clean_switch
expect_net addrs none
expect_net routes none
expect_net up none
expect_net runconf none
releases=$(grep -c 'DHCPRELEASE' "$DNSMASQ_LOG" || true)

say "== boot 2: ip=dhcp rd.neednet=1, kept"
net_nic_tap "$ns" tap0
net_vm_boot net --disk root --timeout 60 \
	--type '[/~] # ' "$NET_WAIT_ROUTE" \
	-- "root=UUID=$ROOT_UUID ip=dhcp rd.neednet=1 rd.break=pre-mount rd.shell"
expect_log 'sesame-init: net: keeping the network configured' "net says it keeps it"
expect_no_log 'sesame-init: net: torn down' "no teardown"
if [ "$(grep -c 'DHCPRELEASE' "$DNSMASQ_LOG" || true)" = "$releases" ]; then
	ok "no release with rd.neednet=1"
else
	fail "a DHCPRELEASE with rd.neednet=1"
fi
addr=$(net_log_addr eth0)
expect_clean_switch
expect_net addrs "/(^|,)eth0:${addr//./\\.}\/24(,|$)/"
expect_net routes "/(^|,)default_via_192\.0\.2\.1_dev_eth0/"
expect_net up eth0
expect_net runconf /run/net-eth0.conf,/run/sesame/net-pnp
expect_addr_lifetime '192\.0\.2\.5[0-9]' finite
vm_done
