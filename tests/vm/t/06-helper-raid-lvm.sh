#!/bin/bash
# The helper VM (for later issues): md RAID1 over two disks with LVM on it
# and the host-made ext4 copied into an LV; a second helper boot assembles
# it from one disk alone (degraded), activates the VG and reads the copy.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

root_tree "$T/root"
disk_ext4 rootfs "$T/root" "$ROOT_UUID" "$ROOT_LABEL"
helper_disks r1:48 r2:48 -- rootfs <<'RECIPE'
mdadm --create /dev/md0 --run --level=1 --raid-devices=2 --metadata=1.2 \
	--assume-clean "$OUT1" "$OUT2"
lvm pvcreate /dev/md0
lvm vgcreate vg0 /dev/md0
lvm lvcreate -Zn -L 32M -n root vg0
dd if="$IN1" of=/dev/mapper/vg0-root bs=1M
lvm vgchange -an vg0
mdadm --stop /dev/md0
RECIPE
helper_run r1 <<'RECIPE'
mdadm --assemble --run /dev/md0 "$IN1"
lvm vgchange -ay vg0
mount -t ext4 -o ro /dev/mapper/vg0-root /mnt
echo "CHECK id=$(cat /mnt/etc/sesame-test-id) level=$(cat /sys/block/md0/md/level)"
umount /mnt
lvm vgchange -an vg0
mdadm --stop /dev/md0
RECIPE
LOG_TXT=$HELPER_LOG
expect_log '^CHECK id=real-root level=raid1$' "RAID1 + LVM holds the copied root"
vm_done
