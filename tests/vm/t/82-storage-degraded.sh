#!/bin/bash
# RAID1 with one member missing: the array waits sesame.md_degraded_wait=3 s then starts degraded, says so loudly, and root in LVM on it boots.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-storage.sh
. "$(dirname "$0")/../lib-storage.sh"

storage_image storage
storage_lvm_raid1_disks
# Only the second member. (rd.timeout is held while the array waits, but
# not while lvm runs after the degraded start, so it is not set short.)
vm_boot storage --verbose --disk r2 -- \
	"root=UUID=$ROOT_UUID sesame.md_degraded_wait=3 rd.timeout=15"
expect_log 'waiting up to 3 s for the rest' "the array waits for its other member"
expect_log 'md[0-9]+ started DEGRADED: 1 of 2 members' "the degraded start is logged loudly"
expect_between 'RAID member /dev/vda' 'started DEGRADED' 2.5 6 \
	"started degraded 3 s after its member appeared"
expect_no_log "$EMERGENCY_RE" "no emergency"
storage_expect_switch '/dev/dm-[0-9]+'
expect_field usr '/^\/dev\/dm-[0-9]+:ext4:real-usr$/'
vm_done
