#!/bin/bash
# The helper VM (for later issues): a LUKS2 disk made in one helper boot
# holds a copy of a host-made ext4, which a second helper boot opens and reads.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

root_tree "$T/root"
disk_ext4 rootfs "$T/root" "$ROOT_UUID" "$ROOT_LABEL"
helper_disks luks:64 -- rootfs <<'RECIPE'
printf %s sesame-test | cryptsetup luksFormat --type luks2 --batch-mode \
	--pbkdf pbkdf2 --pbkdf-force-iterations 1000 --key-file=- "$OUT1"
printf %s sesame-test | cryptsetup open --key-file=- "$OUT1" root
dd if="$IN1" of=/dev/mapper/root bs=1M
cryptsetup close root
RECIPE
helper_run luks <<'RECIPE'
cryptsetup isLuks "$IN1"
printf %s sesame-test | cryptsetup open --readonly --key-file=- "$IN1" root
mount -t ext4 -o ro /dev/mapper/root /mnt
echo "CHECK id=$(cat /mnt/etc/sesame-test-id) uuid=$(cryptsetup luksUUID "$IN1")"
umount /mnt
cryptsetup close root
RECIPE
LOG_TXT=$HELPER_LOG
expect_log '^CHECK id=real-root uuid=[0-9a-f-]{36}$' "the LUKS2 disk holds the copied root"
vm_done
