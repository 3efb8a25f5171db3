# lib.sh: the VM test library, sourced by every tests/vm/t/*.sh (and by
# demo.sh and measure.sh). Kernel, images, disks, one QEMU boot at a time,
# and assertions on the serial log. A test is a bash script that sources
# this file, sets things up, calls vm_boot and then expect_* functions, and
# ends with vm_done. See docs/testing.md.
# shellcheck shell=bash

set -euo pipefail

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$VM_DIR/../.." && pwd)
SESAME_CACHE=${SESAME_CACHE:-$HOME/.cache/sesame}
SESAME_BIN=${SESAME_BIN:-$TOP/build/bin}
VM_TIMEOUT=${VM_TIMEOUT:-120}
VM_MEM=${VM_MEM:-512}
# Drop `quiet` from every kernel command line (more kernel log on serial).
VM_VERBOSE=${VM_VERBOSE:-0}
TEST_NAME=${TEST_NAME:-$(basename "${0%.sh}")}
VM_LOGDIR=${VM_LOGDIR:-$TOP/build/vm-logs/$TEST_NAME}
# The modules a VM boot needs from the Debian kernel; the builder resolves
# their dependencies (virtio_pci_*_dev, virtio, virtio_ring, crc16, jbd2, ...).
VM_MODULES=(virtio_pci virtio_blk ext4)

# The test disks' identities (the tests use them).
# shellcheck disable=SC2034
ROOT_UUID=5e5a0000-0000-4000-8000-00000000a001
ROOT_LABEL=sesame-root
DECOY_UUID=5e5a0000-0000-4000-8000-00000000b001
DECOY_LABEL=decoy-root
USR_UUID=5e5a0000-0000-4000-8000-00000000c001
USR_LABEL=sesame-usr
# shellcheck disable=SC2034
ROOT_PARTUUID=5e5a0000-0000-4000-8000-00000000d002
# shellcheck disable=SC2034
ROOT_PARTLABEL=sesame-rootpart
# Missing on every test disk.
# shellcheck disable=SC2034
NONE_UUID=5e5a0000-0000-4000-8000-0000000dead0

# What sesame-init prints when it gives up (init/: the emergency path), and
# what ends a boot early when no --until is given.
# ("sesame-init: error: emergency: WHAT", on the console, and with the
# kernel's timestamp when kmsg shows there too.)
EMERGENCY_RE=${EMERGENCY_RE:-'^(\[ *[0-9.]+\] )?sesame-init: (error: )?emergency: '}
PANIC_RE='Kernel panic'
# rd.timeout for tests that do not set their own, below VM_TIMEOUT so a
# root that never shows ends in the emergency message, not a VM timeout.
VM_RD_TIMEOUT=${VM_RD_TIMEOUT:-20}

T=$(mktemp -d "${TMPDIR:-/tmp}/sesame-vm.XXXXXX")
# Shared between the tests of one run.sh (images built once); a test run
# alone keeps them in its own T.
VM_SHARED=${VM_SHARED:-$T}
mkdir -p "$VM_LOGDIR"
LOG=$VM_LOGDIR/serial.log
VM_PGID=
VM_FAILS=0
exec {VM_OUT_FD}>&1 # the test's stdout, for --watch
# Images and disks by name, for vm_boot: IMAGES[name]=path, DISKS[name]=path.
declare -A IMAGES=() DISKS=()

vm_cleanup() {
	vm_kill
	rm -rf "$T"
}
trap vm_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- messages ------------------------------------------------------------

# ms_to_s MS: prints MS as seconds with one decimal.
ms_to_s() { printf '%d.%d' $(($1 / 1000)) $(($1 % 1000 / 100)); }

say() { echo "[$TEST_NAME] $*"; }
die() {
	echo "[$TEST_NAME] FAIL: $*" >&2
	exit 1
}
fail() {
	echo "[$TEST_NAME] FAIL: $*" >&2
	VM_FAILS=$((VM_FAILS + 1))
}
ok() { echo "[$TEST_NAME] ok: $*"; }

# ---- reading logs: no pipe into a reader that stops early ------------------
# Under pipefail, `producer | grep -q` (or grep -m, head, awk's exit) fails
# with the producer's 141 (SIGPIPE) whenever the producer still has output
# when the reader stops: a large log, and more often on a busy machine. In
# `x=$(...)` that ends the test (set -e), in `until`/`if` a match becomes a
# miss. These helpers either read all their input or keep the producer out
# of the status (process substitution, here-strings); use them.

