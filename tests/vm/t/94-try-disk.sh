#!/bin/bash
# sesame try --disk with a LUKS2 disk and --passphrase-file: the prompt, unlock over SSH, the switch reached and stopped there; the disk's bytes are unchanged (sha256 before and after).
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-unlock.sh
. "$(dirname "$0")/../lib-unlock.sh"
# shellcheck source=../lib-try.sh
. "$(dirname "$0")/../lib-try.sh"

vm_kernel
unlock_keys
try_host_nic_modules
unlock_image luks "${TRY_HOST_NIC_ARGS[@]}"
unlock_root_tree "$T/root"
unlock_disks "$T/root"
disk=${DISKS[luksroot]}
before=$(sha256sum <"$disk")
mtime_before=$(stat -c %Y "$disk")
printf '%s\n' "$UNLOCK_PASS" >"$T/passfile"
chmod 0600 "$T/passfile"
try_run --keep --keydir "$UNLOCK_KEYDIR" --identity "$T/ssh/unlock" \
	--disk "$disk" --passphrase-file "$T/passfile" \
	--cmdline "root=UUID=$ROOT_UUID ip=dhcp rd.timeout=60" \
	"${IMAGES[luks]}"
expect_try_rc 0
expect_step "network up" ok
expect_step "host key is the image's" ok
expect_step "unlock key: unlock --status" ok "luks-$LUKS_ROOT_UUID"
expect_step "console prompt offered" ok 'Passphrase'
expect_step "unlocked, switch to real init" ok '^ok .*passphrase over SSH \(unlock < FILE\); switching to /sbin/init on /dev/dm-[0-9]+ \(stopped there\)'
if grep -q "$disk: attached with snapshot=on; every descriptor QEMU held on it was read-only" "$TRY_OUT"; then
	ok "sesame try checked QEMU's descriptors on the disk: read-only"
else
	fail "no read-only check of the disk's descriptors reported"
fi
after=$(sha256sum <"$disk")
if [ "$before" = "$after" ] && [ "$mtime_before" = "$(stat -c %Y "$disk")" ]; then
	ok "the disk's bytes are unchanged (sha256 ${before%% *})"
else
	fail "the disk changed: sha256 $before -> $after"
fi
log=$(grep -o 'console log kept in .*' "$TRY_OUT" | sed 's/console log kept in //')
if [ -f "$log" ]; then
	if grep -q 'opened luks-' "$log"; then
		ok "the console shows the LUKS device opened"
	else
		fail "the console log lacks 'opened luks-'"
	fi
	# Timing, not asserted (machine load): QEMU is killed when the switch
	# line shows; the real init normally never prints its marker.
	if grep -q '^SESAME-ROOT-OK' "$log"; then
		say "note: the real root's init printed its marker before QEMU was killed"
	else
		say "the real root's init did not run (no SESAME-ROOT-OK)"
	fi
	rm -f "$log"
else
	fail "--keep named no console log"
fi
expect_no_qemu_left "${IMAGES[luks]}"
vm_done
