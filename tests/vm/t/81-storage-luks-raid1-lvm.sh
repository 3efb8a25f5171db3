#!/bin/bash
# LUKS on md RAID1 with LVM inside (root and /usr LVs), unlocked over SSH (ssh unlock < passfile); the storage stage timings for tests/vm/measure-storage.sh.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-unlock.sh
. "$(dirname "$0")/../lib-unlock.sh"
# shellcheck source=../lib-storage.sh
. "$(dirname "$0")/../lib-storage.sh"

unlock_keys
unlock_image storage-unlock --mdadm-conf none
storage_root_fs rootfs 16 --fstab "/dev/mapper/vg2-usr /usr ext4 defaults 0 2"
storage_usr_fs usrfs
helper_disks c1:48 c2:48 -- rootfs usrfs <<RECIPE
mdadm --create /dev/md0 --run --level=1 --raid-devices=2 --metadata=1.2 \
	--uuid=$MD_UUID --assume-clean "\$OUT1" "\$OUT2"
printf %s $STORAGE_PASS | cryptsetup luksFormat --batch-mode --type luks2 \
	--pbkdf pbkdf2 --pbkdf-force-iterations 1000 --uuid $STORAGE_LUKS_UUID \
	--key-file=- /dev/md0
printf %s $STORAGE_PASS | cryptsetup open --key-file=- /dev/md0 c
lvm pvcreate /dev/mapper/c
lvm vgcreate vg2 /dev/mapper/c
lvm lvcreate -Zn -L 16M -n root vg2
lvm lvcreate -Zn -L 8M -n usr vg2
dd if="\$IN1" of=/dev/mapper/vg2-root bs=1M
dd if="\$IN2" of=/dev/mapper/vg2-usr bs=1M
lvm vgchange -an vg2
cryptsetup close c
mdadm --stop /dev/md0
RECIPE
unlock_nic

scenario() {
	printf '%s\n' "$STORAGE_PASS" >"$T/pass"
	check "ssh unlock < passfile opens the LUKS container on the array" 0 \
		"opened luks-$STORAGE_LUKS_UUID" uss_in "$T/pass" unlock unlock
}
unlock_drive scenario
unlock_vm_boot storage-unlock --disk c1 --disk c2 --timeout 150 --verbose \
	-- "root=/dev/mapper/vg2-root ip=dhcp"
unlock_drive_finish
expect_log 'md[0-9]+ assembled and started: 2 of 2 members' "the array started with both members"
expect_log 'passphrase received over SSH' "the passphrase came over SSH"
expect_log 'LVM physical volume /dev/dm-0 appeared' "the PV inside LUKS was found"
storage_expect_switch '/dev/dm-[0-9]+'
expect_field usr '/^\/dev\/dm-[0-9]+:ext4:real-usr$/'
# Stage times (guest seconds, kernel timestamps): the last member to the
# array probed, and the LUKS container opened to root mounted; the wait
# for the passphrase and the PBKDF between them are left out.
t_member=$({ grep -E '\[ *[0-9.]+\] sesame-init: RAID member' "$LOG_TXT" || true; } |
	tail -n1 | sed -E 's/^[^[]*\[ *([0-9.]+)\].*/\1/')
# The array is usable when sesame-unlockd queues it (PID 1 probed it and
# told it; its LUKS header read); mdadm's
# own exit, logged as "assembled", comes later.
t_md=$(storage_stamp 'sesame-unlockd: LUKS device /dev/md[0-9]+ queued')
t_pass=$(storage_stamp 'passphrase received')
t_open=$(storage_stamp "opened luks-$STORAGE_LUKS_UUID")
t_root=$(storage_stamp 'sesame-init: mounting /dev/dm-[0-9]+ on / ')
t_usr=$(storage_stamp 'sesame-init: mounting /dev/dm-[0-9]+ on /usr')
if [ -n "$t_member" ] && [ -n "$t_md" ] && [ -n "$t_open" ] && [ -n "$t_root" ]; then
	say "$(awk -v m="$t_member" -v md="$t_md" -v p="$t_pass" -v o="$t_open" \
		-v r="$t_root" -v u="${t_usr:-0}" 'BEGIN {
		printf "MEASURE storage: member-to-md %d ms, luks-open-to-root-mount %d ms, total %d ms (pbkdf %d ms excluded; /usr mounted %d ms after root)",
			(md - m) * 1000, (r - o) * 1000, (md - m + r - o) * 1000, (o - p) * 1000, (u - r) * 1000 }')"
else
	fail "no timestamps for the measurement"
fi
vm_done
