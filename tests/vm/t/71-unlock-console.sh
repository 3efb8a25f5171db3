#!/bin/bash
# Console unlock while `ssh -tt ... unlock` waits: the console wins, the SSH side is told; one passphrase opens the LUKS2 root and a LUKS1 disk; the unlock-to-init time.
# The passphrase is typed on the serial console. The boot is verbose so
# that kmsg lines carry the kernel's timestamps: from "passphrase
# received" to the real init's marker is the time the issue measures
# (PBKDF2 at 1000 iterations costs about a millisecond per key slot).
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-unlock.sh
. "$(dirname "$0")/../lib-unlock.sh"

unlock_keys
unlock_image unlock
unlock_root_tree "$T/root"
unlock_disks "$T/root"
unlock_nic

# shellcheck disable=SC2317 # called by the driver (unlock_drive)
scenario() {
	check "unlock --status: two devices locked" 0 'locked' \
		uss unlock unlock --status
	check "ssh -tt waits at its prompt; the console unlocks; ssh is told" 0 \
		'unlocked from the console' \
		uss_pty "expect [Pp]assphrase
sleep 1
console $UNLOCK_PASS
expect unlocked from the console" unlock -tt unlock
}

unlock_drive scenario
unlock_vm_boot unlock --disk luksroot --disk luks1 --timeout 150 --verbose \
	-- "root=UUID=$ROOT_UUID ip=dhcp ${UNLOCK_CMDLINE_EXTRA:-}"
unlock_drive_finish
expect_log 'passphrase received on the console' "init got the passphrase on the console"
expect_log "opened luks-$LUKS_ROOT_UUID" "the LUKS2 root opened"
expect_log "opened luks-$LUKS1_UUID" "the LUKS1 disk opened with the same passphrase"
expect_no_log 'passphrase received over SSH' "nothing came over SSH"
expect_unlocked_switch
expect_no_secrets
# The measurement: "passphrase received" to the real init's exec, both
# in guest time (the kmsg timestamp; sesame-init's handoff line says
# "exec at S").
t0=$(grep -m1 -E '^\[ *[0-9.]+\] .*passphrase received' "$LOG_TXT" |
	sed -E 's/^\[ *([0-9.]+)\].*/\1/')
t1=$(grep -m1 -oE 'handoff: .* exec at [0-9.]+ s' "$LOG_TXT" | sed -E 's/.*exec at ([0-9.]+) s/\1/')
if [ -n "$t0" ] && [ -n "$t1" ]; then
	ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", (b - a) * 1000 }')
	say "MEASURE passphrase-to-real-init: ${ms} ms guest time (passphrase at $t0 s, exec at $t1 s)"
	grep -E '^\[ *[0-9.]+\] .*(opened luks|switching|handoff:)' "$LOG_TXT" | sed 's/^/    /'
else
	fail "no timestamps for the measurement"
fi
vm_done