# log_has RE [FILE]: FILE ($LOG by default; CRs dropped) has a line
# matching the ERE RE.
log_has() { grep -qE -- "$1" <(tr -d '\r' <"${2:-$LOG}"); }

# text_has RE TEXT: TEXT has a line matching the ERE RE.
text_has() { grep -qE -- "$1" <<<"$2"; }

# first_line: the first line of stdin; unlike head, it reads all of it.
first_line() { sed -n 1p; }

# ---- kernel --------------------------------------------------------------

# Sets KDIR, KVER, VMLINUZ from the cached Debian kernel (fetched if needed).
vm_kernel() {
	[ -n "${KDIR:-}" ] && [ -n "${KVER:-}" ] && return 0
	KDIR=$("$VM_DIR/fetch-kernel.sh") || die "cannot fetch the kernel"
	KVER=${KDIR##*/kernel-}
	VMLINUZ=$KDIR/boot/vmlinuz-$KVER
	[ -f "$VMLINUZ" ] || die "no $VMLINUZ"
	export KDIR KVER VMLINUZ
}

# ---- caching -------------------------------------------------------------

# cache_key WORDS...: a short hash of its arguments.
cache_key() {
	printf '%s\n' "$@" | sha256sum | cut -c1-24
}

# tree_hash DIR: a hash of a directory's content, names, modes and links.
tree_hash() {
	tar -C "$1" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
		-cf - . | sha256sum | cut -c1-24
}

# cached OUT BUILDER ARGS...: runs BUILDER TMPOUT ARGS... under a lock unless
# OUT already exists, then moves TMPOUT to OUT (so OUT is always complete).
cached() {
	local out=$1 lock
	shift
	[ -s "$out" ] && return 0
	mkdir -p "$(dirname "$out")"
	exec {lock}>"$out.lock"
	flock "$lock"
	if [ ! -s "$out" ]; then
		rm -f "$out.tmp"
		"$1" "$out.tmp" "${@:2}" || {
			rm -f "$out.tmp"
			exec {lock}>&-
			return 1
		}
		mv "$out.tmp" "$out"
	fi
	exec {lock}>&-
}

# ---- images --------------------------------------------------------------

# need_sesame: the builder and init are there (given 30 s, as a make in
# this tree may be relinking them).
need_sesame() {
	local b n
	for b in sesame sesame-init; do
		for ((n = 0; n < 30; n++)); do
			[ -x "$SESAME_BIN/$b" ] && break
			sleep 1
		done
		[ -x "$SESAME_BIN/$b" ] || die "missing $SESAME_BIN/$b (run make)"
	done
}

build_image_into() {
	local out=$1
	shift
	"$SESAME_BIN/sesame" build -o "$out" --kver "$KVER" \
		--moddir "$KDIR/lib/modules" "$@" >"$out.buildlog" 2>&1 || {
		cat "$out.buildlog" >&2
		return 1
	}
}

# image_build NAME [sesame build args...]: builds (once per run and
# arguments) an image for the cached kernel with the VM modules, as
# IMAGES[NAME].
# Without arguments of its own: -m for VM_MODULES and --no-generic-modules.
image_build() {
	local var=$1 key out
	shift
	vm_kernel
	need_sesame
	if [ $# -eq 0 ]; then
		local m
		set -- --no-generic-modules
		for m in "${VM_MODULES[@]}"; do set -- "$@" -m "$m"; done
	fi
	# The key covers the arguments, the files they name and our binaries.
	local a f sums=()
	for a in "$@"; do
		f=${a%%:*}
		[ ! -f "$f" ] || sums+=("$(sha256sum <"$f")")
	done
	key=$(cache_key "$KVER" "$@" "${sums[@]}" "$(cat "$SESAME_BIN/sesame" \
		"$SESAME_BIN/sesame-init" | sha256sum)")
	out=$VM_SHARED/images/$key.img
	cached "$out" build_image_into "$@" || die "sesame build $* failed"
	IMAGES[$var]=$out
}

# busybox_image_into OUT INIT MODULE...: a test-only initramfs (no sesame
# code): busybox-static, INIT as /init, and the modules with their
# dependencies in load order listed in /etc/modules.load.
busybox_image_into() {
	local out=$1 init=$2 root m
	shift 2
	root=$(mktemp -d "$T/bbroot.XXXXXX")
	mkdir -p "$root"/{bin,sbin,etc,dev,proc,sys,run,newroot}
	cp /bin/busybox "$root/bin/busybox"
	ln -s busybox "$root/bin/sh"
	install -m 0755 "$init" "$root/init"
	modprobe -d "$KDIR" -S "$KVER" --show-depends -a "$@" |
		awk '$1 == "insmod" && !seen[$2]++ { print $2 }' |
		while read -r m; do
			mkdir -p "$root/$(dirname "${m#"$KDIR"/}")"
			cp "$m" "$root/${m#"$KDIR"/}"
			echo "/${m#"$KDIR"/}" >>"$root/etc/modules.load"
		done
	(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --quiet) >"$out"
	rm -rf "$root"
}

# busybox_image NAME INIT MODULE...: the same, cached per run, as IMAGES[NAME].
busybox_image() {
	local var=$1 out
	shift
	vm_kernel
	out=$VM_SHARED/images/bb-$(cache_key "$KVER" "$(sha256sum <"$1")" \
		"${@:2}").img
	cached "$out" busybox_image_into "$@" || die "busybox image failed"
	IMAGES[$var]=$out
}

# ---- test disks ----------------------------------------------------------

# root_tree DIR [--id ID] [--fstab LINE]... [--alt-init PATH] [--no-init]:
# a real root: busybox, /sbin/init = rootfs/init (the marker), the API
# mount points, /etc/sesame-test-id = ID (default real-root).
root_tree() {
	local dir=$1 id=real-root init=1 alt fstab=()
	shift
	local alts=()
	while [ $# -gt 0 ]; do
		case $1 in
		--id) id=$2; shift 2 ;;
		--fstab) fstab+=("$2"); shift 2 ;;
		--alt-init) alts+=("$2"); shift 2 ;;
		--no-init) init=0; shift ;;
		*) die "root_tree: unknown option $1" ;;
		esac
	done
	mkdir -p "$dir"/{bin,sbin,etc,dev,proc,sys,run,usr,tmp,mnt}
	cp /bin/busybox "$dir/bin/busybox"
	ln -s busybox "$dir/bin/sh"
	if [ "$init" = 1 ]; then
		install -m 0755 "$VM_DIR/rootfs/init" "$dir/sbin/init"
	fi
	for alt in "${alts[@]}"; do
		mkdir -p "$dir$(dirname "$alt")"
		install -m 0755 "$VM_DIR/rootfs/init" "$dir$alt"
	done
	echo "$id" >"$dir/etc/sesame-test-id"
	printf '%s\n' "${fstab[@]}" >"$dir/etc/fstab"
}

