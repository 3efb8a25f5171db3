#!/bin/bash
# The seed's layout: root in LVM on md RAID1 (two disks), /usr on a second LV named /dev/vg0/usr in fstab; assembled incrementally with no parameters.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-storage.sh
. "$(dirname "$0")/../lib-storage.sh"

storage_image storage
storage_lvm_raid1_disks
vm_boot storage --verbose --disk r1 --disk r2 -- "root=UUID=$ROOT_UUID"
expect_log 'md[0-9]+ assembled and started: 2 of 2 members' "the array started with both members"
expect_no_log 'DEGRADED' "not degraded"
storage_expect_switch '/dev/dm-[0-9]+'
expect_field usr '/^\/dev\/dm-[0-9]+:ext4:real-usr$/'
expect_handoff
vm_done
