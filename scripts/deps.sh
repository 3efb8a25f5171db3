#!/bin/bash
# deps.sh: installs the Debian packages a make target needs, when missing.
# Usage: scripts/deps.sh build|test|vm|bench   (each includes the ones before)
#
# When another apt or dpkg (often unattended-upgrades on a fresh machine)
# holds its locks, it says so and waits, at most SESAME_DEPS_LOCK_WAIT
# seconds (600). For tests: SESAME_DEPS_LOCKS (the lock files to watch),
# SESAME_DEPS_EXTRA (more package names), SESAME_DEPS_DRY_RUN=1 (print the
# apt-get commands instead of running them).
set -euo pipefail

build_pkgs="build-essential pkg-config libcryptsetup-dev libdevmapper-dev
	libblkid-dev libmbedtls-dev libkmod-dev libarchive-dev libmnl-dev zstd
	lz4 xz-utils cpio"
# The unit tests compare with ssh-keygen, readelf and dropbearkey, and the
# boot's fsck tests need /sbin/e2fsck; they fail when one is missing: their
# packages are listed here, not assumed.
test_pkgs="libcmocka-dev clang libclang-rt-14-dev openssh-client binutils
	dropbear-bin e2fsprogs"
vm_pkgs="qemu-system-x86 busybox-static dropbear-bin mdadm lvm2 e2fsprogs
	cryptsetup-bin dnsmasq-base iproute2 openssh-client kmod gdisk python3
	mmdebstrap"
bench_pkgs="initramfs-tools dropbear-initramfs cryptsetup-initramfs hyperfine"

# apt's and dpkg's locks, in the order apt takes them.
locks=${SESAME_DEPS_LOCKS:-/var/lib/dpkg/lock-frontend /var/lib/dpkg/lock
	/var/lib/apt/lists/lock /var/cache/apt/archives/lock}
lock_wait=${SESAME_DEPS_LOCK_WAIT:-600}

want=$build_pkgs
case "${1:-build}" in
build) ;;
test | vm) want="$want $test_pkgs $vm_pkgs" ;;
bench) want="$want $test_pkgs $vm_pkgs $bench_pkgs" ;;
*)
	echo "usage: $0 build|test|vm|bench" >&2
	exit 2
	;;
esac
want="$want ${SESAME_DEPS_EXTRA:-}"

# lock_holder FILE: prints "PID (NAME)" of a process holding a lock on FILE
# (fcntl as apt and dpkg take them, or flock), from /proc/locks; prints
# nothing when FILE is not locked. No fuser or lsof needed.
lock_holder() {
	local dev ino maj min id kind pid
	read -r dev ino < <(stat -L -c '%d %i' "$1" 2>/dev/null) || return 0
	maj=$(((dev >> 8) & 0xfff | ((dev >> 32) & ~0xfff)))
	min=$(((dev & 0xff) | ((dev >> 12) & ~0xff)))
	id=$(printf '%02x:%02x:%d' "$maj" "$min" "$ino")
	# "N: POSIX ADVISORY WRITE PID MAJ:MIN:INODE START END"; lines of
	# processes waiting for a lock have a "->" and are not holders.
	while read -r _ kind _ _ pid dev _; do
		[ "$kind" = "->" ] && continue
		[ "$dev" = "$id" ] || continue
		if [ "$pid" -gt 0 ] 2>/dev/null; then
			echo "$pid ($(cat "/proc/$pid/comm" 2>/dev/null || echo '?'))"
		else
			echo "an open file description"
		fi
		return 0
	done </proc/locks
}

# wait_for_locks: returns once none of $locks is held; fails after
# $lock_wait seconds, naming the holder.
wait_for_locks() {
	local start=$SECONDS said="" f who
	for f in $locks; do
		while who=$(lock_holder "$f") && [ -n "$who" ]; do
			if [ $((SECONDS - start)) -ge "$lock_wait" ]; then
				echo "deps: $f is still held by $who after" \
					"$lock_wait s; giving up (SESAME_DEPS_LOCK_WAIT" \
					"sets the wait)" >&2
				return 1
			fi
			if [ "$said" != "$f $who" ]; then
				echo "deps: waiting for $f, held by $who" \
					"(another apt or dpkg, e.g. unattended-upgrades)," \
					"at most $lock_wait s" >&2
				said="$f $who"
			fi
			sleep 1
		done
	done
	[ -z "$said" ] || echo "deps: the package locks are free now" >&2
}

missing=()
for p in $want; do
	# no pipe into grep -q: under pipefail its early exit can fail the test
	if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != \
		"install ok installed" ]; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
sudo=""
if [ "${SESAME_DEPS_DRY_RUN:-0}" = 1 ]; then
	dry_run() { echo "deps: would run: $*" >&2; }
	sudo=dry_run
elif [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || {
		echo "deps: need root (or sudo) to install: ${missing[*]}" >&2
		exit 1
	}
	sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
# Our own wait says what it waits for; apt's timeout covers the race of
# another apt starting between the check and apt-get.
wait_for_locks
$sudo apt-get -o DPkg::Lock::Timeout="$lock_wait" update -qq
wait_for_locks
$sudo apt-get -o DPkg::Lock::Timeout="$lock_wait" install -y -qq \
	--no-install-recommends "${missing[@]}" >/dev/null
