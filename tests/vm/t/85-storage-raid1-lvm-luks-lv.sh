#!/bin/bash
# LVM on md RAID1 with root on a LUKS logical volume: the array, the VG, then the LUKS LV unlocked over SSH, then root (root=UUID=).
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-unlock.sh
. "$(dirname "$0")/../lib-unlock.sh"
# shellcheck source=../lib-storage.sh
. "$(dirname "$0")/../lib-storage.sh"

unlock_keys
unlock_image storage-unlock --mdadm-conf none
storage_root_fs rootfs 16
helper_disks l1:48 l2:48 -- rootfs <<RECIPE
mdadm --create /dev/md0 --run --level=1 --raid-devices=2 --metadata=1.2 \
	--uuid=$MD_UUID2 --assume-clean "\$OUT1" "\$OUT2"
lvm pvcreate /dev/md0
lvm vgcreate vg3 /dev/md0
lvm lvcreate -Zn -L 36M -n cryptroot vg3
printf %s $STORAGE_PASS | cryptsetup luksFormat --batch-mode --type luks2 \
	--pbkdf pbkdf2 --pbkdf-force-iterations 1000 --uuid $STORAGE_LUKS_UUID \
	--key-file=- /dev/mapper/vg3-cryptroot
printf %s $STORAGE_PASS | cryptsetup open --key-file=- /dev/mapper/vg3-cryptroot c
dd if="\$IN1" of=/dev/mapper/c bs=1M
cryptsetup close c
lvm vgchange -an vg3
mdadm --stop /dev/md0
RECIPE
unlock_nic

scenario() {
	printf '%s\n' "$STORAGE_PASS" >"$T/pass"
	check "ssh unlock < passfile opens the LUKS LV" 0 \
		"opened luks-$STORAGE_LUKS_UUID" uss_in "$T/pass" unlock unlock
}
unlock_drive scenario
unlock_vm_boot storage-unlock --disk l1 --disk l2 --timeout 150 \
	-- "root=UUID=$ROOT_UUID ip=dhcp"
unlock_drive_finish
expect_log 'md[0-9]+ assembled and started: 2 of 2 members' "the array started"
expect_log 'LVM physical volume /dev/md[0-9]+ appeared' "the PV on the array was found"
expect_log 'passphrase received over SSH' "the passphrase came over SSH"
storage_expect_switch '/dev/dm-[0-9]+'
vm_done