# usr_tree DIR [ID]: what a separate /usr holds for these tests.
usr_tree() {
	mkdir -p "$1/bin" "$1/lib"
	echo "${2:-real-usr}" >"$1/sesame-test-id"
}

# root_disk NAME [root_tree options]: the real root (ROOT_UUID, ROOT_LABEL).
root_disk() {
	local name=$1
	shift
	root_tree "$T/$name" "$@"
	disk_ext4 "$name" "$T/$name" "$ROOT_UUID" "$ROOT_LABEL"
}

# decoy_disk NAME: another bootable root (rootid decoy-root) that a test
# puts first, so finding "the first disk" is not finding root.
decoy_disk() {
	root_tree "$T/$1" --id decoy-root
	disk_ext4 "$1" "$T/$1" "$DECOY_UUID" "$DECOY_LABEL"
}

# usr_disk NAME: a separate /usr (USR_UUID, USR_LABEL, id real-usr).
usr_disk() {
	usr_tree "$T/$1"
	disk_ext4 "$1" "$T/$1" "$USR_UUID" "$USR_LABEL"
}

# mkfs_into OUT TREE UUID LABEL SIZE_MB
mkfs_into() {
	mke2fs -q -F -t ext4 -d "$2" -U "$3" -L "$4" -E root_owner=0:0 \
		-O ^has_journal "$1" "$5M" </dev/null >/dev/null
}

