#!/bin/bash
# Rescue over SSH: the root is missing, boot ends in its emergency with SSH up; a rescue key gets busybox's shell (and a pty), sesame-status shows the boot, --resume makes init try again.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-unlock.sh
. "$(dirname "$0")/../lib-unlock.sh"

unlock_keys
unlock_image unlock
decoy_disk decoy
unlock_nic

# shellcheck disable=SC2317 # called by the driver (unlock_drive)
scenario() {
	local _
	for _ in $(seq 60); do
		[ "$(live_count "$EMERGENCY_RE")" -ge 1 ] && break
		sleep 0.5
	done
	# shellcheck disable=SC2016 # for the guest's shell
	check "a rescue key gets a shell" 0 '^SHELL-42$' uss rescue 'echo SHELL-$((6*7))'
	check "a rescue key gets a pty (ssh -tt)" 0 '/dev/pts/' uss_pty "sleep 2" rescue -tt tty
	check "sesame-status in the rescue shell" 0 'ssh: dropbear running' \
		uss rescue sesame-status
	check "an unlock key cannot run sesame-status --resume" 2 'may only run' \
		uss unlock sesame-status --resume
	local n0
	n0=$(live_count "$EMERGENCY_RE")
	check "sesame-status --resume: init tries the boot again" 0 'resume: block devices rescanned' \
		uss rescue sesame-status --resume
	for _ in $(seq 60); do
		[ "$(live_count "$EMERGENCY_RE")" -gt "$n0" ] && break
		sleep 0.5
	done
	check "after the resume the boot waited again (rd.timeout=5) and gave up again" 0 '' \
		test "$(live_count "$EMERGENCY_RE")" -gt "$n0"
}

unlock_drive scenario --stop
unlock_vm_boot unlock --disk decoy --timeout 150 --until '' \
	-- "root=UUID=$NONE_UUID rd.timeout=5 ip=dhcp"
unlock_drive_finish
expect_log 'SSH stays up for rescue' "SSH stays up in the emergency"
expect_log 'resume asked for over the unlock socket' "init was asked to resume"
expect_no_log "$PANIC_RE" "no kernel panic"
vm_done
