#!/bin/bash
# SSH unlock: access control (unknown key, password, shell, pty, forwarding refused), fingerprints, stdin and ssh -tt unlock, wrong then right, no secret left after the switch.
# One boot, two LUKS2 disks with different passphrases (the root and
# another), so that the stdin unlock (the other disk) and the interactive
# unlock through `ssh -tt` (the root, after a wrong passphrase) both happen
# before the switch.
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
	# Who may log in, and to what.
	check "an unknown key is refused" 255 'Permission denied' \
		uss stranger unlock --status
	check "password login is refused" 255 'Permission denied' \
		ssh -o BatchMode=no -o PreferredAuthentications=password,keyboard-interactive \
		-o PubkeyAuthentication=no -o NumberOfPasswordPrompts=1 \
		-o StrictHostKeyChecking=accept-new -o UserKnownHostsFile="$T/ssh/known_hosts" \
		-p "$UNLOCK_PORT" root@127.0.0.1 true </dev/null
	check "unlock --status: the root is locked" 0 'locked' \
		uss unlock unlock --status
	check "an unlock key gets no shell (a command)" nonzero 'may only run' \
		uss unlock 'id; cat /etc/passwd'
	check "an unlock key gets no shell (sh)" nonzero 'may only run' uss unlock sh
	check "an unlock key under -tt runs unlock only, not tty" nonzero 'may only run' \
		uss_pty "sleep 2" unlock -tt tty
	# Forwarding: a local forward's channel is refused (nothing comes
	# back), a remote forward is refused outright.
	local lport
	lport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	uss unlock -N -L "127.0.0.1:$lport:127.0.0.1:22" &
	local fwd=$!
	sleep 3
	check "an unlock key gets no local forward (-N -L)" 0 '^forward: no banner$' \
		python3 -c "
import socket, sys
s = socket.create_connection(('127.0.0.1', $lport), timeout=5)
s.settimeout(5)
try: d = s.recv(100)
except Exception: d = b''
print('forward: banner' if d.startswith(b'SSH-') else 'forward: no banner')"
	kill "$fwd" 2>/dev/null || true
	wait "$fwd" 2>/dev/null || true
	check "an unlock key gets no remote forward (-R)" 255 'forwarding failed' \
		uss unlock -o ExitOnForwardFailure=yes -N -R "127.0.0.1:2222:127.0.0.1:22"
	# Unlocking: a wrong passphrase from stdin, the other disk's from
	# stdin, then the root's interactively through ssh -tt (wrong first).
	echo wrong-one >"$T/wrong"
	check "a wrong passphrase from stdin" 1 'wrong passphrase' \
		uss_in "$T/wrong" unlock unlock
	sleep 2
	printf '%s\n' "$UNLOCK_OTHER_PASS" >"$T/pass"
	check "the other disk's passphrase from stdin opens it (ssh unlock < file)" 0 \
		"opened luks-$LUKS_OTHER_UUID" uss_in "$T/pass" unlock unlock
	check "ssh -tt: a wrong passphrase, then the right one opens the root" 0 \
		"wrong passphrase.*|opened luks-$LUKS_ROOT_UUID" \
		uss_pty "expect [Pp]assphrase
send not-the-passphrase
expect wrong passphrase
expect [Pp]assphrase
send $UNLOCK_PASS
expect opened luks-$LUKS_ROOT_UUID" unlock -tt unlock
}
unlock_drive scenario
unlock_vm_boot unlock --disk luksroot --disk luksother --timeout 150 \
	-- "root=UUID=$ROOT_UUID ip=dhcp"
unlock_drive_finish
expect_fingerprints
expect_log 'passphrase received over SSH' "init got the passphrase over SSH"
expect_log "opened luks-$LUKS_ROOT_UUID" "the LUKS2 root opened"
expect_unlocked_switch
expect_no_secrets
vm_done
