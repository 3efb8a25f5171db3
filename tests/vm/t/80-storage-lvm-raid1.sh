#!/bin/bash
# The seed's layout: root in LVM on md RAID1 (two disks), /usr on a second LV named /dev/vg0/usr in fstab; assembled incrementally with no parameters.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-storage.sh
. "$(dirname "$0")/../lib-storage.sh"

storage_image storage
storage_root_fs rootfs 16 --fstab "/dev/vg0/usr /usr ext4 defaults 0 2"
storage_usr_fs usrfs
helper_disks r1:40 r2:40 -- rootfs usrfs <<RECIPE
mdadm --create /dev/md0 --run --level=1 --raid-devices=2 --metadata=1.2 \
	--uuid=$MD_UUID --assume-clean "\$OUT1" "\$OUT2"
lvm pvcreate /dev/md0
lvm vgcreate vg0 /dev/md0
lvm lvcreate -Zn -L 16M -n root vg0
lvm lvcreate -Zn -L 8M -n usr vg0
dd if="\$IN1" of=/dev/mapper/vg0-root bs=1M
dd if="\$IN2" of=/dev/mapper/vg0-usr bs=1M
lvm vgchange -an vg0
mdadm --stop /dev/md0
RECIPE
vm_boot storage --verbose --disk r1 --disk r2 -- "root=UUID=$ROOT_UUID"
expect_log 'md[0-9]+ assembled and started: 2 of 2 members' "the array started with both members"
expect_log 'lvm: logical volumes activated' "lvm activated the VG"
expect_no_log 'DEGRADED' "not degraded"
storage_expect_switch '/dev/dm-[0-9]+'
expect_field usr '/^\/dev\/dm-[0-9]+:ext4:real-usr$/'
expect_handoff
vm_done
