#!/bin/bash
# sesame try: Ctrl-C (SIGINT), a timeout and SIGKILL of sesame itself leave no QEMU process behind.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-unlock.sh
. "$(dirname "$0")/../lib-unlock.sh"
# shellcheck source=../lib-try.sh
. "$(dirname "$0")/../lib-try.sh"

vm_kernel
unlock_keys
unlock_image intr

# qemu_of PID: the QEMU child of sesame PID (empty until it runs).
qemu_of() { pgrep -P "$1" -f qemu-system || true; }

# start_try: sesame try in the background under a VM slot; waits until
# its QEMU runs; sets TRY_PID (sesame) and QEMU_PID.
start_try() {
	local slot _
	mkdir -p "$T/tmp"
	TMPDIR=$T/tmp "$TOP/scripts/vm-slot.sh" "$SESAME_BIN/sesame" try --kernel "$VMLINUZ" \
		--cmdline ip=dhcp "$@" "${IMAGES[intr]}" >"$T/out" 2>"$T/err" </dev/null &
	slot=$!
	TRY_PID='' QEMU_PID=''
	for _ in $(seq 600); do # a slot may take a while
		TRY_PID=$(pgrep -P "$slot" -f 'sesame try' || true)
		[ -n "$TRY_PID" ] && QEMU_PID=$(qemu_of "$TRY_PID")
		[ -n "$QEMU_PID" ] && break
		sleep 0.5
	done
	[ -n "$QEMU_PID" ] || die "sesame try did not start QEMU"
	SLOT_PID=$slot
	sleep 3 # QEMU is booting
}

# gone PID WHAT: PID is gone within 10 s.
gone() {
	local _
	for _ in $(seq 50); do
		kill -0 "$1" 2>/dev/null || {
			ok "$2"
			return
		}
		sleep 0.2
	done
	fail "$2: pid $1 still runs"
	kill -KILL "$1" 2>/dev/null || true
}

start_try
kill -INT "$TRY_PID"
rc=0
wait "$SLOT_PID" || rc=$?
if [ "$rc" = 130 ]; then
	ok "Ctrl-C: sesame try exited 130"
else
	fail "Ctrl-C: exit $rc, wanted 130"
fi
gone "$QEMU_PID" "Ctrl-C: QEMU ended"
if grep -q 'Interrupt: stopping QEMU' "$T/err"; then
	ok "Ctrl-C: it says so"
else
	fail "Ctrl-C: no message ($(cat "$T/err"))"
fi
left=$(ls -A "$T/tmp")
if [ -z "$left" ]; then
	ok "Ctrl-C: its temporary files are removed"
else
	fail "Ctrl-C: left in TMPDIR: $left"
fi

start_try
kill -KILL "$TRY_PID"
wait "$SLOT_PID" || true
gone "$QEMU_PID" "SIGKILL of sesame: QEMU ended (PR_SET_PDEATHSIG)"
rm -rf "$T/tmp" # a killed sesame cannot remove its own

start_try --timeout 5
rc=0
wait "$SLOT_PID" || rc=$?
if [ "$rc" = 1 ]; then
	ok "--timeout: sesame try exited 1"
else
	fail "--timeout: exit $rc"
fi
gone "$QEMU_PID" "--timeout: QEMU ended"
if grep -q 'not seen within 5 s (--timeout)' "$T/out"; then
	ok "--timeout: the report says so"
else
	fail "--timeout: no reason in the report"
fi
expect_no_qemu_left "${IMAGES[intr]}"
vm_done
