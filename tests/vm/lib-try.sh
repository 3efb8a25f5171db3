# lib-try.sh: `sesame try` from the VM tests (tests/vm/t/9*-try-*.sh).
# Source it after lib.sh and lib-unlock.sh. `sesame try` starts its own
# QEMU; it runs through scripts/vm-slot.sh like every other guest, with the
# cached kernel (the host's own kernel may not be in /boot here).
# shellcheck shell=bash

# The modules of the host's NICs that are up (device/driver/module) and
# that the cached kernel has, as -m arguments in TRY_HOST_NIC_ARGS, so that
# a good image passes the host NIC step on any machine.
try_host_nic_modules() {
	local d m
	TRY_HOST_NIC_ARGS=()
	for d in /sys/class/net/*; do
		[ -e "$d/device/driver/module" ] || continue
		grep -q '^0x[0-9a-f]*[13579bdf]$' "$d/flags" 2>/dev/null || continue
		m=$(basename "$(readlink "$d/device/driver/module")")
		modinfo -b "$KDIR" -k "$KVER" "$m" >/dev/null 2>&1 &&
			TRY_HOST_NIC_ARGS+=(-m "$m")
	done
}

# try_run ARGS...: sesame try --kernel (cached) ARGS, under a VM slot; the
# report in $TRY_OUT, stderr (progress) in $TRY_ERR, exit status in TRY_RC.
try_run() {
	vm_kernel
	TRY_OUT=$VM_LOGDIR/try.out
	TRY_ERR=$VM_LOGDIR/try.err
	TRY_RC=0
	say "sesame try $*"
	"$TOP/scripts/vm-slot.sh" "$SESAME_BIN/sesame" try --kernel "$VMLINUZ" \
		--timeout 240 "$@" >"$TRY_OUT" 2>"$TRY_ERR" </dev/null || TRY_RC=$?
	sed 's/^/    | /' "$TRY_OUT"
	sed 's/^/    ! /' "$TRY_ERR"
}

# expect_try_rc N: sesame try exited with N.
expect_try_rc() {
	if [ "$TRY_RC" = "$1" ]; then
		ok "sesame try exited $1"
	else
		fail "sesame try exited $TRY_RC, wanted $1"
	fi
}

# expect_step TITLE MARK [REGEX]: the table's row for TITLE has MARK (ok,
# FAIL, skip) and its text matches REGEX (grep -E).
expect_step() {
	local title=$1 mark=$2 re=${3:-} row
	row=$(grep -m1 -F -- "$title  " "$TRY_OUT") || {
		fail "no row '$title' in the report"
		return
	}
	row=${row#"$title"}
	row=${row#"${row%%[! ]*}"}
	if [[ $row != "$mark "* ]]; then
		fail "step '$title': want $mark, have: $row"
	elif [ -n "$re" ] && ! grep -qE -- "$re" <<<"$row"; then
		fail "step '$title': $mark but no /$re/ in: $row"
	else
		ok "step '$title': $row"
	fi
}

# expect_no_qemu_left: no QEMU process whose command line names our
# image is running (the try killed its own on every path).
expect_no_qemu_left() {
	local img=$1 left
	left=$(pgrep -f -- "-initrd $img" || true)
	if [ -z "$left" ]; then
		ok "no QEMU left behind"
	else
		fail "QEMU left behind: $(ps -o pid,args -p "$left" | tail -n +2)"
		# shellcheck disable=SC2086 # a list of PIDs
		kill -KILL $left 2>/dev/null || true
	fi
}
