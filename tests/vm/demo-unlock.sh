#!/bin/bash
# demo-unlock.sh (for make demo): the whole remote unlock. Builds an image
# with a demo authorized key, boots a LUKS2 root in QEMU (TCG, user
# networking on 127.0.0.1 only) with the serial console streaming here,
# shows the host key fingerprints against `sesame keys show`, runs
# `ssh root@127.0.0.1 -p PORT unlock < passfile` and follows the boot to
# the real root. Exits 0 once the real root's init has run.
export TEST_NAME=demo-unlock
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=lib-unlock.sh
. "$(dirname "$0")/lib-unlock.sh"

# shellcheck disable=SC2317 # called by the driver (unlock_drive)
demo() {
	echo
	echo "== the admin's side: the fingerprints \`sesame keys show\` prints"
	"$SESAME_BIN/sesame" keys show --dir "$UNLOCK_KEYDIR" --fingerprints | sed 's/^/   /'
	echo "== the admin's side: ssh root@127.0.0.1 -p $UNLOCK_PORT unlock < passfile"
	printf '%s\n' "$UNLOCK_PASS" >"$T/passfile"
	uss_in "$T/passfile" unlock unlock 2>&1 | sed 's/^/   ssh> /'
	echo "== ssh exit status ${PIPESTATUS[0]}"
	echo
}

main() {
	vm_kernel
	echo "== kernel: $KVER (cached in $KDIR)"
	unlock_keys
	echo "== a demo key for this run: $T/ssh/unlock (unlock role)"
	unlock_image demo
	echo "== the image: ${IMAGES[demo]} ($(stat -c %s "${IMAGES[demo]}") bytes, mode $(stat -c %a "${IMAGES[demo]}"))"
	sed -n "s/^sesame: /   build: /p" "${IMAGES[demo]}.tmp.buildlog" 2>/dev/null || true
	unlock_root_tree "$T/root"
	unlock_disks "$T/root"
	echo "== demo disk: LUKS2 (passphrase '$UNLOCK_PASS') holding ext4 UUID=$ROOT_UUID as /dev/vda"
	unlock_nic
	echo "== booting (serial console follows); SSH on 127.0.0.1:$UNLOCK_PORT"
	unlock_drive demo
	# The driver's output comes to this terminal as it happens.
	tail -n +1 -F "$UNLOCK_DRV_LOG" 2>/dev/null &
	local tailer=$!
	unlock_vm_boot demo --watch --disk luksroot --timeout 150 \
		-- "root=UUID=$ROOT_UUID ip=dhcp"
	wait "$UNLOCK_DRV_PID" 2>/dev/null || true
	UNLOCK_DRV_PID=''
	kill "$tailer" 2>/dev/null || true
	echo "== VM $VM_STATUS after $VM_WALL s wall; serial log: $LOG"
	if marker_read; then
		echo "== the real root's init ran as PID ${M[pid]}; / is ${M[root]}; left over: ${M[others]}"
		grep -m1 -oE 'handoff: .*' "$LOG_TXT" || true
		exit 0
	fi
	echo "== the boot did not reach the real root" >&2
	exit 1
}

main "$@"
