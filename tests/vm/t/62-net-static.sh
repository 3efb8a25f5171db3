#!/bin/bash
# Static ip=<ip>::<gw>:<mask>:<host>:<if>:none on a tap: net configures it,
# and from the namespace the guest answers ping both on its subnet and from
# an address behind the gateway (its default route works).
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-net.sh
. "$(dirname "$0")/../lib-net.sh"

net_image
net_ns ns
net_tap "$ns" tap0 192.0.2.1/24
# A host "behind the gateway": an address of the namespace that is not on
# the guest's subnet, so the guest's answers to it go via 192.0.2.1.
ip -n "$ns" addr add 198.51.100.1/32 dev lo
net_nic_tap "$ns" tap0

# shellcheck disable=SC2317 # run by the probe
proof() {
	echo "== from 192.0.2.1 (same subnet)"
	net_ping "$ns" 192.0.2.1 192.0.2.10 && echo "PROOF-SUBNET-OK"
	echo "== from 198.51.100.1 (behind the gateway)"
	net_ping "$ns" 198.51.100.1 192.0.2.10 && echo "PROOF-GATEWAY-OK"
}
# No root disk: the guest waits (rd.timeout=60) while the probe pings it,
# then the probe ends the VM.
net_probe_when "${NET_REACHABLE_RE}eth0 at 192\.0\.2\.10 " 40 proof
net_vm_boot net --until '' --timeout 60 -- \
	"root=UUID=$NONE_UUID rd.timeout=60 ip=192.0.2.10::192.0.2.1:255.255.255.0:sesame-vm:eth0:none"
expect_log 'sesame-init: net: eth0: configured 192\.0\.2\.10/24 via 192\.0\.2\.1 \(static\)' \
	"net configured the static address and gateway"
expect_log "${NET_REACHABLE_RE}eth0 at 192\.0\.2\.10 " \
	"the console says where the box is reachable"
expect_no_log "sesame-init: dhcp: " "no DHCP with a static ip="
expect_probe_log '^PROOF-SUBNET-OK' \
	"192.0.2.10 answers ping from its subnet (the address works)"
expect_probe_log '^PROOF-GATEWAY-OK' \
	"192.0.2.10 answers ping from 198.51.100.1 (the default route via 192.0.2.1 works)"
vm_done
