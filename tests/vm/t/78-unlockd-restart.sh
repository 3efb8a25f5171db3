#!/bin/bash
# sesame-unlockd killed (SIGKILL, then SIGABRT) in the middle of an Argon2id key derivation: PID 1 restarts it, the prompt and the socket come back, each cut attempt is counted, and the boot completes with the next passphrase.
# The unlock process owns libcryptsetup; PID 1 only supervises it. A
# rescue session kills it while its worker derives, as a crash in
# libcryptsetup or a hostile header would end it.
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

# kill_unlockd SIG: in a rescue session, waits until the worker derives,
# then sends SIG to sesame-unlockd itself.
kill_unlockd() {
	# shellcheck disable=SC2016 # for the guest's shell
	uss rescue "for i in \$(seq 2000); do pidof unlock-worker >/dev/null && p=\$(pidof sesame-unlockd) && { kill -$1 \$p; echo killed-\$p; exit 0; }; usleep 20000; done; exit 1"
}

# wait_socket: until a restarted sesame-unlockd answers on its socket.
wait_socket() {
	local i
	for i in $(seq 60); do
		uss unlock unlock --status >/dev/null 2>&1 && return 0
		sleep 1
	done
	return 1
}

# shellcheck disable=SC2317 # called by the driver (unlock_drive)
scenario() {
	local sig killer
	for sig in KILL ABRT; do
		kill_unlockd "$sig" >"$T/killer.$sig" 2>&1 &
		killer=$!
		sleep 3 # the rescue session is looking before the unlock starts
		check "sesame-unlockd killed with SIG$sig: the unlock gets no answer" \
			nonzero '' uss_in "$T/pass" unlock unlock
		wait "$killer" || true
		check "the rescue session killed sesame-unlockd (SIG$sig)" 0 \
			'^killed-' cat "$T/killer.$sig"
		check "PID 1 started it again: the socket answers" 0 '' wait_socket
	done
	check "each cut attempt was counted" 0 '8 passphrase attempts left' \
		uss unlock unlock --status
	sleep 3 # the delay after a counted attempt
	check "the next passphrase opens the root" 0 "opened luks-$LUKS_ROOT_UUID" \
		uss_in "$T/pass" unlock unlock
}

unlock_drive scenario
unlock_vm_boot unlock --disk luksargon --timeout 240 \
	-- "root=UUID=$ROOT_UUID ip=dhcp"
unlock_drive_finish
expect_log 'sesame-unlockd was killed by signal 9 .*during a passphrase attempt \(counted\); starting it again' \
	"PID 1 saw the SIGKILL and restarts it"
expect_log 'sesame-unlockd was killed by signal 6 .*during a passphrase attempt \(counted\); starting it again' \
	"PID 1 saw the abort and restarts it"
expect_log 'restarted: 2 passphrase attempt\(s\) already counted' \
	"the count survives the restarts"
# The console prompt is asked again by the restarted process.
if sed -n '/restarted: 2 passphrase attempt/,$p' "$LOG_TXT" |
	grep -qE 'Passphrase \(or unlock over SSH\)'; then
	ok "the console prompt came back after the restarts"
else
	fail "the console prompt came back after the restarts: not found"
fi
expect_no_log "$PANIC_RE" "no kernel panic"
expect_unlocked_switch
vm_done