# disk_ext4 NAME TREE UUID LABEL [SIZE_MB]: a whole-disk ext4 made from
# TREE (cached by content), as DISKS[NAME].
disk_ext4() {
	local var=$1 tree=$2 uuid=$3 label=$4 size=${5:-32} out
	out=$SESAME_CACHE/vm-disks/ext4-$(cache_key "$(tree_hash "$tree")" \
		"$uuid" "$label" "$size").img
	cached "$out" mkfs_into "$tree" "$uuid" "$label" "$size" ||
		die "mke2fs failed"
	DISKS[$var]=$out
}

# disk_debugfs NAME FROM CMD...: DISKS[FROM] changed by `debugfs -w -R CMD`
# for each CMD (to make a file system that needs or fails fsck), cached.
debugfs_into() {
	local out=$1 from=$2 c
	shift 2
	cp --sparse=always "$from" "$out"
	for c in "$@"; do
		debugfs -w -R "$c" "$out" >/dev/null 2>&1 || return 1
	done
}
disk_debugfs() {
	local name=$1 from=${DISKS[$2]:-} out
	shift 2
	[ -f "$from" ] || die "disk_debugfs: no disk $from"
	out=$SESAME_CACHE/vm-disks/dbg-$(cache_key "$(basename "$from")" "$@").img
	cached "$out" debugfs_into "$from" "$@" || die "debugfs $* failed"
	DISKS[$name]=$out
}

# GPT layout: partition 1 (8 MiB, empty, PARTLABEL "spare") then partition 2
# holding the ext4, so a PARTUUID= that found the first partition fails.
GPT_P2_START=18432

gpt_into() {
	local out=$1 fs=$2 partuuid=$3 partlabel=$4 sectors
	sectors=$(($(stat -c %s "$fs") / 512))
	truncate -s $(((GPT_P2_START + sectors + 2048) * 512)) "$out"
	# (not -q: sgdisk 1.0.9 then writes nothing)
	sgdisk -o -U 5e5a0000-0000-4000-8000-0000000d15c0 \
		-n 1:2048:$((GPT_P2_START - 1)) -t 1:8300 -c 1:spare \
		-u 1:5e5a0000-0000-4000-8000-00000000d001 \
		-n "2:$GPT_P2_START:+$sectors" -t 2:8300 -c "2:$partlabel" \
		-u "2:$partuuid" "$out" >/dev/null
	dd if="$fs" of="$out" bs=512 seek="$GPT_P2_START" conv=notrunc,sparse \
		status=none
	grep -qi "unique GUID: $partuuid" <<<"$(sgdisk -i 2 "$out")" || {
		echo "gpt_into: no partition 2 in $out" >&2
		return 1
	}
}

# disk_gpt NAME TREE UUID LABEL PARTUUID PARTLABEL [SIZE_MB]: a GPT disk
# whose second partition holds the ext4 made from TREE, as DISKS[NAME].
disk_gpt() {
	local var=$1 tree=$2 uuid=$3 label=$4 partuuid=$5 partlabel=$6
	local size=${7:-32} fs out
	disk_ext4 "$var.fs" "$tree" "$uuid" "$label" "$size"
	fs=${DISKS[$var.fs]}
	unset "DISKS[$var.fs]"
	out=$SESAME_CACHE/vm-disks/gpt-$(cache_key "$(basename "$fs")" \
		"$partuuid" "$partlabel").img
	cached "$out" gpt_into "$fs" "$partuuid" "$partlabel" ||
		die "sgdisk failed"
	DISKS[$var]=$out
}

# ---- the helper VM (LUKS, md RAID, LVM disks) ----------------------------

# The helper's modules: the VM set and device-mapper, dm-crypt with what
# LUKS2 aes-xts needs, md RAID1.
HELPER_MODULES=(virtio_pci virtio_blk ext4 dm_mod dm_crypt xts ecb
	algif_skcipher af_alg raid1 md_mod)
HELPER_BINARIES=(/sbin/cryptsetup /sbin/mdadm /sbin/lvm /sbin/dmsetup
	/sbin/mke2fs /sbin/e2fsck)

