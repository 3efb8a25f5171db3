#!/bin/bash
# measure.sh [RUNS]: boots the default test image RUNS times (default 5) on
# the cached Debian kernel and reports, from sesame-init's own handoff line
# ("sesame-init: handoff: total N ms, waiting N ms, own N ms, maxrss N
# KiB"), the guest time from /init's exec to the real init's exec without
# the waits for devices and module loading ("own"; target 150 ms) and
# init's peak RSS (target 4 MiB). Cross-check from the kernel's side (no
# quiet): the guest uptime from "Run /init" to the real root's marker.
export TEST_NAME=measure
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

runs=${1:-5}
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "usage: measure.sh [RUNS]"

# median N...: the middle value (the lower middle for an even count).
median() {
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
maximum() {
	printf '%s\n' "$@" | sort -n | tail -1
}

main() {
	local i line total waiting own rss kinit kroot
	local a_total=() a_wait=() a_own=() a_rss=() a_kern=()
	image_build default
	root_disk root
	printf '%-4s %9s %11s %7s %11s %16s\n' run total_ms waiting_ms own_ms maxrss_KiB init_to_root_ms
	for ((i = 1; i <= runs; i++)); do
		vm_boot default --verbose --disk root -- "root=UUID=$ROOT_UUID" >/dev/null
		marker_read || die "run $i: the real root's init did not run (log: $LOG)"
		line=$(grep -m1 -E '^sesame-init: handoff: ' "$LOG_TXT") ||
			die "run $i: no handoff line from sesame-init (log: $LOG)"
		[[ $line =~ total\ ([0-9]+)\ ms,\ waiting\ ([0-9]+)\ ms,\ own\ ([0-9]+)\ ms,\ maxrss\ ([0-9]+)\ KiB ]] ||
			die "run $i: cannot parse: $line"
		total=${BASH_REMATCH[1]} waiting=${BASH_REMATCH[2]}
		own=${BASH_REMATCH[3]} rss=${BASH_REMATCH[4]}
		# The kernel's timestamp of "Run /init" and the marker's uptime.
		kinit=$(sed -n 's/^\[ *\([0-9.]*\)\] Run \/init as init process.*/\1/p' "$LOG_TXT" | head -1)
		kroot=${M[uptime]}
		a_total+=("$total") a_wait+=("$waiting") a_own+=("$own") a_rss+=("$rss")
		a_kern+=("$(awk -v a="$kinit" -v b="$kroot" 'BEGIN { printf "%d", (b - a) * 1000 }')")
		printf '%-4s %9s %11s %7s %11s %16s\n' "$i" "$total" "$waiting" "$own" "$rss" "${a_kern[-1]}"
	done
	printf '%-4s %9s %11s %7s %11s %16s\n' median "$(median "${a_total[@]}")" \
		"$(median "${a_wait[@]}")" "$(median "${a_own[@]}")" \
		"$(median "${a_rss[@]}")" "$(median "${a_kern[@]}")"
	own=$(median "${a_own[@]}")
	rss=$(maximum "${a_rss[@]}")
	echo "own time (median of $runs): $own ms guest, target 150 ms: $([ "$own" -le 150 ] && echo met || echo MISSED)"
	echo "peak RSS (max of $runs): $rss KiB, target 4096 KiB: $([ "$rss" -le 4096 ] && echo met || echo MISSED)"
	echo "(kernel $KVER, TCG, -smp 1 -m $VM_MEM; image $(stat -c %s "${IMAGES[default]}") bytes)"
}

main
