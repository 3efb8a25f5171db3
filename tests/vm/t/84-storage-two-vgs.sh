#!/bin/bash
# Two volume groups (vg0 on a plain disk with a decoy root, vg1 on md RAID1 with the real one), root=/dev/vg1/root with rd.lvm.vg=vg1: vg0, seen first, is never activated.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-storage.sh
. "$(dirname "$0")/../lib-storage.sh"

storage_image storage
storage_root_fs rootfs 16
root_tree "$T/decoy" --id decoy-root
disk_ext4 decoyfs "$T/decoy" "$DECOY_UUID" "$DECOY_LABEL" 16
helper_disks d1:32 d2:32 p1:32 -- decoyfs rootfs <<RECIPE
mdadm --create /dev/md0 --run --level=1 --raid-devices=2 --metadata=1.2 \
	--uuid=$MD_UUID2 --assume-clean "\$OUT1" "\$OUT2"
lvm pvcreate /dev/md0 "\$OUT3"
lvm vgcreate vg0 "\$OUT3"
lvm vgcreate vg1 /dev/md0
lvm lvcreate -Zn -L 16M -n root vg0
lvm lvcreate -Zn -L 16M -n root vg1
dd if="\$IN1" of=/dev/mapper/vg0-root bs=1M
dd if="\$IN2" of=/dev/mapper/vg1-root bs=1M
lvm vgchange -an vg0 vg1
mdadm --stop /dev/md0
RECIPE
vm_boot storage --verbose --disk d1 --disk d2 --disk p1 -- \
	"root=/dev/vg1/root rd.lvm.vg=vg1"
expect_log 'md[0-9]+ assembled and started: 2 of 2 members' "vg1's array assembled"
expect_no_log "UUID=$DECOY_UUID" "vg0 (the decoy root) not activated"
storage_expect_switch '/dev/dm-[0-9]+'
vm_done
