#!/bin/bash
# SSH unlock of a LUKS2 root whose keyslot is Argon2id in 2 threads (what luksFormat makes): opens, no abort, no panic, clean switch.
# Before images carried libgcc_s.so.1 (dlopen()ed by glibc when a thread
# exits), PID 1 aborted here and the kernel panicked.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-unlock.sh
. "$(dirname "$0")/../lib-unlock.sh"

unlock_keys
unlock_image unlock
unlock_root_tree "$T/root"
unlock_argon2_disks "$T/root"
unlock_nic

# shellcheck disable=SC2317 # called by the driver (unlock_drive)
scenario() {
	check "unlock --status: the root is locked" 0 'locked' \
		uss unlock unlock --status
	printf '%s\n' "$UNLOCK_PASS" >"$T/pass"
	check "ssh unlock < passfile opens the Argon2id root" 0 \
		"opened luks-$LUKS_A2_UUID" uss_in "$T/pass" unlock unlock
}
unlock_drive scenario
VM_MEM=$UNLOCK_ARGON2_VM_MEM
# rd.timeout: the KDF blocks PID 1 for ~20 s of TCG time; a root timer
# due meanwhile must not decide the test (see 86-storage-*-argon2).
unlock_vm_boot unlock --disk a2root --timeout 300 --verbose \
	-- "root=UUID=$ROOT_UUID ip=dhcp rd.timeout=120"
unlock_drive_finish
expect_argon2_survived
expect_log 'passphrase received over SSH' "init got the passphrase over SSH"
expect_log "opened luks-$LUKS_A2_UUID" "the Argon2id LUKS2 root opened"
expect_unlocked_switch
expect_no_secrets
vm_done
