#!/bin/bash
# LVM on md RAID1 with root on a LUKS logical volume whose keyslot is Argon2id (2 threads), unlocked over SSH: opens, no abort, no panic, root=UUID= mounted.
# The layout of 85-storage-raid1-lvm-luks-lv with the keyslot users have.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-unlock.sh
. "$(dirname "$0")/../lib-unlock.sh"
# shellcheck source=../lib-storage.sh
. "$(dirname "$0")/../lib-storage.sh"

unlock_keys
unlock_image storage-unlock --mdadm-conf none
storage_root_fs rootfs 16
argon2_helper_disks a2l1:48 a2l2:48 -- rootfs <<RECIPE
$UNLOCK_ARGON2_CHECK
mdadm --create /dev/md0 --run --level=1 --raid-devices=2 --metadata=1.2 \
	--uuid=$MD_UUID2 --assume-clean "\$OUT1" "\$OUT2"
lvm pvcreate /dev/md0
lvm vgcreate vg3 /dev/md0
lvm lvcreate -Zn -L 36M -n cryptroot vg3
printf %s $STORAGE_PASS | cryptsetup luksFormat --batch-mode --type luks2 \
	$UNLOCK_ARGON2_OPTS --uuid $STORAGE_LUKS_UUID --key-file=- /dev/mapper/vg3-cryptroot
a2check /dev/mapper/vg3-cryptroot
printf %s $STORAGE_PASS | cryptsetup open --key-file=- /dev/mapper/vg3-cryptroot c
dd if="\$IN1" of=/dev/mapper/c bs=1M
cryptsetup close c
lvm vgchange -an vg3
mdadm --stop /dev/md0
RECIPE
unlock_nic

# shellcheck disable=SC2317 # called by the driver (unlock_drive)
scenario() {
	printf '%s\n' "$STORAGE_PASS" >"$T/pass"
	check "ssh unlock < passfile opens the Argon2id LUKS LV" 0 \
		"opened luks-$STORAGE_LUKS_UUID" uss_in "$T/pass" unlock unlock
}
unlock_drive scenario
# rd.timeout: the KDF runs inside PID 1 for ~20 s of TCG time, during which
# its loop is blocked; the root timer that comes due meanwhile fires as
# soon as the open returns, before LVM activates the root LV (seen with
# the harness's rd.timeout=20; see the report of issue 9).
VM_MEM=$UNLOCK_ARGON2_VM_MEM
unlock_vm_boot storage-unlock --disk a2l1 --disk a2l2 --timeout 300 --verbose \
	-- "root=UUID=$ROOT_UUID ip=dhcp rd.timeout=120"
unlock_drive_finish
expect_argon2_survived
expect_log 'md[0-9]+ assembled and started: 2 of 2 members' "the array started"
expect_log 'LVM physical volume /dev/md[0-9]+ appeared' "the PV on the array was found"
expect_log 'passphrase received over SSH' "the passphrase came over SSH"
expect_log "opened luks-$STORAGE_LUKS_UUID" "the Argon2id LUKS LV opened"
storage_expect_switch '/dev/dm-[0-9]+'
vm_done
