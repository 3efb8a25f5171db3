#!/bin/bash
# A crashing unlock worker: killed with SIGABRT and SIGSEGV (from a rescue shell) in the middle of an Argon2id key derivation; PID 1 lives on, counts each as an attempt, and the next passphrase opens the root.
# The worker is what aborted in PID 1 before (glibc cannot dlopen
# libgcc_s when an Argon2 thread exits): here a rescue session kills it
# while it derives, which a real kernel shows the way a crash would.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-unlock.sh
. "$(dirname "$0")/../lib-unlock.sh"

unlock_keys
unlock_image unlock
unlock_root_tree "$T/root"
disk_ext4 unlockroot "$T/root" "$ROOT_UUID" "$ROOT_LABEL"
unlock_slow_argon2_disk
unlock_nic
printf '%s\n' "$UNLOCK_PASS" >"$T/pass"

# kill_worker SIG: in a rescue session, waits for the unlock worker and
# sends it SIG (busybox pidof matches the name set with PR_SET_NAME).
kill_worker() {
	# shellcheck disable=SC2016 # for the guest's shell
	uss rescue "for i in \$(seq 2000); do p=\$(pidof unlock-worker) && { kill -$1 \$p; echo killed-\$p; exit 0; }; usleep 20000; done; exit 1"
}

# shellcheck disable=SC2317 # called by the driver (unlock_drive)
scenario() {
	local sig killer
	for sig in ABRT SEGV; do
		kill_worker "$sig" >"$T/killer.$sig" 2>&1 &
		killer=$!
		sleep 3 # the rescue session is looking before the unlock starts
		check "the worker killed with SIG$sig: a failed attempt, answered" 1 \
			'the attempt failed: the unlock worker was killed by signal' \
			uss_in "$T/pass" unlock unlock
		wait "$killer" || true
		check "the rescue session killed the worker (SIG$sig)" 0 '^killed-' \
			cat "$T/killer.$sig"
		sleep 2 # the delay after a counted attempt
	done
	check "PID 1 lives on: two attempts counted" 0 '8 passphrase attempts left' \
		uss unlock unlock --status
	check "the next passphrase opens the root" 0 "opened luks-$LUKS_ROOT_UUID" \
		uss_in "$T/pass" unlock unlock
}

unlock_drive scenario
unlock_vm_boot unlock --disk luksargon --timeout 240 \
	-- "root=UUID=$ROOT_UUID ip=dhcp"
unlock_drive_finish
expect_log 'the unlock worker was killed by signal 6' "the abort was seen and named"
expect_log 'the unlock worker was killed by signal 11' "the segfault was seen and named"
expect_no_log "$PANIC_RE" "no kernel panic"
expect_unlocked_switch
vm_done
