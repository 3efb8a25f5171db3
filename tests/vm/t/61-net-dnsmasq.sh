#!/bin/bash
# ip=dhcp with a real DHCP server: dnsmasq in a namespace of the test's own,
# joined to the VM by a tap; the lease is configured with its gateway, and
# released (dnsmasq sees DHCPRELEASE) before the switch to the real root.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-net.sh
. "$(dirname "$0")/../lib-net.sh"

net_image
root_disk root
net_ns ns
net_tap "$ns" tap0 192.0.2.1/24
net_dnsmasq "$ns" tap0 --dhcp-range=192.0.2.50,192.0.2.59,255.255.255.0,10m
net_nic_tap "$ns" tap0
net_vm_boot net --disk root --timeout 60 \
	--type '[/~] # ' "$NET_WAIT_ROUTE" \
	-- "root=UUID=$ROOT_UUID ip=dhcp rd.break=pre-mount rd.shell"
mac=$(net_mac 0)
expect_dnsmasq "DHCPACK\(tap0\) 192\.0\.2\.5[0-9] $mac" \
	"dnsmasq acknowledged a lease to the guest's NIC ($mac)"
expect_log 'sesame-init: dhcp: eth0: bound 192\.0\.2\.5[0-9]/24 from 192\.0\.2\.1,' \
	"the lease is bound on eth0"
expect_log 'sesame-init: net: eth0: configured 192\.0\.2\.5[0-9]/24 via 192\.0\.2\.1 \(DHCP\)' \
	"net configured it with dnsmasq's gateway"
expect_log "${NET_REACHABLE_RE}eth0 at 192\.0\.2\.5[0-9] " \
	"the console says where the box is reachable"
expect_dnsmasq "DHCPRELEASE\(tap0\) 192\.0\.2\.5[0-9] $mac" \
	"the lease was released at the handoff"
expect_log 'sesame-init: net: torn down; no address, route or link left up' \
	"net's teardown verified itself"
expect_clean_switch
vm_done
