#!/bin/bash
# bench/nfs.sh [RUNS]: boot to the real init on an NFS root, sesame against
# Debian's initramfs-tools (BOOT=nfs, MODULES=netboot, klibc's nfsmount,
# v3), same kernel, same server (nfs-ganesha in a namespace of our own),
# same root, same run; then both images' sizes. Times are guest seconds:
# from the kernel's "Run /init" to the real root's marker (kernel log on
# the console, so both are stamped alike), the median of RUNS boots
# (default 3). Run by `make bench`.
export TEST_NAME=bench-nfs
# shellcheck source=../tests/vm/lib.sh
. "$(dirname "$0")/../tests/vm/lib.sh"
# shellcheck source=../tests/vm/lib-net.sh
. "$VM_DIR/lib-net.sh"
# shellcheck source=../tests/vm/lib-nfs.sh
. "$VM_DIR/lib-nfs.sh"

runs=${1:-3}
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "usage: bench/nfs.sh [RUNS]"
command -v mkinitramfs >/dev/null || die "mkinitramfs missing (scripts/deps.sh bench)"

median() {
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# mk_image_into OUT: mkinitramfs for NFS root with the cached kernel's tree.
mk_image_into() {
	local out=$1 conf=$T/itools link='' cfg=''
	if [ ! -e "/lib/modules/$KVER" ]; then
		mkdir -p /lib/modules
		ln -s "$KDIR/lib/modules/$KVER" "/lib/modules/$KVER"
		link=/lib/modules/$KVER
	fi
	if [ ! -e "/boot/config-$KVER" ] && [ -f "$KDIR/boot/config-$KVER" ]; then
		mkdir -p /boot
		ln -s "$KDIR/boot/config-$KVER" "/boot/config-$KVER"
		cfg=/boot/config-$KVER
	fi
	cp -a /etc/initramfs-tools "$conf"
	sed -i 's/^MODULES=.*/MODULES=netboot/; s/^BOOT=.*/BOOT=nfs/;
		s/^COMPRESS=.*/COMPRESS=zstd/' "$conf/initramfs.conf"
	grep -q '^BOOT=' "$conf/initramfs.conf" || echo BOOT=nfs >>"$conf/initramfs.conf"
	local rc=0
	CRYPTSETUP=n mkinitramfs -d "$conf" -o "$out" "$KVER" 2>"$T/mk.err" || rc=$?
	[ -z "$link" ] || rm -f "$link"
	[ -z "$cfg" ] || rm -f "$cfg"
	[ $rc = 0 ] || { cat "$T/mk.err" >&2; return 1; }
}

vm_kernel
nfs_image
mk=$HOME/.cache/sesame/bench/mkinitramfs-nfs-$KVER.img
say "mkinitramfs (BOOT=nfs), cached in $mk"
cached "$mk" mk_image_into
IMAGES[mk]=$mk

net_ns ns
net_tap "$ns" tap0 192.0.2.1/24
nfs_export_tree "$T/export"
NFS_TRANSPORTS='TCP, UDP'
nfs_server "$ns" 192.0.2.1 "$T/export"
ipcfg="ip=192.0.2.10::192.0.2.1:255.255.255.0:bench:eth0:off"

# boot_once IMAGE CMDLINE: prints the guest seconds from Run /init to the
# marker, or "fail".
boot_once() {
	local image=$1 cmdline=$2 run mark
	net_nic_tap "$ns" tap0
	net_vm_boot "$image" --verbose --timeout 180 -- "$cmdline" >/dev/null 2>&1 || true
	run=$(sed -n '/Run \/init as init process/{s/^\[ *\([0-9.]*\)\].*/\1/p;q}' "$LOG_TXT")
	mark=$(sed -n '/^SESAME-ROOT-OK /{s/^SESAME-ROOT-OK uptime=\([0-9.]*\) .*/\1/p;q}' "$LOG_TXT")
	if [ -n "$run" ] && [ -n "$mark" ]; then
		awk -v a="$run" -v b="$mark" 'BEGIN { printf "%.2f\n", b - a }'
	else
		echo fail
	fi
}

declare -A res=()
for i in $(seq "$runs"); do
	res[sesame3]+=" $(boot_once nfs "root=nfs:192.0.2.1:/root:vers=3 $ipcfg")"
	res[sesame4]+=" $(boot_once nfs "root=nfs:192.0.2.1:/root $ipcfg")"
	# net.ifnames=0: its udev would rename eth0, which ip= names
	res[itools]+=" $(boot_once mk "boot=nfs root=/dev/nfs nfsroot=192.0.2.1:/root,vers=3,tcp $ipcfg ro net.ifnames=0")"
done
for k in sesame3 sesame4 itools; do
	# shellcheck disable=SC2086 # the list of numbers
	echo "$k: runs:${res[$k]}; median $(median ${res[$k]}) s (Run /init to the real init)"
done
echo "image sizes: sesame $(stat -c %s "${IMAGES[nfs]}") bytes (--no-generic-modules," \
	"the NFS and virtio modules), initramfs-tools $(stat -c %s "$mk") bytes (MODULES=netboot)"
echo "  load average now: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
