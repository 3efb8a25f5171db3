#!/bin/bash
# vm-slot.sh CMD...: runs CMD holding one of two machine-wide VM slots, so no
# more than two QEMU guests (one vCPU each, TCG) ever run at once.
set -u
dir=${SESAME_VM_LOCKDIR:-/tmp}
while :; do
	for slot in 0 1; do
		exec {fd}>"$dir/sesame-vm-slot-$slot.lock"
		if flock -n "$fd"; then
			"$@"
			rc=$?
			exec {fd}>&-
			exit $rc
		fi
		exec {fd}>&-
	done
	sleep 0.5
done
