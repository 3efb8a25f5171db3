#!/bin/bash
# No DHCP server (a tap with nothing behind it), sesame.dhcp_timeout=2: the
# warning comes 2 s after net started, names the NIC and what it lacked; the
# console stays usable (a break shell runs what is typed) and the boot goes
# on to the real root.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-net.sh
. "$(dirname "$0")/../lib-net.sh"

net_image
root_disk root
net_ns ns
net_tap "$ns" tap0 # up, no address, nothing listening
net_nic_tap "$ns" tap0
# shellcheck disable=SC2016 # for the guest's shell
net_vm_boot net --disk root --timeout 60 --verbose \
	--type 'net: no address after 2 s' 'echo CONSOLE-$((6*7)); exit' \
	-- "root=UUID=$ROOT_UUID ip=dhcp sesame.dhcp_timeout=2 rd.break=pre-mount rd.shell"
expect_log 'sesame-init: (warning: )?net: no address after 2 s; tried: eth0 \(no DHCP answer\); still trying' \
	"the timeout names the NIC and what it lacked"
expect_log 'sesame-init: (warning: )?no network yet; the console prompt works, boot goes on, and DHCP keeps trying' \
	"the console is told that boot goes on"
# net arms its timer when the hooks start, right after sesame-init's first
# line (the NIC itself may come later: its driver loads in a modprobe
# child meanwhile); a console write can delay a stamp (0.19 s seen on a
# loaded machine), hence from 1.5 s.
expect_stamps_between '\] sesame-init: start at' \
	'\] sesame-init: (warning: )?net: no address after 2 s' 1.5 5.0 \
	"the warning 2 s (sesame.dhcp_timeout) after net started"
expect_log '^CONSOLE-42' "the console shell ran what was typed after the timeout"
expect_no_log 'sesame-init: net: eth0: configured' "no address was configured"
expect_no_log "$EMERGENCY_RE" "no emergency"
expect_clean_switch
vm_done
