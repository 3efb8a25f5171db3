#!/bin/bash
# demo.sh (make demo): builds an image for the cached Debian kernel, makes a
# demo disk, and boots it in QEMU (TCG) with the serial console streaming
# here, through sesame-init to the real root. Exits 0 once the real root's
# init has run. DEMO_VERBOSE=1 shows the kernel's messages too.
export TEST_NAME=demo
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# show_image IMAGE: `sesame ls`, summarised: the files and links outside
# /lib/modules, then one line for the modules.
show_image() {
	local img=$1
	echo "== the image: $img ($(stat -c %s "$img") bytes), from \`sesame ls\`:"
	"$SESAME_BIN/sesame" ls "$img" >"$T/ls.txt" || die "sesame ls failed"
	awk '
		/^#/ { print; next }
		$NF ~ /^\/lib\/modules\// || $(NF-2) ~ /^\/lib\/modules\// {
			if ($1 ~ /^-/ && $NF ~ /\.ko$/) { n++; sz += $4 }
			next
		}
		$1 !~ /^d/ { print }
		END { printf "(and %d kernel modules, %d KiB, under /lib/modules)\n", n, sz / 1024 }
	' "$T/ls.txt"
}

main() {
	vm_kernel
	echo "== kernel: $KVER (cached in $KDIR)"
	image_build demo
	show_image "${IMAGES[demo]}"
	root_disk root
	echo "== demo disk: ext4 LABEL=$ROOT_LABEL UUID=$ROOT_UUID as /dev/vda"
	echo "== booting (serial console follows; VM timeout $VM_TIMEOUT s)"
	local v=()
	[ "${DEMO_VERBOSE:-0}" = 1 ] && v=(--verbose)
	vm_boot demo --watch "${v[@]}" --disk root -- "root=LABEL=$ROOT_LABEL"
	echo "== VM $VM_STATUS after $VM_WALL s wall; serial log: $LOG"
	if marker_read; then
		echo "== the real root's init ran as PID ${M[pid]} at ${M[uptime]} s guest time"
		grep -m1 '^sesame-init: handoff:' "$LOG_TXT" || true
		exit 0
	fi
	echo "== the boot did not reach the real root" >&2
	exit 1
}

main "$@"