# helper_image: IMAGES[helper], made by sesame build --no-init from
# helper/helper.list, the binaries and helper/init as /init.
helper_image() {
	local args=(--no-init --no-generic-modules -a "$VM_DIR/helper/helper.list"
		-f /bin/busybox:/bin/busybox:0755
		-f "$VM_DIR/helper/init:/init:0755"
		-f "$VM_DIR/helper/lvm.conf:/etc/lvm/lvm.conf:0644") m b
	for m in "${HELPER_MODULES[@]}"; do args+=(-m "$m"); done
	for b in "${HELPER_BINARIES[@]}"; do
		[ -x "$b" ] || die "helper: no $b (scripts/deps.sh vm)"
		args+=(-b "$b")
	done
	image_build helper "${args[@]}"
}

# helper_boot DIR RECIPE NOUTS [-- IN...]: boots the helper VM with the
# recipe, the NOUTS disks DIR/1.img.. (written) and the IN disks; the log
# is $VM_LOGDIR/helper.log(.txt). Returns 1 unless the recipe succeeded.
helper_boot() {
	local dir=$1 recipe=$2 nouts=$3 n i log=$LOG
	shift 3
	[ "${1:-}" != -- ] || shift
	helper_image
	printf '%s\n' "$recipe" >"$dir/recipe"
	truncate -s 64K "$dir/recipe"
	DISKS[helper.recipe]=$dir/recipe
	local boot=(--disk helper.recipe)
	for ((n = 1; n <= nouts; n++)); do
		DISKS[helper.out$n]=$dir/$n.img
		boot+=(--rw-disk "helper.out$n")
	done
	for i in "$@"; do boot+=(--disk "$i"); done
	vm_boot helper "${boot[@]}" --log "$VM_LOGDIR/helper.log" \
		--until '^HELPER-FAIL' -- "helper.outs=$nouts" "helper.ins=$#" >/dev/null
	LOG=$log
	grep -q '^HELPER-OK' "$VM_LOGDIR/helper.log.txt" && return 0
	echo "---- helper VM log (last 30 lines) ----" >&2
	tail -n 30 "$VM_LOGDIR/helper.log.txt" >&2
	return 1
}

# helper_run [IN...] <RECIPE: runs the recipe in the helper VM with IN1, ...
# the named DISKS (read-only), uncached; fails the test unless it succeeds.
# Its output is in $HELPER_LOG.
helper_run() {
	local i
	for i in "$@"; do
		[ -f "${DISKS[$i]:-}" ] || die "helper_run: no disk $i"
	done
	mkdir -p "$T/helper-run"
	helper_boot "$T/helper-run" "$(cat)" 0 -- "$@" ||
		die "the helper VM failed (log: $VM_LOGDIR/helper.log)"
	# shellcheck disable=SC2034 # for the test
	HELPER_LOG=$VM_LOGDIR/helper.log.txt
}

