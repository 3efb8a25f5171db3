#!/bin/bash
# A 1 GiB Argon2id keyslot on a 2 GiB VM: while a wrong passphrase from SSH is being derived, a second SSH session gets the status and a line typed on the console gets "please wait"; that line is tried next and opens the root.
# Issue 10: the derivation (tens of seconds in TCG) must not stall SSH or
# the console. "During" is shown on the host: the first `ssh ... unlock`
# has neither answered nor exited when the status comes back and when the
# console says "please wait", and its "wrong passphrase" comes after.
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

# wait_log REGEX SECONDS MIN: until the console log has more than MIN lines
# matching REGEX (0 when it does in time).
# shellcheck disable=SC2317 # called by the driver
wait_log() {
	local deadline
	deadline=$(($(now_ms) + $2 * 1000))
	until [ "$(live_count "$1")" -gt "$3" ]; do
		[ "$(now_ms)" -le "$deadline" ] || return 1
		sleep 0.2
	done
}

# first_still_waiting WHAT: drv_ok when the first ssh unlock (FIRST_PID) is
# alive and has printed nothing, drv_fail otherwise.
# shellcheck disable=SC2317 # called by the driver
first_still_waiting() {
	if kill -0 "$FIRST_PID" 2>/dev/null && [ ! -s "$T/first.out" ]; then
		drv_ok "$1, while the first ssh unlock was still waiting for its answer"
	else
		drv_fail "$1 only after the first ssh unlock had ended ($(cat "$T/first.out"))"
	fi
}

# shellcheck disable=SC2317 # called by the driver (unlock_drive)
scenario() {
	local got please early rc deadline
	check "unlock --status: the root is locked" 0 "^$DEV \(/dev/vda\): locked" \
		uss unlock unlock --status
	echo not-the-passphrase >"$T/wrong"
	got=$(live_count 'passphrase received over SSH')
	uss_in "$T/wrong" unlock unlock >"$T/first.out" 2>&1 &
	FIRST_PID=$!
	if ! wait_log 'passphrase received over SSH' 60 "$got"; then
		drv_fail "init did not say it got the passphrase over SSH"
		return 0
	fi
	drv_ok "the wrong passphrase is being tried (1 GiB Argon2id)"
	# (a) SSH answers during the derivation.
	check "a second ssh session gets the status during the derivation" 0 \
		"^$DEV \(/dev/vda\): locked" uss unlock unlock --status &&
		first_still_waiting "the status came back"
	# (b) The console answers a typed line during the derivation; the line
	# (the right passphrase) is the next one tried.
	please=$(live_count 'please wait: ')
	early=$(live_count 'too early|not tried')
	printf '%s\r' "$UNLOCK_PASS" >"$T/con.in"
	if wait_log 'please wait: a passphrase from SSH is being tried; yours is next' 60 "$please"; then
		first_still_waiting "the console said \"please wait\""
	else
		drv_fail "no \"please wait\" on the console within 60 s of typing a line"
	fi
	rc=0
	wait "$FIRST_PID" || rc=$?
	sed 's/^/  [first ssh unlock] /' "$T/first.out"
	if [ "$rc" = 1 ] && log_has 'wrong passphrase' "$T/first.out"; then
		drv_ok "then the first ssh unlock got its answer: wrong passphrase (exit 1)"
	else
		drv_fail "the first ssh unlock: exit $rc, no 'wrong passphrase'"
	fi
	# The console's line was promised to be next: it opens the root. If it
	# is dropped ("too early", "not tried") or nothing comes, say so and
	# open the root over SSH, so the rest of the boot is still checked.
	deadline=$(($(now_ms) + 240000))
	until log_has "opened $DEV"; do
		if [ "$(live_count 'too early|not tried')" -gt "$early" ] ||
			[ "$(now_ms)" -gt "$deadline" ]; then
			drv_fail "the line typed on the console was not tried next (see the console); the right passphrase over SSH instead"
			printf '%s\n' "$UNLOCK_PASS" >"$T/pass"
			uss_in "$T/pass" unlock unlock || true
			return 0
		fi
		sleep 0.2
	done
	drv_ok "the line typed on the console was tried next and opened the root"
}
unlock_drive scenario
VM_MEM=2048
# rd.timeout: generous, two derivations of about a minute each in TCG
# (the boot waits while a device is locked; this is the backstop).
unlock_vm_boot unlock --disk a2big --timeout 400 --verbose \
	-- "root=UUID=$ROOT_UUID ip=dhcp rd.timeout=300"
unlock_drive_finish
expect_argon2_survived
expect_log 'passphrase received over SSH' "init got the wrong passphrase over SSH"
expect_log 'passphrase attempt 1 of [0-9]+ failed' "the wrong passphrase counted as one failed attempt"
expect_log "opened $DEV \(/dev/vda\) with key slot 0" "the 1 GiB Argon2id root opened"
expect_no_log 'Out of memory|oom-kill|Killed process' "no OOM kill"
expect_unlocked_switch
expect_no_secrets
# The derivations' lengths, in guest time by the kernel's timestamps
# (a measure for the report, not a check): the wrong one from its receipt to
# its failure, the right one from that failure to the opening (so with the
# back-off delay after a failed attempt).
awk '
	function stamp(l) { sub(/^\[ */, "", l); sub(/\].*/, "", l); return l + 0 }
	!/^\[ *[0-9.]+\] / { next }
	/passphrase received over SSH/ && a == "" { a = stamp($0) }
	/passphrase attempt 1 of/ && a != "" && b == "" { b = stamp($0) }
	/opened luks-/ && b != "" && c == "" { c = stamp($0) }
	END {
		if (b != "") printf "[measure] wrong passphrase, 1 GiB Argon2id: %.1f s guest time\n", b - a
		if (c != "") printf "[measure] failure to opened (back-off, right passphrase): %.1f s guest time\n", c - b
	}' "$LOG_TXT"
vm_done
