#!/bin/bash
# ip=off with rd.neednet=1 and sesame.net_keep=1: there is no network to
# wait for, so the switch must not wait (issue 9 item 15: it waited forever).
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-net.sh
. "$(dirname "$0")/../lib-net.sh"

net_image
net_root_disk root
net_nic_user
net_vm_boot net --disk root --timeout 90 \
	-- "root=UUID=$ROOT_UUID ip=off rd.neednet=1 sesame.net_keep=1"
expect_log 'sesame-init: net: disabled \(ip=off\)' "net is off"
expect_log 'net: ip=off: the switch does not wait for a network' \
	"the hold is refused with a warning"
expect_no_log 'the switch waits' "the switch did not wait"
expect_clean_switch
vm_done
