#!/bin/bash
# fetch-kernel.sh [KVER]: puts a Debian kernel (vmlinuz + modules) into the
# cache without installing it (apt-get download + dpkg-deb -x: no postinst,
# /boot untouched) and prints its directory. Idempotent: an unpacked kernel
# already in the cache is reused.
set -euo pipefail

cache=${SESAME_CACHE:-$HOME/.cache/sesame}
pinned=${1:-${SESAME_KVER:-6.1.0-56-amd64}}

kernel_dir() { echo "$cache/kernel-$1"; }

kernel_ready() {
	local d
	d=$(kernel_dir "$1")
	[ -f "$d/boot/vmlinuz-$1" ] && [ -f "$d/lib/modules/$1/modules.dep" ]
}

# The linux-image-X.Y.Z-N-amd64 that linux-image-amd64 points at now.
current_kver() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/.*Depends: linux-image-\([0-9].*-amd64\)$/\1/p' | sed -n 1p
}

downloadable() {
	apt-cache show "linux-image-$1" >/dev/null 2>&1
}

# Downloads and unpacks linux-image-$1 into the cache (atomically: a
# half-unpacked kernel is never left under the final name).
unpack_kernel() {
	local kver=$1 tmp deb
	tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && apt-get download -q "linux-image-$kver" >&2)
	deb=$(ls "$tmp"/linux-image-"$kver"_*.deb)
	dpkg-deb -x "$deb" "$tmp/root"
	# dpkg-deb does not run depmod; the package ships modules.dep anyway,
	# but regenerate the indexes when they are missing.
	if [ ! -f "$tmp/root/lib/modules/$kver/modules.dep" ]; then
		depmod -b "$tmp/root" "$kver"
	fi
	rm -rf "$(kernel_dir "$kver")"
	mv "$tmp/root" "$(kernel_dir "$kver")"
	rm -rf "$tmp"
	trap - EXIT
}

main() {
	local kver=$pinned
	mkdir -p "$cache"
	if kernel_ready "$kver"; then
		kernel_dir "$kver"
		return 0
	fi
	# Serialise fetches: several tests (or engineers) may start at once.
	exec {lock}>"$cache/.fetch-kernel.lock"
	flock "$lock"
	if kernel_ready "$kver"; then
		kernel_dir "$kver"
		return 0
	fi
	if ! downloadable "$kver"; then
		apt-get update -qq >&2 || true
	fi
	if ! downloadable "$kver"; then
		kver=$(current_kver)
		[ -n "$kver" ] || {
			echo "fetch-kernel: no linux-image-$pinned and no linux-image-amd64 in apt" >&2
			return 1
		}
		echo "fetch-kernel: linux-image-$pinned unavailable, using $kver" >&2
		if kernel_ready "$kver"; then
			kernel_dir "$kver"
			return 0
		fi
	fi
	unpack_kernel "$kver"
	kernel_dir "$kver"
}

main