# helper_disks OUT:SIZE_MB... [-- IN...] <RECIPE: runs the shell script on
# stdin in the helper VM with OUT1, OUT2, ... set to fresh disks of SIZE_MB
# (which it formats) and IN1, ... to the named DISKS (read-only, e.g. an
# ext4 from disk_ext4 to copy in with dd); then DISKS[OUT] are the results,
# cached by the recipe and inputs.
helper_disks() {
	local outs=() ins=() o i recipe key dir lock n
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		outs+=("$1")
		shift
	done
	[ $# -eq 0 ] || shift
	ins=("$@")
	[ ${#outs[@]} -gt 0 ] || die "helper_disks: no output disk"
	recipe=$(cat)
	local sums=()
	for i in "${ins[@]}"; do
		[ -f "${DISKS[$i]:-}" ] || die "helper_disks: no disk $i"
		sums+=("$(basename "${DISKS[$i]}")")
	done
	key=$(cache_key "$recipe" "${outs[@]}" "${sums[@]}" \
		"$(cat "$VM_DIR/helper/init" "$VM_DIR/helper/lvm.conf" | sha256sum)")
	dir=$SESAME_CACHE/vm-disks/helper-$key
	mkdir -p "$SESAME_CACHE/vm-disks"
	exec {lock}>"$dir.lock"
	flock "$lock"
	if [ ! -f "$dir/done" ]; then
		rm -rf "$dir.tmp"
		mkdir -p "$dir.tmp"
		n=0
		for o in "${outs[@]}"; do
			n=$((n + 1))
			truncate -s "${o#*:}M" "$dir.tmp/$n.img"
		done
		helper_boot "$dir.tmp" "$recipe" "$n" -- "${ins[@]}" || {
			exec {lock}>&-
			die "the helper VM failed (log: $VM_LOGDIR/helper.log)"
		}
		touch "$dir.tmp/done"
		rm -rf "$dir"
		mv "$dir.tmp" "$dir"
	fi
	exec {lock}>&-
	n=0
	for o in "${outs[@]}"; do
		n=$((n + 1))
		DISKS[${o%%:*}]=$dir/$n.img
	done
}

# ---- booting -------------------------------------------------------------

# vm_kill: ends the running VM (vm-slot.sh and QEMU are one process group).
vm_kill() {
	[ -n "$VM_PGID" ] || return 0
	kill -TERM -- "-$VM_PGID" 2>/dev/null || true
	local _
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 -- "-$VM_PGID" 2>/dev/null || break
		sleep 0.2
	done
	kill -KILL -- "-$VM_PGID" 2>/dev/null || true
	wait "$VM_PGID" 2>/dev/null || true
	VM_PGID=
}

# vm_boot IMAGE [--disk DISK]... [--rw-disk DISK]... [--until REGEX]
#         [--linger S] [--timeout S] [--log FILE] [--type REGEX TEXT]...
#         [--watch] [--verbose] [--] CMDLINE...
# Boots the cached kernel with IMAGES[IMAGE] as initramfs, each DISKS[DISK]
# as a virtio disk (vda, vdb, ... in the order given; copy-on-write: the
# file never changes, but for --rw-disk)
# and "console=ttyS0 panic=-1 quiet rd.timeout=VM_RD_TIMEOUT CMDLINE" (no
# rd.timeout added when CMDLINE has one). Returns when QEMU exits, or when
# REGEX (default: the emergency message or a kernel panic) shows in the
# serial log (--until '': never), S more seconds given (--linger: does the
# guest stay up?),
# then the VM is killed; or after --timeout seconds of VM time (killed,
# and a failure). Sets VM_STATUS to exited|matched|timeout (matched: the
# guest was still running when killed) and VM_WALL to the seconds the VM
# ran. The serial log is in $LOG, without CRs in $LOG_TXT, and with the
# host's arrival time (epoch seconds) before each line in $LOG_TS (--log
# sets LOG; default $VM_LOGDIR/serial.log).
# --type types TEXT and Enter on the console once REGEX shows in what the
# console printed since the last typing (in order). --watch streams the
# serial log to stdout as it comes; --verbose leaves out quiet (the
# kernel's log on the console too).
vm_boot() {
	local image=${IMAGES[$1]:-} pattern="$EMERGENCY_RE|$PANIC_RE" linger=0
	local timeout=$VM_TIMEOUT watch=0 verbose=$VM_VERBOSE disks=() args=()
	local types=() serial=()
	shift
	while [ $# -gt 0 ]; do
		case $1 in
		--disk) disks+=("$2"); shift 2 ;;
		--rw-disk) disks+=("rw:$2"); shift 2 ;;
		--log) LOG=$2; shift 2 ;;
		--type) types+=("$2" "$3"); shift 3 ;;
		--until) pattern=$2; shift 2 ;;
		--linger) linger=$2; shift 2 ;;
		--timeout) timeout=$2; shift 2 ;;
		--watch) watch=1; shift ;;
		--verbose) verbose=1; shift ;;
		--)
			shift
			break
			;;
		*) break ;;
		esac
	done
	vm_kernel
	[ -f "$image" ] || die "vm_boot: no image $1"
	local cmdline="console=ttyS0 panic=-1"
	[ "$verbose" = 1 ] || cmdline="$cmdline quiet"
	[[ " $* " == *" rd.timeout="* ]] || cmdline="$cmdline rd.timeout=$VM_RD_TIMEOUT"
	cmdline="$cmdline $*"
	local d
	local snap
	for d in "${disks[@]}"; do
		snap=on
		[[ $d != rw:* ]] || snap=off d=${d#rw:}
		[ -f "${DISKS[$d]:-}" ] || die "vm_boot: no disk $d"
		args+=(-drive "file=${DISKS[$d]},format=raw,if=virtio,snapshot=$snap")
	done
	LOG_TXT=$LOG.txt
	LOG_TS=$LOG.ts
	: >"$LOG"
	rm -f "$T/qemu.pid" "$LOG_TXT" "$LOG_TS"
	local confd='' drain=''
	if [ ${#types[@]} -eq 0 ]; then
		serial=(-serial "file:$LOG")
	else
		# A console we can type on: QEMU reads con.in, writes con.out
		# (drained here) and the log.
		rm -f "$T/con.in" "$T/con.out"
		mkfifo "$T/con.in" "$T/con.out"
		serial=(-chardev "pipe,id=con,path=$T/con,logfile=$LOG"
			-serial chardev:con)
		exec {confd}<>"$T/con.in"
		cat "$T/con.out" >/dev/null &
		drain=$!
	fi
	say "boot: $cmdline"
	# setsid: QEMU and its slot holder form one process group that vm_kill
	# ends; timeout(1) is a last guard should this shell die without its trap.
	setsid "$TOP/scripts/vm-slot.sh" timeout --foreground -k 5 $((timeout + 60)) \
		qemu-system-x86_64 -nodefaults -no-user-config -display none \
		-machine pc -smp 1 -m "$VM_MEM" -no-reboot \
		-pidfile "$T/qemu.pid" "${serial[@]}" -nic none \
		-kernel "$VMLINUZ" -initrd "$image" -append "$cmdline" \
		"${args[@]}" </dev/null >"$T/qemu.out" 2>&1 &
	VM_PGID=$!
	tail -s 0.1 -n +1 -F --pid="$VM_PGID" "$LOG" 2>/dev/null |
		stamp_lines "$watch" >"$LOG_TS" &
	local stamper=$!
	local start='' now until_ms='' t0 typed=0 at=0
	t0=$(now_ms)
	VM_STATUS=
	while :; do
		now=$(now_ms)
		if [ -z "$start" ] && [ -s "$T/qemu.pid" ]; then
			start=$now # the slot is ours: QEMU runs
		fi
		# The next --type: its REGEX in what came after the last typing.
		if [ $typed -lt ${#types[@]} ] &&
			text_has "${types[typed]}" "$(tail -c +$((at + 1)) "$LOG" | tr -d '\r')"; then
			at=$(stat -c %s "$LOG")
			say "typing: ${types[typed + 1]}"
			printf '%s\r' "${types[typed + 1]}" >&"$confd"
			typed=$((typed + 2))
		fi
		if ! kill -0 "$VM_PGID" 2>/dev/null; then
			VM_STATUS=exited
			break
		fi
		if [ -z "$until_ms" ] && [ -n "$pattern" ] &&
			log_has "$pattern"; then
			until_ms=$((now + linger * 1000))
		fi
		if [ -n "$until_ms" ] && [ "$now" -ge "$until_ms" ]; then
			VM_STATUS=matched
			break
		fi
		if [ -n "$start" ] && [ $((now - start)) -gt $((timeout * 1000)) ]; then
			VM_STATUS=timeout
			break
		fi
		sleep 0.1
	done
	VM_WALL=$(ms_to_s $(($(now_ms) - ${start:-$now})))
	VM_SLOT_WAIT=$(ms_to_s $((${start:-$now} - t0)))
	if [ "$VM_STATUS" = exited ]; then
		wait "$VM_PGID" || true
		VM_PGID=
	else
		vm_kill
	fi
	wait "$stamper" 2>/dev/null || true
	if [ -n "$confd" ]; then
		exec {confd}>&-
		kill "$drain" 2>/dev/null || true
		wait "$drain" 2>/dev/null || true
	fi
	tr -d '\r' <"$LOG" >"$LOG_TXT"
	if [ -s "$T/qemu.out" ]; then
		say "qemu said:"
		sed 's/^/    /' "$T/qemu.out"
	fi
	say "VM $VM_STATUS after ${VM_WALL} s (${VM_SLOT_WAIT} s waiting for a VM slot)"
	if [ "$VM_STATUS" = timeout ]; then
		fail "VM still running after $timeout s"
	fi
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# stamp_lines WATCH: each line of stdin with its arrival time (and to the
# terminal too when WATCH is 1).
stamp_lines() {
	local line
	while IFS= read -r line; do
		line=${line%$'\r'}
		printf '%s %s\n' "$EPOCHREALTIME" "$line"
		[ "$1" = 0 ] || printf '%s\n' "$line" >&"$VM_OUT_FD"
	done
}

# ---- assertions on the serial log -----------------------------------------

# expect_log REGEX [WHAT]: REGEX (grep -E) is in the serial log.
expect_log() {
	if grep -qE -- "$1" "$LOG_TXT"; then
		ok "${2:-log has /$1/}"
	else
		fail "${2:-log has /$1/}: not found"
	fi
}

# expect_no_log REGEX [WHAT]
expect_no_log() {
	local hit
	if hit=$(grep -m1 -E -- "$1" "$LOG_TXT"); then
		fail "${2:-log has no /$1/}: found: $hit"
	else
		ok "${2:-log has no /$1/}"
	fi
}

# The marker line the test root's init prints (rootfs/init), as fields in M.
declare -A M=()
marker_read() {
	local line kv
	M=()
	line=$(grep -m1 -E '^SESAME-ROOT-OK ' "$LOG_TXT") || return 1
	for kv in ${line#SESAME-ROOT-OK }; do
		M[${kv%%=*}]=${kv#*=}
	done
}

# expect_marker: the real root's init ran and printed its marker.
expect_marker() {
	if marker_read; then
		ok "the real root's init ran (uptime ${M[uptime]} s)"
	else
		fail "no SESAME-ROOT-OK marker from the real root's init"
	fi
}

# expect_field NAME VALUE|/REGEX/: a marker field equals VALUE or matches.
expect_field() {
	local name=$1 want=$2 have
	have=${M[$name]-}
	if [ -z "${M[uptime]-}" ]; then
		fail "marker $name: no marker"
	elif [[ $want == /*/ ]] && [[ $have =~ ${want:1:-1} ]]; then
		ok "marker $name=$have"
	elif [ "$have" = "$want" ]; then
		ok "marker $name=$have"
	else
		fail "marker $name: want $want, have '$have'"
	fi
}

# expect_clean_switch: after the switch the real init is PID 1 on
# the real root (rootid, a virtio disk, not the initramfs), sees /dev /proc
# /sys /run mounted, and no process from the initramfs is left.
expect_clean_switch() {
	expect_marker
	expect_field pid 1
	expect_field rootid real-root
	expect_field root "/^\/dev\/vd[a-z][0-9]*:ext4:r[ow]$/"
	expect_field api dev,proc,sys,run
	expect_field others none
}

# expect_handoff: sesame-init printed its handoff timing line.
expect_handoff() {
	expect_log '^sesame-init: handoff: total [0-9]+ ms' \
		"sesame-init reports its handoff timings"
}

# expect_alive: the guest was still running when the harness ended it (PID 1
# waits in its emergency path: no panic, no reboot, no power-off).
expect_alive() {
	if [ "$VM_STATUS" = matched ]; then
		ok "the guest stays up"
	else
		fail "the guest did not stay up (VM $VM_STATUS)"
	fi
}

# expect_between RE1 RE2 MIN MAX [WHAT]: the first line matching RE2 came
# MIN to MAX seconds of guest time after the first matching RE1, by the
# kernel's timestamps ("[  12.345678] ..."; boot with --verbose so that
# kmsg lines show on the console with them). Guest time in TCG follows the
# host's clock.
expect_between() {
	local what=${5:-"/$2/ $3..$4 s after /$1/"} d
	d=$(awk -v a="$1" -v b="$2" '
		function stamp(l) { sub(/^\[ */, "", l); sub(/\].*/, "", l); return l + 0 }
		!/^\[ *[0-9.]+\] / { next }
		t1 == "" { if ($0 ~ a) t1 = stamp($0); next }
		$0 ~ b { printf "%.2f", stamp($0) - t1; exit }
	' "$LOG_TXT")
	if [ -z "$d" ]; then
		fail "$what: timestamped lines not found"
	elif awk -v d="$d" -v lo="$3" -v hi="$4" 'BEGIN { exit !(d >= lo && d <= hi) }'; then
		ok "$what ($d s)"
	else
		fail "$what: took $d s"
	fi
}

# vm_done: the test's verdict; on failure the serial log's tail.
vm_done() {
	if [ "$VM_FAILS" -ne 0 ]; then
		if [ -s "${LOG_TXT:-/nonexistent}" ]; then
			echo "---- serial log (last 40 lines; whole: $LOG) ----"
			tail -n 40 "$LOG_TXT"
			echo "----"
		fi
		say "$VM_FAILS check(s) failed"
		exit 1
	fi
	say "passed"
	exit 0
}
