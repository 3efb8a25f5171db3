#!/bin/bash
# Two NICs, a server behind the second only (ifname= names them by MAC):
# both are tried, the second gets the lease, and net's log says which NIC it
# uses and why, and that the other is brought down; the boot goes on.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-net.sh
. "$(dirname "$0")/../lib-net.sh"

net_image
root_disk root
net_ns ns
net_tap "$ns" tap0               # silent: nothing answers on it
net_tap "$ns" tap1 192.0.2.1/24  # dnsmasq
net_dnsmasq "$ns" tap1 --dhcp-range=192.0.2.50,192.0.2.59,255.255.255.0,10m
net_nic_tap "$ns" tap0           # the guest's first NIC (net_mac 0)
net_nic_tap "$ns" tap1           # the second (net_mac 1)
net_vm_boot net --disk root --timeout 60 \
	--type '[/~] # ' "$NET_WAIT_ROUTE" \
	-- "root=UUID=$ROOT_UUID ip=dhcp ifname=silent:$(net_mac 0) ifname=served:$(net_mac 1) rd.break=pre-mount rd.shell"
expect_log 'sesame-init: net: renamed eth0 to silent' "ifname= named the first NIC"
# The kernel names the second NIC eth1, or eth0 again when the first was
# renamed before the second registered (virtio_net loads in a modprobe
# child while net already runs).
expect_log 'sesame-init: net: renamed eth[01] to served' "ifname= named the second NIC"
expect_log 'sesame-init: net: silent: Ethernet NIC, trying it' "the first NIC was tried"
expect_log 'sesame-init: net: served: Ethernet NIC, trying it' "the second NIC was tried"
expect_dnsmasq "DHCPACK\(tap1\) 192\.0\.2\.5[0-9] $(net_mac 1)" \
	"dnsmasq acknowledged a lease to the second NIC"
expect_log 'sesame-init: net: using served: the first Ethernet NIC to get a lease' \
	"net says which NIC it uses and why"
expect_log 'sesame-init: net: silent: not used \(served was first\); link down' \
	"net says the other NIC is not used, and downs it"
expect_log "${NET_REACHABLE_RE}served at 192\.0\.2\.5[0-9] " \
	"the console says where the box is reachable"
expect_no_log 'sesame-init: net: silent: configured' "nothing configured on the silent NIC"
expect_log 'sesame-init: net: torn down; no address, route or link left up' \
	"net's teardown verified itself"
expect_clean_switch
vm_done
