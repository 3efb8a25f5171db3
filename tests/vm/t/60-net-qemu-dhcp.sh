#!/bin/bash
# ip=dhcp on QEMU user networking (restrict=on): the lease 10.0.2.15 from
# QEMU's DHCP server is configured and logged; the boot reaches the real root.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-net.sh
. "$(dirname "$0")/../lib-net.sh"

net_image
root_disk root
net_nic_user
# The root is found at once; the break shell holds the boot until the lease
# is configured, so the switch comes after it.
net_vm_boot net --disk root --timeout 60 \
	--type '[/~] # ' "$NET_WAIT_ROUTE" \
	-- "root=UUID=$ROOT_UUID ip=dhcp rd.break=pre-mount rd.shell"
# (restrict=on: QEMU's server sends no router and no DNS option)
expect_log 'sesame-init: dhcp: eth0: bound 10\.0\.2\.15/24 from 10\.0\.2\.2' \
	"the lease from QEMU's server is bound on eth0"
expect_log 'sesame-init: net: eth0: configured 10\.0\.2\.15/24 \(DHCP\)' \
	"net configured it"
expect_log "${NET_REACHABLE_RE}eth0 at 10\.0\.2\.15 " \
	"the console says where the box is reachable"
expect_log 'sesame-init: net: torn down; no address, route or link left up' \
	"net's teardown verified itself"
expect_clean_switch
vm_done
