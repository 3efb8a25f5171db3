#!/bin/bash
# Console unlock of a LUKS2 root whose keyslot is Argon2id in 2 threads: the passphrase typed at the console prompt opens it, no abort, no panic, clean switch.
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
	local deadline
	deadline=$(($(now_ms) + 60000))
	until log_has 'Passphrase \(or unlock over SSH\)'; do
		if [ "$(now_ms)" -gt "$deadline" ]; then
			drv_fail "no passphrase prompt on the console after 60 s"
			return 0
		fi
		sleep 0.2
	done
	printf '%s\r' "$UNLOCK_PASS" >"$T/con.in"
	drv_ok "the passphrase was typed at the console prompt"
}
unlock_drive scenario
VM_MEM=$UNLOCK_ARGON2_VM_MEM
# rd.timeout: the KDF blocks PID 1 for ~20 s of TCG time; a root timer
# due meanwhile must not decide the test (see 86-storage-*-argon2).
unlock_vm_boot unlock --disk a2root --timeout 300 --verbose \
	-- "root=UUID=$ROOT_UUID ip=dhcp rd.timeout=120"
unlock_drive_finish
expect_argon2_survived
expect_log 'passphrase received on the console' "init got the passphrase on the console"
expect_no_log 'passphrase received over SSH' "nothing came over SSH"
expect_log "opened luks-$LUKS_A2_UUID" "the Argon2id LUKS2 root opened"
expect_unlocked_switch
expect_no_secrets
vm_done
