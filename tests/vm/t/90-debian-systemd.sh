#!/bin/bash
# A real Debian 12 (mmdebstrap: systemd, udev, ifupdown + dhclient, openssh-server) on LUKS2 with an Argon2id keyslot, unlocked over SSH: reaches multi-user.target with no failed unit, gets its own DHCP address after sesame's teardown, offers a login on ttyS0.
# The root comes from tests/vm/debian-root.sh (cached under
# ~/.cache/sesame, keyed by its package list and tests/vm/debian/). Its
# unit sesame-report.service waits until systemd says the boot is over,
# prints one SESAME-DEBIAN line (and `systemctl --failed`) on the serial
# console and in kmsg, then powers off. Without the Debian archive the
# root cannot be made and the test fails.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-unlock.sh
. "$(dirname "$0")/../lib-unlock.sh"

DEB_ROOT_UUID=5e5a0000-0000-4000-8000-0000000d0e01 # tests/vm/debian/etc/fstab
DEB_LUKS_UUID=5e5a0000-0000-4000-8000-0000000e0d01
DEB_FS_MB=400

deb=$("$VM_DIR/debian-root.sh") || die "no Debian root: tests/vm/debian-root.sh failed (mmdebstrap needs the Debian archive)"
say "Debian root: $deb ($(du -sm "$deb" | cut -f1) MiB)"
# The ext4 with a journal, as an installer makes it; keyed by the root's
# cache name (itself a hash of what makes the root).
# shellcheck disable=SC2317 # called by cached
deb_fs() {
	mke2fs -q -F -t ext4 -d "$deb" -U "$DEB_ROOT_UUID" -L debroot \
		-E root_owner=0:0 "$1" "${DEB_FS_MB}M" </dev/null >/dev/null
}
fs=$SESAME_CACHE/vm-disks/debian-$(cache_key "$(basename "$deb")" "$DEB_ROOT_UUID" "$DEB_FS_MB").img
cached "$fs" deb_fs || die "mke2fs -d of the Debian root failed"
DISKS[debfs]=$fs

unlock_keys
unlock_image unlock
argon2_helper_disks debluks:$((DEB_FS_MB + 20)) -- debfs <<RECIPE
$UNLOCK_ARGON2_CHECK
printf %s $UNLOCK_PASS | cryptsetup luksFormat --batch-mode --type luks2 \
	$UNLOCK_ARGON2_OPTS --uuid $DEB_LUKS_UUID --key-file=- "\$OUT1"
a2check "\$OUT1"
printf %s $UNLOCK_PASS | cryptsetup open --key-file=- "\$OUT1" root
dd if="\$IN1" of=/dev/mapper/root bs=4M
cryptsetup close root
RECIPE
unlock_nic

# shellcheck disable=SC2317 # called by the driver (unlock_drive)
scenario() {
	printf '%s\n' "$UNLOCK_PASS" >"$T/pass"
	check "ssh unlock < passfile opens the Debian root" 0 \
		"opened luks-$DEB_LUKS_UUID" uss_in "$T/pass" unlock unlock
}
unlock_drive scenario
VM_MEM=$UNLOCK_ARGON2_VM_MEM
# net.ifnames=0: the NIC keeps the name eth0 that the root's
# /etc/network/interfaces.d/eth0 names. systemd.show_status: its
# "Reached target" lines on the console despite quiet. rd.timeout: see
# 86-storage-luks-raid1-lvm-argon2.
unlock_vm_boot unlock --disk debluks --timeout 400 --verbose \
	-- "root=UUID=$DEB_ROOT_UUID ip=dhcp rd.timeout=120 net.ifnames=0 systemd.show_status=1"
unlock_drive_finish
say "the boot took ${VM_WALL} s of wall time (QEMU start to power-off)"
expect_argon2_survived
expect_log "opened luks-$DEB_LUKS_UUID" "the Argon2id LUKS2 root opened"
expect_log 'sesame-init: net: torn down' "sesame tore its network down before the switch"
# systemd's status lines carry colour codes; the getty's prompt may share
# a line with what comes next.
sed 's/\x1b\[[0-9;]*m//g' "$LOG_TXT" >"$T/serial.plain"
if grep -qE 'OK +\] Reached target multi-user\.target' "$T/serial.plain"; then
	ok "systemd reached multi-user.target (its status line on the console)"
else
	fail "no 'Reached target multi-user.target' on the console"
fi
# The report: on the console, and through kmsg (with a kernel timestamp).
line=$(grep -m1 -oE 'SESAME-DEBIAN .*' "$T/serial.plain" || true)
t_report=$(grep -m1 -E '^\[ *[0-9.]+\] SESAME-DEBIAN ' "$T/serial.plain" |
	sed -E 's/^\[ *([0-9.]+)\].*/\1/' || true)
t_exec=$(grep -m1 -oE 'handoff: .* exec at [0-9.]+ s' "$T/serial.plain" |
	sed -E 's/.*exec at ([0-9.]+) s/\1/' || true)
if [ -n "$t_report" ] && [ -n "$t_exec" ]; then
	ok "the report came through kmsg too, $(awk -v a="$t_exec" -v b="$t_report" 'BEGIN { printf "%.1f", b - a }') s of guest time after sesame exec'd systemd"
else
	fail "no SESAME-DEBIAN line in kmsg, or no handoff line"
fi
if [ -z "$line" ]; then
	fail "no SESAME-DEBIAN line from the Debian root's sesame-report.service"
else
	say "report: $line"
	deb_field() {
		local re=$1 what=$2
		if [[ " $line " =~ \ $re\  ]]; then ok "$what ($re)"; else fail "$what: not /$re/ in the report"; fi
	}
	deb_field 'init=/usr/lib/systemd/systemd' "systemd is PID 1"
	deb_field 'state=running' "systemctl is-system-running says running"
	deb_field 'multi-user=active' "multi-user.target is active"
	deb_field 'failed=\[\]' "no failed unit"
	deb_field 'addr=\[10\.0\.2\.15/24\]' "eth0 has an address of its own (after sesame's teardown)"
	deb_field 'dhclient=running' "the root's own DHCP client (ifupdown's dhclient) runs"
	deb_field 'leases=[1-9][0-9]*' "dhclient holds a lease from QEMU's DHCP server"
	deb_field 'getty=active' "serial-getty@ttyS0 is active"
	deb_field 'sshd=active' "the root's own sshd is active"
fi
if grep -qE 'sesame-debian login:' "$T/serial.plain"; then
	ok "a login prompt on the serial console (agetty on ttyS0)"
else
	fail "no 'sesame-debian login:' prompt on the serial console"
fi
if [ "$VM_STATUS" = exited ]; then
	ok "the Debian root powered off by itself"
else
	fail "the VM did not power off ($VM_STATUS)"
fi
vm_done
