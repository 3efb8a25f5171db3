#!/bin/bash
# rd.neednet=1: the switch waits for the network. dnsmasq answers only after
# 4 s, so the root is mounted first; the real root must still find the
# lease's address and default route, and the log must show the wait.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-net.sh
. "$(dirname "$0")/../lib-net.sh"

net_image
net_root_disk root
net_ns ns
net_tap "$ns" tap0 192.0.2.1/24
net_dnsmasq "$ns" tap0 --dhcp-range=192.0.2.50,192.0.2.59,255.255.255.0,10m \
	--dhcp-reply-delay=4

net_nic_tap "$ns" tap0
net_vm_boot net --disk root --timeout 90 \
	-- "root=UUID=$ROOT_UUID ip=dhcp rd.neednet=1"
expect_log 'sesame-init: root is mounted; the switch waits: rd\.neednet: the network comes first' \
	"the switch waited for the network"
expect_log 'sesame-init: net: eth0: configured 192\.0\.2\.5[0-9]/24 via 192\.0\.2\.1 \(DHCP\)' \
	"the lease was configured before the switch"
addr=$(net_log_addr eth0)
expect_clean_switch
expect_net addrs "/(^|,)eth0:${addr//./\\.}\/24(,|$)/"
expect_net routes "/(^|,)default_via_192\.0\.2\.1_dev_eth0/"
expect_net up eth0
vm_done
