#!/bin/bash
# measure-storage.sh [RUNS]: the storage stages of LUKS on md RAID1 with LVM
# inside (tests/vm/t/81-storage-luks-raid1-lvm.sh, unlocked over SSH), RUNS
# times (3): last RAID member appeared -> array started, plus LUKS opened ->
# root mounted (guest time from the kernel's timestamps; the wait for the
# passphrase and the PBKDF are left out); then the medians; PID 1's longest
# event-loop stall (target 50 ms) and its passphrase-to-exec time (the
# handoff line's "unlocked to exec", counted from the derivation's end:
# target 300 ms) from the same boots. And the image
# size mdadm, lvm and their libraries add: the default image of this
# machine's cached VM kernel with and without --no-storage.
set -euo pipefail
VM_DIR=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$VM_DIR/../.." && pwd)
runs=${1:-3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for ((i = 1; i <= runs; i++)); do
	TEST_NAME=81-storage-luks-raid1-lvm "$VM_DIR/t/81-storage-luks-raid1-lvm.sh" \
		>"$out/run$i.log" 2>&1 || true
	line=$(grep -m1 'MEASURE storage' "$out/run$i.log" || true)
	echo "run $i: ${line:-no measurement (see $out/run$i.log)}"
	echo "$line" | sed -nE 's/.*member-to-md ([0-9]+) ms, luks-open-to-root-mount ([0-9]+) ms, total ([0-9]+) ms.*/\1 \2 \3/p' >>"$out/nums"
	h=$(grep -m1 -E 'sesame-init: handoff: ' "$TOP/build/vm-logs/81-storage-luks-raid1-lvm/serial.log.txt" 2>/dev/null || true)
	echo "$h" | sed -nE 's/.*longest stall ([0-9]+) ms.*unlocked to exec ([0-9]+) ms.*/\1 \2/p' >>"$out/pid1"
	echo "       ${h#*handoff: }"
done
if [ -s "$out/pid1" ]; then
	stall=$(cut -d' ' -f1 "$out/pid1" | sort -n | tail -1)
	u2e=$(cut -d' ' -f2 "$out/pid1" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
	echo "PID 1's longest event-loop stall (max of $runs): $stall ms, target 50 ms: $([ "$stall" -le 50 ] && echo met || echo MISSED)"
	echo "passphrase (derivation done) to the real init's exec (median of $runs): $u2e ms, target 300 ms: $([ "$u2e" -le 300 ] && echo met || echo MISSED)"
fi
if [ -s "$out/nums" ]; then
	for col in 1 2 3; do
		cut -d' ' -f$col "$out/nums" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
	done | paste -sd' ' | awk '{ printf "median: member-to-md %d ms, luks-open-to-root-mount %d ms, total %d ms\n", $1, $2, $3 }'
fi

# The size: both images for the cached kernel, the generic module set
# (which has the md and dm modules either way), no SSH keys.
KDIR=$("$VM_DIR/fetch-kernel.sh")
KVER=${KDIR##*/kernel-}
for m in with without; do
	a=()
	[ $m = without ] && a=(--no-storage)
	"$TOP/build/bin/sesame" build -q -o "$out/img-$m" --kver "$KVER" \
		--moddir "$KDIR/lib/modules" --mdadm-conf none --no-ssh "${a[@]}" 2>/dev/null
	"$TOP/build/bin/sesame" ls "$out/img-$m" | awk '$1 ~ /^-/ { print $4, $5 }' | sort -k2 >"$out/ls-$m"
done
echo "image: $(stat -c %s "$out/img-with") bytes with storage, $(stat -c %s "$out/img-without") without (zstd): +$(($(stat -c %s "$out/img-with") - $(stat -c %s "$out/img-without"))) bytes"
join -1 2 -2 2 -v 1 "$out/ls-with" "$out/ls-without" | awk '{ printf "  %9d %s\n", $2, $1; s += $2 } END { printf "  %9d uncompressed in all\n", s }'
