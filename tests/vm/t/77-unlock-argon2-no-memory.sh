#!/bin/bash
# A 1 GiB Argon2id keyslot on a 768 MiB VM: the passphrase over SSH is not tried; SSH and the console say which slot needs how much and how much there is; no OOM kill, no attempt counted.
# Issue 10: before a derivation the keyslot's Argon2 memory is compared with
# what the machine has. The boot then keeps waiting for a passphrase (the
# device stays locked); the driver powers the VM off.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-unlock.sh
. "$(dirname "$0")/../lib-unlock.sh"

unlock_keys
unlock_image unlock
unlock_root_tree "$T/root"
unlock_argon2_1g_disk "$T/root"
unlock_nic
DEV="luks-$LUKS_A2BIG_UUID"
# The answer's fixed parts (NNN: what the guest has).
NOMEM_RE="$DEV \(/dev/vda\): not tried: key slot 0 needs $UNLOCK_ARGON2_1G_MIB MiB for argon2id, [0-9]+ MiB available"

# shellcheck disable=SC2317 # called by the driver (unlock_drive)
scenario() {
	local before after
	before=$(uss unlock unlock --status 2>&1) || true
	printf '%s\n' "$before" | sed 's/^/  [status before] /'
	if text_has "^$DEV \(/dev/vda\): locked" "$before" &&
		text_has '^[0-9]+ passphrase attempts left' "$before"; then
		drv_ok "unlock --status: the root is locked, attempts counted"
	else
		drv_fail "unlock --status: no locked root or no attempts line"
	fi
	printf '%s\n' "$UNLOCK_PASS" >"$T/pass"
	check "ssh unlock: not tried, the slot needs more memory than there is" \
		nonzero "$NOMEM_RE" uss_in "$T/pass" unlock unlock
	after=$(uss unlock unlock --status 2>&1) || true
	printf '%s\n' "$after" | sed 's/^/  [status after] /'
	if text_has "^$DEV \(/dev/vda\): locked" "$after" &&
		[ "$(grep -E 'passphrase attempts left' <<<"$before")" = \
			"$(grep -E 'passphrase attempts left' <<<"$after")" ]; then
		drv_ok "still locked, the attempt was not counted: $(grep -E 'attempts left' <<<"$after")"
	else
		drv_fail "the attempt was counted or the root changed state"
	fi
	# The console's copy of the answer and any OOM report reach the log.
	sleep 2
}
unlock_drive scenario --stop
VM_MEM=768
unlock_vm_boot unlock --disk a2big --timeout 180 --verbose --until '' \
	-- "root=UUID=$ROOT_UUID ip=dhcp rd.timeout=120"
unlock_drive_finish
expect_log "$NOMEM_RE" "the console says which slot needs how much memory and how much there is"
expect_no_log 'Out of memory|oom-kill|oom_reaper|Killed process' "no OOM kill"
# What the unchecked derivation left (libcryptsetup's and the kernel's words
# when the 1 GiB allocation fails): the memory was never asked for.
expect_no_log 'Not enough available memory|no enough memory for the allocation' \
	"the slot's memory was not even asked for"
expect_no_log "opened $DEV" "the root was not opened"
expect_argon2_survived
vm_done
