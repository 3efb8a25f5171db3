#!/bin/bash
# bench/run.sh: sesame build vs Debian's mkinitramfs, same kernel, same run.
# Builds sesame's image (dropbear, busybox, mdadm, lvm, the generic module
# set) and mkinitramfs's (MODULES=most, dropbear-initramfs,
# cryptsetup-initramfs) for the cached Debian kernel, then prints times,
# sizes and ratios against the targets (ours under 1 s, at most 1/3 the
# size). Run by `make bench` (which installs the packages first).
# Options: --runs N (our build, default 5), --skip-mkinitramfs.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
sesame=${SESAME:-$here/build/bin/sesame}
runs=5
skip_mk=0
while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=$2; shift 2 ;;
	--skip-mkinitramfs) skip_mk=1; shift ;;
	*) echo "usage: $0 [--runs N] [--skip-mkinitramfs]" >&2; exit 2 ;;
	esac
done

kdir=$("$here/tests/vm/fetch-kernel.sh")
kver=$(basename "$(ls -d "$kdir"/lib/modules/*/ | head -1)")
moddir=$kdir/lib/modules
out=${SESAME_CACHE:-$HOME/.cache/sesame}/bench
mkdir -p "$out"
work=$(mktemp -d /tmp/sesame-bench.XXXXXX)
created_link=""
created_config=""
created_dir=""
cleanup() {
	if [ -n "$created_link" ]; then rm -f "$created_link"; fi
	if [ -n "$created_config" ]; then rm -f "$created_config"; fi
	if [ -n "$created_dir" ]; then rmdir "$created_dir" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

# A private copy: others may relink build/bin/sesame during the run.
cp "$sesame" "$work/sesame"
sesame=$work/sesame

now() { date +%s.%N; }
size_of() { stat -c %s "$1"; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }

# ---- ours ----------------------------------------------------------------
init_args=()
if [ -x "$here/build/bin/sesame-init" ]; then
	init_args=(--init "$here/build/bin/sesame-init")
else
	echo "bench: build/bin/sesame-init missing; using /bin/true as /init" >&2
	init_args=(--init /bin/true)
fi
bins=()
for b in /usr/sbin/dropbear /sbin/mdadm /sbin/lvm; do
	if [ -e "$b" ]; then
		bins+=(-b "$b")
	else
		echo "bench: $b missing (install dropbear-bin, mdadm, lvm2)" >&2
	fi
done
ours=$out/sesame.img
times=()
for i in $(seq 1 "$runs"); do
	t0=$(now)
	"$sesame" build -q "${init_args[@]}" "${bins[@]}" -k "$kver" \
		--moddir "$moddir" -o "$ours" 2>"$work/ours.err"
	t1=$(now)
	times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')")
done
sort_times=$(printf '%s\n' "${times[@]}" | sort -n)
ours_min=$(head -1 <<<"$sort_times")
ours_med=$(sed -n "$(((runs + 1) / 2))p" <<<"$sort_times")
ours_size=$(size_of "$ours")
"$sesame" ls "$ours" >"$work/ours.ls"
ours_entries=$(tail -1 "$work/ours.ls")
# CPU time of one more build (the wall time depends on machine load).
/usr/bin/time -o "$work/time" -f '%U %S' "$sesame" build -q \
	"${init_args[@]}" "${bins[@]}" -k "$kver" --moddir "$moddir" \
	-o "$ours" 2>/dev/null
ours_cpu=$(awk '{ printf "%.3f", $1 + $2 }' "$work/time")
sed 's/^/  ours: /' "$work/ours.err" >&2

echo "sesame build: ${runs} runs, wall min ${ours_min} s, median ${ours_med} s," \
	"cpu ${ours_cpu} s; $(mib "$ours_size") ($ours_entries)"
echo "  load average now: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"

if [ "$skip_mk" = 1 ]; then
	exit 0
fi

# ---- mkinitramfs ---------------------------------------------------------
command -v mkinitramfs >/dev/null || {
	echo "bench: mkinitramfs missing (scripts/deps.sh bench)" >&2
	exit 1
}
# mkinitramfs reads /lib/modules/KVER: lend it the cached tree for the run.
if [ ! -e "/lib/modules/$kver" ]; then
	if [ ! -d /lib/modules ]; then
		mkdir /lib/modules
		created_dir=/lib/modules
	fi
	ln -s "$moddir/$kver" "/lib/modules/$kver"
	created_link=/lib/modules/$kver
fi
# It also reads /boot/config-KVER to learn which compressions the kernel
# takes.
if [ ! -e "/boot/config-$kver" ] && [ -f "$kdir/boot/config-$kver" ]; then
	mkdir -p /boot
	ln -s "$kdir/boot/config-$kver" "/boot/config-$kver"
	created_config=/boot/config-$kver
fi
conf=$work/initramfs-tools
cp -a /etc/initramfs-tools "$conf"
sed -i 's/^MODULES=.*/MODULES=most/; s/^COMPRESS=.*/COMPRESS=zstd/' \
	"$conf/initramfs.conf"
grep -q '^COMPRESS=' "$conf/initramfs.conf" ||
	echo COMPRESS=zstd >>"$conf/initramfs.conf"
mk=$out/mkinitramfs.img
t0=$(now)
# Written aside and renamed: tests read the cached copy.
CRYPTSETUP=y mkinitramfs -d "$conf" -o "$work/mk.img" "$kver" \
	2>"$work/mk.err" || {
	cat "$work/mk.err" >&2
	exit 1
}
t1=$(now)
mv "$work/mk.img" "$mk.tmp" && mv "$mk.tmp" "$mk"
mk_time=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
mk_size=$(size_of "$mk")
"$sesame" ls "$mk" >"$work/mk.ls"
mk_entries=$(tail -1 "$work/mk.ls")
has() { grep -q -- "$1" "$work/mk.ls" && echo yes || echo no; }
echo "mkinitramfs:  wall ${mk_time} s; $(mib "$mk_size") ($mk_entries;" \
	"dropbear $(has /dropbear$), cryptsetup $(has /cryptsetup$))"

echo "  modules: ours $(grep -c '\.ko' "$work/ours.ls"), mkinitramfs" \
	"$(grep -c '\.ko' "$work/mk.ls")"
awk -v ot="$ours_med" -v os="$ours_size" -v mt="$mk_time" -v ms="$mk_size" '
BEGIN {
	printf "ratio ours/mkinitramfs: time %.4f (%.0fx faster), size %.3f\n",
		ot / mt, mt / ot, os / ms
	printf "target build < 1 s: %s; target size <= 1/3: %s\n",
		ot < 1 ? "met" : "MISSED", os * 3 <= ms ? "met" : "MISSED"
}'
