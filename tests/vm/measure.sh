#!/bin/bash
# measure.sh [RUNS] [-- SESAME-BUILD-ARGS]: boots the default test image
# (or one built with the given arguments) RUNS times (default 5) on the
# cached Debian kernel and reports, from sesame-init's handoff line
# ("sesame-init: handoff: total N ms, waiting N ms (modules N, devices N,
# ...), own N ms (fsck N), peak RSS N KiB, ..."), the guest time from
# /init's exec to the real init's exec without the waits for devices and
# module loading ("own"; target 150 ms) and init's peak RSS (target
# 4 MiB) and PID 1's longest event-loop stall (target 50 ms). Cross-checks from the kernel's side (no quiet): the guest time
# from "Run /init" to the real root's marker, and from the kernel's start
# to "Run /init" (unpacking the image), from "Run /init" to sesame-init's
# first line (exec2main: the exec and dynamic loading, before sesame-init's
# own clock starts) and own_exec (own time counted from the exec, by the
# kernel's timestamps: handoff line - Run /init - waiting). All times are
# guest milliseconds. With MEASURE_REFERENCE=1 (the
# default) each run also boots the harness's busybox initramfs
# (t/smoke-init: insmod of the same modules, mount, switch_root) on the
# same disk, as a yardstick for how loaded the machine is: "bb_mods_ms" is
# its module loading and waiting for the disk, "bb_init2root_ms" its /init
# to the real root's marker.
export TEST_NAME=measure
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

