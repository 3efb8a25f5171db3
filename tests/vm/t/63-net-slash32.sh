#!/bin/bash
# A /32 lease from dnsmasq with a gateway outside it (203.0.113.1): net adds
# the on-link route to the gateway first, and a host behind the gateway
# (198.51.100.1) gets answers from the guest, which needs both routes.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-net.sh
. "$(dirname "$0")/../lib-net.sh"

net_image
net_ns ns
# dnsmasq serves from 192.0.2.1/24, the namespace also owns the gateway
# address 203.0.113.1 (answers ARP for it on tap0) and, on lo, 198.51.100.1:
# a host behind the gateway, on no subnet the guest knows.
net_tap "$ns" tap0 192.0.2.1/24 203.0.113.1/32
ip -n "$ns" addr add 198.51.100.1/32 dev lo
net_dnsmasq "$ns" tap0 --dhcp-range=192.0.2.50,192.0.2.59,10m \
	--dhcp-option=option:netmask,255.255.255.255 \
	--dhcp-option=option:router,203.0.113.1
net_nic_tap "$ns" tap0

# The guest's /32 has no neighbour on-link but the gateway: its answers to
# 198.51.100.1 go by the default route via 203.0.113.1, which the kernel
# only takes with the on-link host route to 203.0.113.1.
# shellcheck disable=SC2317 # run by the probe
proof() {
	local addr
	addr=$(net_log_addr eth0)
	echo "== the guest's address: ${addr:-none}"
	[ -n "$addr" ] || return 1
	ip -n "$ns" route get "$addr" from 198.51.100.1 || true
	net_ping "$ns" 198.51.100.1 "$addr" && echo "PROOF-BEHIND-GATEWAY-OK"
}
# No root disk: the guest waits (rd.timeout=60) while the probe pings it,
# then the probe ends the VM.
net_probe_when "${NET_REACHABLE_RE}eth0 at 192\.0\.2\.5[0-9] " 40 proof
net_vm_boot net --until '' --timeout 60 -- \
	"root=UUID=$NONE_UUID rd.timeout=60 ip=dhcp"
expect_dnsmasq "DHCPACK\(tap0\) 192\.0\.2\.5[0-9] $(net_mac 0)" \
	"dnsmasq acknowledged a lease"
expect_dnsmasq 'option: +1 netmask +255\.255\.255\.255' "with netmask /32"
expect_log 'sesame-init: net: eth0: gateway 203\.0\.113\.1 is off-subnet: on-link route to it first' \
	"net adds the on-link route to the gateway"
expect_log 'sesame-init: net: eth0: configured 192\.0\.2\.5[0-9]/32 via 203\.0\.113\.1 \(DHCP\)' \
	"net configured the /32 with its off-subnet gateway"
expect_no_log 'sesame-init: (error|warning): net:' "no error from net"
expect_probe_log '^PROOF-BEHIND-GATEWAY-OK' \
	"the guest answers 198.51.100.1, behind the gateway (default route via the on-link 203.0.113.1)"
vm_done