runs=5
if [ $# -gt 0 ] && [ "$1" != -- ]; then
	runs=$1
	shift
fi
[ "${1:-}" != -- ] || shift
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "usage: measure.sh [RUNS] [-- SESAME-BUILD-ARGS]"

# median N...: the middle value (the lower middle for an even count).
median() {
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
maximum() {
	printf '%s\n' "$@" | sort -n | tail -1
}

# stamp_of REGEX: the kernel timestamp of the first log line matching REGEX.
stamp_of() {
	grep -m1 -E -- "$1" "$LOG_TXT" | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p'
}

# field LINE REGEX: the number REGEX's group catches in LINE, or "?".
field() {
	if [[ $1 =~ $2 ]]; then
		echo "${BASH_REMATCH[-1]}"
	else
		echo "?"
	fi
}

COLS='%-6s %8s %8s %8s %6s %5s %6s %8s %9s %9s %9s %9s %7s %8s\n'

main() {
	local i line kinit t v
	declare -A col=()
	local names=(total waiting modules own fsck rss stall unpack root ld ownx bbmods bbroot)
	local ref=${MEASURE_REFERENCE:-1} a b
	image_build default "$@"
	root_disk root
	[ "$ref" = 0 ] || busybox_image smoke "$VM_DIR/t/smoke-init" "${VM_MODULES[@]}"
	# shellcheck disable=SC2059 # the format is ours
	printf "$COLS" run total_ms wait_ms mods_ms own_ms fsck rssKiB stall_ms kern2init init2root exec2main own_exec \
		bb_mods bb_total
	for ((i = 1; i <= runs; i++)); do
		vm_boot default --verbose --disk root --log "$VM_LOGDIR/sesame-$i.log" \
			-- "root=UUID=$ROOT_UUID" >/dev/null
		marker_read || die "run $i: the real root's init did not run (log: $LOG)"
		line=$(grep -m1 -E '^sesame-init: handoff: ' "$LOG_TXT") ||
			die "run $i: no handoff line from sesame-init (log: $LOG)"
		kinit=$(sed -n 's/^\[ *\([0-9.]*\)\] Run \/init as init process.*/\1/p' "$LOG_TXT" | sed -n 1p)
		t=$(field "$line" 'total ([0-9]+) ms')
		col[total]+="$t " && v=("$t")
		t=$(field "$line" 'waiting ([0-9]+) ms') && col[waiting]+="$t " && v+=("$t")
		t=$(field "$line" 'modules ([0-9]+)') && col[modules]+="$t " && v+=("$t")
		t=$(field "$line" 'own ([0-9]+) ms') && col[own]+="$t " && v+=("$t")
		t=$(field "$line" 'fsck ([0-9]+)') && col[fsck]+="$t " && v+=("$t")
		t=$(field "$line" '(peak RSS|maxrss) ([0-9]+) KiB') && col[rss]+="$t " && v+=("$t")
		t=$(field "$line" 'longest stall ([0-9]+) ms') && col[stall]+="$t " && v+=("$t")
		t=$(awk -v a="$kinit" 'BEGIN { printf "%d", a * 1000 }') && col[unpack]+="$t " && v+=("$t")
		t=$(awk -v a="$kinit" -v b="${M[uptime]}" 'BEGIN { printf "%d", (b - a) * 1000 }')
		col[root]+="$t " && v+=("$t")
		# The kernel's stamps: "Run /init" to sesame-init's first line
		# (exec, dynamic loading, up to main), and to its handoff line
		# less the waits (own time counted from the exec).
		t=$(stamp_of '\] sesame-init: start')
		t=$(awk -v a="$kinit" -v b="$t" 'BEGIN { printf "%d", (b - a) * 1000 }')
		col[ld]+="$t " && v+=("$t")
		t=$(stamp_of '\] sesame-init: handoff:')
		t=$(awk -v a="$kinit" -v b="$t" -v w="${v[1]}" 'BEGIN { printf "%d", (b - a) * 1000 - w }')
		col[ownx]+="$t " && v+=("$t")
		if [ "$ref" = 0 ]; then
			v+=(- -)
		else
			vm_boot smoke --disk root --log "$VM_LOGDIR/busybox-$i.log" >/dev/null
			marker_read || die "run $i: the busybox reference did not boot (log: $LOG)"
			a=$(sed -n 's/^SMOKE-INIT uptime=//p' "$LOG_TXT")
			b=$(sed -n 's/^SMOKE-INIT root-device uptime=//p' "$LOG_TXT")
			t=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%d", (b - a) * 1000 }')
			col[bbmods]+="$t " && v+=("$t")
			t=$(awk -v a="$a" -v b="${M[uptime]}" 'BEGIN { printf "%d", (b - a) * 1000 }')
			col[bbroot]+="$t " && v+=("$t")
		fi
		# shellcheck disable=SC2059
		printf "$COLS" "$i" "${v[@]}"
		echo "       $line"
	done
	v=()
	for t in "${names[@]}"; do
		# shellcheck disable=SC2086 # a list of numbers
		v+=("$(median ${col[$t]:--})")
	done
	# shellcheck disable=SC2059
	printf "$COLS" median "${v[@]}"
	local own rss stall
	# shellcheck disable=SC2086 # lists of numbers
	own=$(median ${col[own]}) rss=$(maximum ${col[rss]})
	echo "own time (median of $runs): $own ms guest, target 150 ms: $([ "$own" -le 150 ] 2>/dev/null && echo met || echo MISSED)"
	# shellcheck disable=SC2086
	echo "own time from the exec (median; own_exec: exec2main included): $(median ${col[ownx]}) ms"
	echo "peak RSS (max of $runs): $rss KiB, target 4096 KiB: $([ "$rss" -le 4096 ] 2>/dev/null && echo met || echo MISSED)"
	# shellcheck disable=SC2086
	stall=$(maximum ${col[stall]})
	echo "longest event-loop stall (max of $runs): $stall ms, target 50 ms: $([ "$stall" -le 50 ] 2>/dev/null && echo met || echo MISSED)"
	echo "(kernel $KVER, TCG, -smp 1 -m $VM_MEM; image $(stat -c %s "${IMAGES[default]}") bytes; load: $(cut -d' ' -f1-3 /proc/loadavg))"
}

main "$@"
